// The database a dump is restored into: a throwaway server, or a scratch database on a given server.
// Both are journaled before creation and registered for cleanup before they exist.

import pg from 'pg';
import { createScratchDatabase, startScratchPostgres } from '../drivers/postgres/scratch.js';
import type { Journal } from '../runner/journal.js';
import type { Defer, DrillTargetConfig } from './types.js';

/** Name of the database created inside a scratch server. */
export const RESTORE_DATABASE = 'gameday_restore';

/** Create the restore target and return its URL; its removal is deferred to cleanup. */
export async function createTarget(
  config: DrillTargetConfig,
  ctx: { journal: Journal; signal: AbortSignal; defer: Defer; parentDir?: string; binDir?: string },
): Promise<string> {
  if (config.kind === 'database') {
    const created: { drop?: () => Promise<string> } = {};
    ctx.defer('drop scratch database', async () => (created.drop ? created.drop() : 'not created'));
    const db = await createScratchDatabase({ serverUrl: config.url, journal: ctx.journal, signal: ctx.signal });
    created.drop = db.drop;
    return db.url;
  }
  const created: { stop?: () => Promise<string> } = {};
  ctx.defer('remove scratch server', async () => (created.stop ? created.stop() : 'not created'));
  const server = await startScratchPostgres({
    journal: ctx.journal,
    signal: ctx.signal,
    onJournaled: (stop) => (created.stop = stop),
    ...(ctx.parentDir === undefined ? {} : { parentDir: ctx.parentDir }),
    ...(ctx.binDir === undefined ? {} : { binDir: ctx.binDir }),
  });
  created.stop = server.stop;
  const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${RESTORE_DATABASE}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return server.url.replace(/\/postgres$/, `/${RESTORE_DATABASE}`);
}
