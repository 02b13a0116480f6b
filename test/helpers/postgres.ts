// PostgreSQL in integration tests: one-off queries, and a scratch server as the source of restore drills
// (a temp dir, a server in it, empty databases, ConnectKit-like contacts to restore).

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startScratchPostgres, type ScratchPostgres } from '../../src/drivers/postgres/scratch.js';

/** The rows of SQL text (one statement, or several without params) run on a connection of its own. */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface SourceServer {
  /** The temp dir holding the server; tests make their own dirs under it. */
  root: string;
  server: ScratchPostgres;
  /** URL of database `db` on this server. */
  url(db: string): string;
  /** Stop the server and remove `root`. */
  stop(): Promise<void>;
}

/** A scratch server in a new temp dir named `<prefix>…`, with `databases` created empty. */
export async function startSourceServer(prefix: string, databases: string[]): Promise<SourceServer> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(root, { recursive: true, force: true });
  let server: ScratchPostgres | undefined;
  try {
    // The scratch servers run as `postgres` when we are root: it must traverse this dir.
    chmodSync(root, 0o711);
    server = await startScratchPostgres({ parentDir: root });
    for (const db of databases) await query(server.url, `CREATE DATABASE "${db}"`);
  } catch (error) {
    await server?.stop().catch(() => undefined);
    remove();
    throw error;
  }
  const started = server;
  return {
    root,
    server: started,
    url: (db) => started.url.replace(/\/postgres$/, `/${db}`),
    stop: async () => {
      await started.stop();
      remove();
    },
  };
}

/** Table `contacts` (id, name, email, created_at; an index on email) with `count` rows. */
export async function createContacts(url: string, count: number): Promise<void> {
  await query(
    url,
    `CREATE TABLE contacts (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at timestamptz DEFAULT now());
     INSERT INTO contacts (name, email, created_at)
       SELECT 'name ' || g, 'user' || g || '@example.com', timestamptz '2024-01-01' + g * interval '1 minute'
       FROM generate_series(1, ${count}) g;
     CREATE INDEX contacts_email ON contacts (email);`,
  );
}
