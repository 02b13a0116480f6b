// RPO markers: a writer appends (run_id, seq, written_at) rows to the primary at a fixed interval and
// records which seqs were acknowledged; after recovery, reconciliation reads which of them survived.

import pg from 'pg';
import { GamedayError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import { sleep } from '../../util/clock.js';
import { describeDbUrl, redactUrl } from '../../util/redact.js';

export interface AcknowledgedMarker {
  seq: number;
  /** Epoch ms (run clock mapped to wall time) when the write was sent. */
  writtenAt: number;
}

export interface MarkerWriterOptions {
  url: string;
  table: string;
  runId: string;
  intervalMs: number;
  clock: Clock;
  /** Writes allowed in flight before a tick is skipped (a stalled primary must not pile up work). */
  maxInFlight?: number;
}

const SCHEMA = 'gameday';
/**
 * The comment gameday puts on the schema when it creates it. Why: marker cleanup must leave the
 * database as it found it — drop the schema only when gameday made it, never one a person made.
 */
const OWNED_SCHEMA_COMMENT = 'created by gameday for RPO markers; dropped when empty';

function qualified(table: string): string {
  // Table names are validated by the schema (^[a-z_][a-z0-9_]*$); quote anyway.
  return `"${SCHEMA}"."${table}"`;
}

/** Writes markers on a fixed schedule (absolute ticks, no drift) until stopped. */
export class MarkerWriter {
  readonly acknowledged: AcknowledgedMarker[] = [];
  attempted = 0;
  failed = 0;
  skipped = 0;
  /** Endpoint changes made with switchTo, in order (run clock). */
  readonly switches: Array<{ t: number; url: string }> = [];
  private pool: pg.Pool;
  private currentUrl: string;
  private retired: pg.Pool[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private seq = 0;
  private stopped = false;

  constructor(private readonly opts: MarkerWriterOptions) {
    this.currentUrl = opts.url;
    this.pool = MarkerWriter.openPool(opts.url);
  }

  /**
   * A pool with short timeouts. Why no retries of its own: behind a writer endpoint a dropped
   * connection is discarded and the next write opens a new one, so writing resumes by itself as
   * soon as the endpoint reaches the promoted primary; a write that failed is never retried, so an
   * acknowledgement always means "this INSERT returned success".
   */
  private static openPool(url: string): pg.Pool {
    const pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: 1000,
      idleTimeoutMillis: 5000,
      statement_timeout: 2000,
      query_timeout: 3000,
    });
    // A primary that goes away closes idle clients; that is expected during a failover, never fatal.
    pool.on('error', () => undefined);
    return pool;
  }

  /** The endpoint markers are written to now. */
  get url(): string {
    return this.currentUrl;
  }

  /**
   * Write to another endpoint from the next tick on (the post-failover primary named by the scenario,
   * e.g. a promoted RDS replica). Writes in flight on the old endpoint settle there; the marker table
   * is created on the new endpoint if the promoted copy lacks it.
   */
  async switchTo(url: string): Promise<void> {
    if (url === this.currentUrl) return;
    const old = this.pool;
    this.pool = MarkerWriter.openPool(url);
    this.currentUrl = url;
    this.switches.push({ t: this.opts.clock.now(), url: redactUrl(url) });
    this.retired.push(old);
    await this.ensureTable().catch(() => undefined);
  }

  private async ensureTable(): Promise<void> {
    await createOwnedSchema(this.pool);
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${qualified(this.opts.table)} (run_id text NOT NULL, seq bigint NOT NULL, written_at timestamptz NOT NULL, PRIMARY KEY (run_id, seq))`,
    );
  }

  /** Create the marker table (journaled by the caller before this call) and start writing. */
  async start(): Promise<void> {
    try {
      await this.ensureTable();
    } catch (error) {
      throw new GamedayError(`cannot create the marker table on ${describeDbUrl(this.currentUrl)}`, {
        kind: 'runtime',
        code: 'MARKERS_SETUP',
        phase: 'markers',
        cause: error,
      });
    }
    const start = this.opts.clock.now();
    const tick = (k: number): void => {
      if (this.stopped) return;
      this.write();
      const next = start + (k + 1) * this.opts.intervalMs;
      this.timer = setTimeout(() => tick(k + 1), Math.max(0, next - this.opts.clock.now()));
    };
    tick(0);
  }

  private write(): void {
    if (this.inFlight.size >= (this.opts.maxInFlight ?? 20)) {
      this.skipped += 1;
      return;
    }
    this.seq += 1;
    this.attempted += 1;
    const seq = this.seq;
    const writtenAt = this.opts.clock.wall(this.opts.clock.now());
    const p = this.pool
      .query(
        `INSERT INTO ${qualified(this.opts.table)} (run_id, seq, written_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))`,
        [this.opts.runId, seq, writtenAt],
      )
      .then(
        () => {
          this.acknowledged.push({ seq, writtenAt });
        },
        () => {
          this.failed += 1;
        },
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Stop writing and wait for writes in flight to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Read the seqs of this run that survived, retrying while the primary is unreachable. */
  async surviving(timeoutMs = 30_000): Promise<number[]> {
    const deadline = performance.now() + timeoutMs;
    let lastError: unknown;
    while (performance.now() < deadline) {
      try {
        const res = await this.pool.query<{ seq: string }>(
          `SELECT seq FROM ${qualified(this.opts.table)} WHERE run_id = $1`,
          [this.opts.runId],
        );
        return res.rows.map((r) => Number(r.seq));
      } catch (error) {
        lastError = error;
        await sleep(250);
      }
    }
    throw new GamedayError(`cannot read markers back from ${describeDbUrl(this.currentUrl)}`, {
      kind: 'runtime',
      code: 'MARKERS_READ',
      phase: 'measure',
      cause: lastError,
    });
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.all([this.pool, ...this.retired].map((p) => p.end().catch(() => undefined)));
    this.retired = [];
  }
}

/**
 * Create the marker schema, marked as gameday's, when it does not exist. One simple-protocol query,
 * so PostgreSQL runs both statements in one transaction: a crash can never leave an unmarked schema.
 */
async function createOwnedSchema(db: pg.Pool | pg.Client): Promise<void> {
  const exists = await db.query(`SELECT to_regnamespace($1) IS NOT NULL AS e`, [SCHEMA]);
  if (exists.rows[0]?.e === true) return;
  try {
    await db.query(`CREATE SCHEMA "${SCHEMA}"; COMMENT ON SCHEMA "${SCHEMA}" IS '${OWNED_SCHEMA_COMMENT}'`);
  } catch (error) {
    // Another writer created it between the check and here (duplicate_schema): it is there, as wanted.
    if ((error as { code?: string }).code !== '42P06') throw error;
  }
}

/** Drop the marker schema when gameday created it and nothing is left in it; says what it did. */
async function dropOwnedSchemaIfEmpty(client: pg.Client): Promise<string> {
  const r = await client.query<{ comment: string | null }>(
    `SELECT obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = $1`,
    [SCHEMA],
  );
  const row = r.rows[0];
  if (!row) return '';
  if (row.comment !== OWNED_SCHEMA_COMMENT) return `; schema ${SCHEMA} kept (gameday did not create it)`;
  try {
    // RESTRICT: refused while anything else lives in the schema.
    await client.query(`DROP SCHEMA "${SCHEMA}" RESTRICT`);
    return `; schema ${SCHEMA} dropped`;
  } catch (error) {
    if ((error as { code?: string }).code !== '2BP01') throw error;
    return `; schema ${SCHEMA} kept (other objects live in it)`;
  }
}

/** The journal form of a marker URL: without its password (PGPASSWORD supplies it at rollback). */
export function markerUrlForJournal(url: string): string {
  return redactUrl(url);
}

/** Undo of the marker table: delete this run's rows; drop the table when no other run's rows remain. */
export async function dropMarkers(opts: {
  url: string;
  table: string;
  runId: string;
  signal?: AbortSignal;
}): Promise<string> {
  let url = opts.url;
  if (url.includes(':***@')) {
    const password = process.env['PGPASSWORD'];
    if (password === undefined) {
      throw new GamedayError(`the marker table on ${describeDbUrl(url)} needs a password to be removed`, {
        kind: 'rollback-incomplete',
        code: 'MARKERS_PASSWORD',
        hint: 'set PGPASSWORD and run gameday rollback again',
      });
    }
    url = url.replace(':***@', `:${encodeURIComponent(password)}@`);
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const exists = await client.query(`SELECT to_regclass($1) AS t`, [`${SCHEMA}.${opts.table}`]);
    // Why the schema check also here: a run killed between dropping the table and the schema.
    if (exists.rows[0]?.t === null) return `marker table already gone${await dropOwnedSchemaIfEmpty(client)}`;
    await client.query(`DELETE FROM ${qualified(opts.table)} WHERE run_id = $1`, [opts.runId]);
    const left = await client.query(`SELECT count(*)::int AS n FROM ${qualified(opts.table)}`);
    if ((left.rows[0]?.n ?? 0) === 0) {
      await client.query(`DROP TABLE IF EXISTS ${qualified(opts.table)}`);
      return `marker table dropped${await dropOwnedSchemaIfEmpty(client)}`;
    }
    return 'this run’s markers deleted (other runs still use the table)';
  } finally {
    await client.end().catch(() => undefined);
  }
}
