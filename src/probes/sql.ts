// SQL probe: runs a query on PostgreSQL through a tiny pool; optional row count and first-value checks.
// The connection URL carries credentials, so no detail or error ever includes it: targets are shown
// as host:port/db and every message is scrubbed of the URL and password before it leaves this module.

import pg from 'pg';
import type { CheckOutcome, Probe } from './types.js';
import { errorCode, ms, truncate } from './detail.js';

export interface SqlCheckConfig {
  url: string;
  query: string;
  expectRows?: number;
  expectValue?: string | number | boolean;
}

/** Build a PostgreSQL probe (pool of at most 2 connections, closed by `close()`). */
export function createSqlProbe(
  name: string,
  config: SqlCheckConfig,
  timing: { intervalMs: number; timeoutMs: number },
): Probe {
  const target = describeTarget(config.url);
  const secrets = secretsOf(config.url);
  const scrub = (text: string): string => redact(text, secrets);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 2,
    connectionTimeoutMillis: Math.max(1, timing.timeoutMs),
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
  });
  // An idle connection that the server drops (failover, restart) emits 'error' on the pool; without a
  // listener that would crash the process. The broken client is already removed by pg.
  pool.on('error', () => {});
  const guarded = new WeakSet<object>();

  async function check(signal: AbortSignal): Promise<CheckOutcome> {
    if (signal.aborted) return { ok: false, detail: 'aborted' };
    const started = performance.now();
    let client: pg.PoolClient | undefined;
    let broken = false;
    const onAbort = (): void => {
      // Abandon the connection: destroying it ends a hung query and keeps it out of the pool.
      broken = true;
      if (client) {
        client.release(true);
        client = undefined;
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const connecting = pool.connect();
      const acquired = await raceAbort(connecting, signal);
      if (acquired === undefined) {
        // The connect may still succeed later; throw that connection away when it does.
        connecting.then(
          (c) => c.release(true),
          () => {},
        );
        return { ok: false, detail: 'aborted' };
      }
      client = acquired;
      if (broken) {
        client.release(true);
        client = undefined;
        return { ok: false, detail: 'aborted' };
      }
      // Errors surface through the query promise; listen once per pooled client, not once per check.
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', () => {});
      }
      const result = await raceAbort(client.query({ text: config.query, rowMode: 'array' }), signal);
      if (result === undefined) return { ok: false, detail: 'aborted' };
      const elapsed = ms(performance.now() - started);
      const rows = result.rows as unknown[][];
      const first = rows[0]?.[0];
      const value =
        typeof first === 'number'
          ? first
          : typeof first === 'string' && first !== '' && Number.isFinite(Number(first))
            ? Number(first)
            : undefined;
      const base = `${rows.length} row${rows.length === 1 ? '' : 's'} in ${elapsed}`;
      if (config.expectRows !== undefined && rows.length !== config.expectRows) {
        return withValue({ ok: false, detail: `${base} (expected ${config.expectRows})` }, value);
      }
      if (config.expectValue !== undefined) {
        const actual = String(first);
        if (actual !== String(config.expectValue)) {
          return withValue(
            {
              ok: false,
              detail: truncate(scrub(`${base}, value ${actual} (expected ${String(config.expectValue)})`), 200),
            },
            value,
          );
        }
      }
      return withValue({ ok: true, detail: base }, value);
    } catch (error) {
      broken = true;
      if (signal.aborted) return { ok: false, detail: 'aborted' };
      return { ok: false, detail: truncate(scrub(`${describeFailure(error)} at ${target}`), 200) };
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (client) {
        // A connection that failed or was abandoned is discarded, never returned to the pool.
        client.release(broken ? true : undefined);
      }
    }
  }

  return {
    name,
    kind: 'sql',
    intervalMs: timing.intervalMs,
    timeoutMs: timing.timeoutMs,
    check,
    close: () => pool.end().catch(() => {}),
  };
}

function withValue(outcome: CheckOutcome, value: number | undefined): CheckOutcome {
  return value === undefined ? outcome : { ...outcome, value };
}

/** Resolve with the promise's value, or with undefined as soon as the signal aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** A SQL error's message is useful ("relation x does not exist"); a network error's code is enough. */
function describeFailure(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; severity?: unknown };
  if (typeof e?.severity === 'string' && typeof e.message === 'string') return `${e.message} (${String(e.code)})`;
  return errorCode(error);
}

/** "host:port/db" from a connection URL, without user or password; "postgres" when it does not parse. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${db ? `/${db}` : ''}`;
  } catch {
    return 'postgres';
  }
}

function secretsOf(url: string): string[] {
  const secrets = [url];
  try {
    const u = new URL(url);
    if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
    const fromQuery = u.searchParams.get('password');
    if (fromQuery) secrets.push(fromQuery);
  } catch {
    // Unparseable: the whole string is the only secret we can name.
  }
  return secrets.filter((s) => s.length >= 3);
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
