// Validations of a restored copy: SQL expectations, row counts and checksums against the source,
// schema presence, and the newest marker (for RPO). Each returns the same result shape, pass or fail.

import { createHash } from 'node:crypto';
import pg from 'pg';
import { GamedayError, describeError } from '../errors.js';
import { redactText } from '../util/redact.js';
import type { ExpectValue, ValidationConfig, ValidationResult, ValidationValue } from './types.js';

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Quote "schema.table" or "table" as an identifier; anything else is rejected (never interpolated raw). */
export function quoteTable(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT_RE.test(p))) {
    throw new GamedayError(`"${name}" is not a table name (schema.table or table)`, {
      kind: 'invalid-input',
      code: 'DRILL_TABLE_NAME',
    });
  }
  return parts.map((p) => `"${p}"`).join('.');
}

function quoteColumn(name: string): string {
  if (!IDENT_RE.test(name)) {
    throw new GamedayError(`"${name}" is not a column name`, { kind: 'invalid-input', code: 'DRILL_TABLE_NAME' });
  }
  return `"${name}"`;
}

/**
 * Why fixed session settings: row text (the checksum input) depends on time zone, date style and float
 * output; source and copy must render identical rows identically whatever their server defaults.
 */
const SESSION_SQL = [
  "SET TimeZone TO 'UTC'",
  "SET DateStyle TO 'ISO, YMD'",
  "SET IntervalStyle TO 'postgres'",
  'SET extra_float_digits TO 3',
  "SET bytea_output TO 'hex'",
];

/** A lazily connected client; connection failures are remembered, not thrown twice. */
export class LazyDb {
  private connecting: Promise<pg.Client> | undefined;
  constructor(
    readonly url: string,
    private readonly signal: AbortSignal,
  ) {}

  /** The connected client; concurrent callers share one connection attempt, and a failure sticks. */
  get(): Promise<pg.Client> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      for (const sql of SESSION_SQL) await client.query(sql);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    // An abort closes the connection, which fails the running query.
    this.signal.addEventListener('abort', () => void client.end().catch(() => undefined), { once: true });
    return client;
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    if (!connecting) return;
    await connecting.then((c) => c.end()).catch(() => undefined);
  }
}

const INT8_OID = 20;

/** A query value as plain JSON; bigint (count(*)) becomes a number when it is exact. */
function scalar(v: unknown, typeId?: number): ValidationValue {
  if (v === null || v === undefined) return null;
  if (typeId === INT8_OID && typeof v === 'string' && Number.isSafeInteger(Number(v))) return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

function numeric(v: ValidationValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Check a value against {equals, min, max}; numbers returned as text (bigint, numeric) compare as numbers. */
export function checkExpect(actual: ValidationValue, expect: ExpectValue): { pass: boolean; expected: string } {
  const parts: string[] = [];
  let pass = true;
  if (expect.equals !== undefined) {
    parts.push(`= ${JSON.stringify(expect.equals)}`);
    const a = numeric(actual);
    const e = typeof expect.equals === 'number' ? expect.equals : null;
    pass &&= e !== null && a !== null ? a === e : String(actual) === String(expect.equals);
  }
  if (expect.min !== undefined) {
    parts.push(`>= ${expect.min}`);
    const a = numeric(actual);
    pass &&= a !== null && a >= expect.min;
  }
  if (expect.max !== undefined) {
    parts.push(`<= ${expect.max}`);
    const a = numeric(actual);
    pass &&= a !== null && a <= expect.max;
  }
  return { pass, expected: parts.join(' and ') };
}

async function countRows(db: LazyDb, table: string): Promise<number> {
  const c = await db.get();
  const res = await c.query<{ n: string }>(`SELECT count(*)::bigint AS n FROM ${quoteTable(table)}`);
  return Number(res.rows[0]?.n ?? 0);
}

/**
 * md5 over a table's rows in a canonical order: each row's md5, grouped by its first two hex digits
 * (one scan, bounded memory per group), each group hashed over its sorted row hashes, then the
 * groups hashed in order. Equal for equal multisets of rows, whatever their physical order.
 */
export async function tableChecksum(db: LazyDb, table: string): Promise<string> {
  const c = await db.get();
  const res = await c.query<{ b: string; m: string; n: string }>(
    `SELECT left(h, 2) AS b, md5(string_agg(h, '' ORDER BY h COLLATE "C")) AS m, count(*) AS n
       FROM (SELECT md5(t::text) AS h FROM ${quoteTable(table)} AS t) AS s
      GROUP BY 1`,
  );
  const hash = createHash('md5');
  // Bucket keys are two hex digits: a plain code-unit sort is the canonical order.
  const rows = [...res.rows].sort((x, y) => (x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
  for (const r of rows) hash.update(`${r.b}:${r.m}:${r.n};`);
  return hash.digest('hex');
}

/** Newest value of a marker column (epoch ms), or null when the table is empty. */
export async function newestMarker(db: LazyDb, table: string, column: string): Promise<number | null> {
  const c = await db.get();
  const res = await c.query<{ t: Date | null }>(`SELECT max(${quoteColumn(column)}) AS t FROM ${quoteTable(table)}`);
  const t = res.rows[0]?.t ?? null;
  return t === null ? null : new Date(t).getTime();
}

/** Whether a table exists (schema-qualified or on the search path). */
export async function tableExists(db: LazyDb, table: string): Promise<boolean> {
  const c = await db.get();
  const res = await c.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [quoteTable(table)]);
  return res.rows[0]?.t !== null && res.rows[0]?.t !== undefined;
}

async function columnsOf(db: LazyDb, table: string): Promise<Set<string>> {
  const c = await db.get();
  const res = await c.query<{ attname: string }>(
    'SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped',
    [quoteTable(table)],
  );
  return new Set(res.rows.map((r) => r.attname));
}

export interface ValidationContext {
  copy: LazyDb;
  /** The live source, when there is one. */
  source: LazyDb | null;
  /** Called with each marker time found (epoch ms), for RPO. */
  onMarker(at: number | null): void;
}

function fail(name: string, kind: ValidationResult['kind'], error: unknown, expected: ValidationValue = null) {
  return { name, kind, pass: false, expected, actual: null, detail: redactText(describeError(error)) };
}

/** Run one validation config; it may yield several results (one per table). Never throws for a failed check. */
export async function runValidation(v: ValidationConfig, ctx: ValidationContext): Promise<ValidationResult[]> {
  switch (v.kind) {
    case 'query': {
      try {
        const c = await ctx.copy.get();
        const res = await c.query(v.sql);
        const row = res.rows[0] as Record<string, unknown> | undefined;
        const field = res.fields[0];
        const actual = row && field !== undefined ? scalar(row[field.name], field.dataTypeID) : null;
        const { pass, expected } = checkExpect(actual, v.expect);
        const detail =
          row === undefined ? 'the query returned no rows' : `got ${JSON.stringify(actual)}, want ${expected}`;
        return [{ name: v.name, kind: 'query', pass: pass && row !== undefined, expected, actual, detail }];
      } catch (error) {
        return [fail(v.name, 'query', error)];
      }
    }
    case 'rowCounts':
      return Promise.all(v.tables.map((t) => rowCount(v, t, ctx)));
    case 'checksum':
      return Promise.all(v.tables.map((t) => checksum(v, t, ctx)));
    case 'schema': {
      const out: ValidationResult[] = [];
      for (const t of v.tables) {
        const name = v.name ?? `schema(${t.name})`;
        try {
          if (!(await tableExists(ctx.copy, t.name))) {
            out.push({
              name,
              kind: 'schema',
              pass: false,
              expected: t.name,
              actual: null,
              detail: `table ${t.name} is missing`,
            });
            continue;
          }
          const have = await columnsOf(ctx.copy, t.name);
          const missing = (t.columns ?? []).filter((col) => !have.has(col));
          out.push({
            name,
            kind: 'schema',
            pass: missing.length === 0,
            expected: [t.name, ...(t.columns ?? [])].join(','),
            actual: missing.length === 0 ? 'present' : `missing ${missing.join(',')}`,
            detail: missing.length === 0 ? `table ${t.name} present` : `table ${t.name} lacks ${missing.join(', ')}`,
          });
        } catch (error) {
          out.push(fail(name, 'schema', error, t.name));
        }
      }
      return out;
    }
    case 'marker': {
      const name = v.name ?? `marker(${v.table})`;
      try {
        const at = await newestMarker(ctx.copy, v.table, v.column);
        ctx.onMarker(at);
        return [
          {
            name,
            kind: 'marker',
            pass: at !== null,
            expected: 'a marker row',
            actual: at === null ? null : new Date(at).toISOString(),
            detail: at === null ? `${v.table} is empty` : `newest ${v.column} ${new Date(at).toISOString()}`,
          },
        ];
      } catch (error) {
        ctx.onMarker(null);
        return [fail(name, 'marker', error, 'a marker row')];
      }
    }
  }
}

/** A table measured in the copy and compared with the live source, or with the value given. */
interface Comparison<T extends number | string> {
  name: string;
  kind: 'rowCounts' | 'checksum';
  /** The scenario's expected value: used when there is no live source, or it cannot be read. */
  given: T | null;
  /** What is measured, for messages ("count", "checksum"). */
  what: string;
  measure(db: LazyDb): Promise<T>;
  judge(actual: T, expected: T, from: 'source' | 'given'): { pass: boolean; detail: string };
}

/** Measure, compare and judge; a measurement that fails is a failed result, never a throw. */
async function compareWithSource<T extends number | string>(
  c: Comparison<T>,
  ctx: ValidationContext,
): Promise<ValidationResult> {
  const { name, kind } = c;
  try {
    // Source and copy are measured at the same time: each is a scan of the table.
    const [actual, fromSource] = await Promise.all([
      c.measure(ctx.copy),
      ctx.source
        ? c.measure(ctx.source).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          )
        : null,
    ]);
    const judged = (expected: T, from: 'source' | 'given'): ValidationResult => {
      const { pass, detail } = c.judge(actual, expected, from);
      return { name, kind, pass, expected, actual, detail };
    };
    if (fromSource !== null && 'value' in fromSource) return judged(fromSource.value, 'source');
    if (c.given !== null) return judged(c.given, 'given');
    const detail =
      fromSource === null
        ? `no source database and no expected ${c.what}`
        : `source ${c.what} unavailable: ${redactText(describeError(fromSource.error))}`;
    return { name, kind, pass: false, expected: null, actual, detail };
  } catch (error) {
    return fail(name, kind, error, c.given);
  }
}

function rowCount(
  v: Extract<ValidationConfig, { kind: 'rowCounts' }>,
  table: string,
  ctx: ValidationContext,
): Promise<ValidationResult> {
  return compareWithSource(
    {
      name: `rowCount(${table})`,
      kind: 'rowCounts',
      given: v.expected?.[table] ?? null,
      what: 'count',
      measure: (db) => countRows(db, table),
      judge: (actual, expected, from) => ({
        pass: Math.abs(actual - expected) <= (expected * v.tolerancePercent) / 100,
        detail: `${actual} rows restored, ${expected} in ${from} (tolerance ${v.tolerancePercent}%)`,
      }),
    },
    ctx,
  );
}

function checksum(
  v: Extract<ValidationConfig, { kind: 'checksum' }>,
  table: string,
  ctx: ValidationContext,
): Promise<ValidationResult> {
  return compareWithSource(
    {
      name: `checksum(${table})`,
      kind: 'checksum',
      given: v.expected?.[table] ?? null,
      what: 'checksum',
      measure: (db) => tableChecksum(db, table),
      judge: (actual, expected) => ({
        pass: actual === expected,
        detail: actual === expected ? 'rows identical to the source' : 'rows differ from the source',
      }),
    },
    ctx,
  );
}

/** Qualified names of the user tables in a database. */
export async function userTables(db: LazyDb): Promise<string[]> {
  const c = await db.get();
  const res = await c.query<{ t: string }>(
    `SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1`,
  );
  return res.rows.map((r) => r.t);
}

/** Default check: every table in the archive's table of contents exists in the copy (or, for SQL, any table does). */
export async function artifactTablesValidation(copy: LazyDb, tocTables: string[] | null): Promise<ValidationResult> {
  const name = 'artifactTables';
  try {
    const have = new Set(await userTables(copy));
    if (tocTables === null) {
      return {
        name,
        kind: 'artifactTables',
        pass: have.size > 0,
        expected: '>= 1 table',
        actual: have.size,
        detail: `${have.size} tables restored`,
      };
    }
    const missing = tocTables.filter((t) => !have.has(t));
    return {
      name,
      kind: 'artifactTables',
      pass: missing.length === 0,
      expected: tocTables.length,
      actual: tocTables.length - missing.length,
      detail:
        missing.length === 0
          ? `all ${tocTables.length} tables of the archive restored`
          : `missing ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''}`,
    };
  } catch (error) {
    return fail(name, 'artifactTables', error);
  }
}
