// Restore drill overhead: a generated database (about --size-mb) is dumped once (pg_dump -Fc); then, in
// the same run and over several rounds in alternating order, a bare `pg_restore -j2` into a fresh
// database of a running server (what an operator would type) is timed against `runDrill` end to end from
// the same dump into its default target, a scratch server (initdb, start, restore, validations, stop and
// removal). Judged on the median overhead, printed with its spread (bench/verdicts.js). Goal: <= 10 %.
// Usage: node bench/restore.js [--size-mb 1024] [--jobs 2] [--rounds 3]   (build first: npx tsc -p tsconfig.json)

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runDrill } from '../dist/drill/index.js';
import { startScratchPostgres } from '../dist/drivers/postgres/scratch.js';
import { connectionArgs, pgClientTool, pgDump } from '../dist/drivers/postgres/tools.js';
import { Journal } from '../dist/runner/journal.js';
import { systemClock } from '../dist/util/clock.js';
import { judgeRestore } from './verdicts.js';

async function sql(url, text) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

const dbUrl = (server, db) => server.replace(/\/postgres$/, `/${db}`);

/**
 * Three tables with hex text payloads (poorly compressible, like real data) and secondary indexes,
 * plus gameday markers. About 260 bytes per row on disk with its indexes, so rows = size / 260.
 */
async function generate(url, sizeMb) {
  const rows = Math.max(10_000, Math.round((sizeMb * 1024 * 1024) / 260));
  const contacts = Math.round(rows * 0.5);
  const events = Math.round(rows * 0.35);
  const notes = rows - contacts - events;
  await sql(
    url,
    `CREATE TABLE contacts AS
       SELECT g AS id, 'name ' || g AS name, 'user' || g || '@example.com' AS email,
              md5(g::text) || md5((g * 3)::text) || md5((g * 5)::text) || md5((g * 7)::text) AS payload, timestamptz '2024-01-01' + g * interval '1 second' AS created_at
         FROM generate_series(1, ${contacts}) g;
     CREATE TABLE events AS
       SELECT g AS id, (g % ${contacts}) + 1 AS contact_id, (ARRAY['create','update','delete'])[g % 3 + 1] AS kind,
              md5((g * 11)::text) || md5((g * 17)::text) || md5((g * 19)::text) || md5((g * 23)::text) AS body
         FROM generate_series(1, ${events}) g;
     CREATE TABLE notes AS
       SELECT g AS id, (g % ${contacts}) + 1 AS contact_id, md5((g * 29)::text) || md5((g * 31)::text) || md5((g * 37)::text) || md5((g * 41)::text) || md5((g * 43)::text) AS text
         FROM generate_series(1, ${notes}) g;
     ALTER TABLE contacts ADD PRIMARY KEY (id);
     ALTER TABLE events ADD PRIMARY KEY (id);
     ALTER TABLE notes ADD PRIMARY KEY (id);
     CREATE INDEX contacts_email ON contacts (email);
     CREATE INDEX events_contact ON events (contact_id);
     CREATE INDEX notes_contact ON notes (contact_id);
     CREATE SCHEMA gameday;
     CREATE TABLE gameday.gameday_markers (run_id text, seq bigint, written_at timestamptz, PRIMARY KEY (run_id, seq));
     INSERT INTO gameday.gameday_markers SELECT 'bench', g, now() - (1000 - g) * interval '100 ms' FROM generate_series(1, 1000) g;`,
  );
  const size = await sql(url, 'SELECT pg_database_size(current_database())::bigint AS n');
  return { rows, databaseBytes: Number(size.rows[0].n) };
}

/** Bare pg_restore, exactly as an operator would run it: no wrapper, no progress, no validations. */
function bareRestore(url, file, jobs) {
  const { dbArg, env } = connectionArgs(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(pgClientTool('pg_restore'), ['--no-owner', '--no-acl', '-j', String(jobs), '-d', dbArg, file], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`pg_restore failed: ${err}`)),
    );
  });
}

/** Generate, dump once, then time the bare restore and the drill from the same dump, round after round. */
export async function benchRestore({ sizeMb = 1024, jobs = 2, rounds = 3, log = () => undefined } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-restore-'));
  // Scratch servers run as `postgres` when we are root: it must traverse this dir.
  chmodSync(dir, 0o711);
  const journal = new Journal(join(dir, 'journal.ndjson'));
  const dump = join(dir, 'bench.dump');
  let source;
  let bare;
  try {
    source = await startScratchPostgres({ journal, parentDir: dir });
    await sql(source.url, 'CREATE DATABASE bench');
    log(`generating about ${sizeMb} MB …`);
    const t = performance.now();
    const gen = await generate(dbUrl(source.url, 'bench'), sizeMb);
    const generateMs = performance.now() - t;
    log(`generated ${(gen.databaseBytes / 1024 ** 2).toFixed(0)} MB in ${(generateMs / 1000).toFixed(1)} s; dumping …`);
    const dumped = await pgDump({ url: dbUrl(source.url, 'bench'), file: dump });
    const dumpBytes = statSync(dump).size;
    // Why stop the source now: it is not needed any more, and disk use stays at one database + dump + one copy.
    await source.stop();
    source = undefined;

    // The operator's server: already running, as it would be for a bare pg_restore.
    bare = await startScratchPostgres({ journal, parentDir: dir });
    let n = 0;
    const bareOnce = async () => {
      const db = `bare${++n}`;
      await sql(bare.url, `CREATE DATABASE ${db}`);
      const ms = await bareRestore(dbUrl(bare.url, db), dump, jobs);
      await sql(bare.url, `DROP DATABASE ${db}`);
      return ms;
    };
    const drill = async (target) => {
      const t0 = performance.now();
      const result = await runDrill(
        {
          name: 'bench-restore',
          source: { kind: 'file', path: dump },
          target,
          restore: { jobs },
          marker: { table: 'gameday.gameday_markers', column: 'written_at' },
          objectives: { restoreTimeMaxMs: 3_600_000, validations: 'all' },
          timeoutMs: 3_600_000,
          cleanupTimeoutMs: 120_000,
          workDir: dir,
        },
        { journal, clock: systemClock },
      );
      const ms = performance.now() - t0;
      if (result.status !== 'passed') {
        throw new Error(`drill ${result.status}: ${result.error?.message ?? JSON.stringify(result.objectives)}`);
      }
      return { ms, result };
    };

    // Alternating order, so a burst of other load on a shared machine does not always hit the same contender.
    const measured = [];
    let last;
    for (let r = 0; r < rounds; r++) {
      const row = { round: r + 1, order: r % 2 === 0 ? 'bare first' : 'drill first' };
      for (const who of r % 2 === 0 ? ['bare', 'drill'] : ['drill', 'bare']) {
        if (who === 'bare') {
          log(`round ${r + 1}: bare pg_restore -j${jobs} …`);
          row.bareMs = await bareOnce();
        } else {
          log(`round ${r + 1}: gameday drill into a scratch server (the default target) …`);
          last = await drill({ kind: 'scratch-server' });
          row.drillMs = last.ms;
        }
      }
      log(
        `round ${r + 1} (${row.order}): bare ${(row.bareMs / 1000).toFixed(2)} s, drill ${(row.drillMs / 1000).toFixed(2)} s`,
      );
      measured.push(row);
    }
    // Informational, once: the drill into a fresh database of the same running server as the bare restore.
    log('gameday drill into a scratch database (informational) …');
    const intoDb = await drill({ kind: 'database', url: bare.url });
    const result = last.result;
    return {
      sizeMb,
      jobs,
      databaseBytes: gen.databaseBytes,
      restoredBytes: result.restore?.databaseBytes ?? null,
      dumpBytes,
      generateMs,
      dumpMs: dumped.durationMs,
      rounds: measured,
      drillRestoreMs: result.restore?.durationMs ?? null,
      drillToolMs: result.restore?.toolMs ?? null,
      validations: result.validations.map((v) => `${v.name}:${v.pass ? 'ok' : 'FAIL'}`),
      cleanupComplete: result.cleanup.complete && intoDb.result.cleanup.complete,
      databaseDrillMs: intoDb.ms,
      ...judgeRestore({ rounds: measured, label: 'scratch server, the default' }),
    };
  } finally {
    await bare?.stop().catch(() => undefined);
    await source?.stop().catch(() => undefined);
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const r = await benchRestore({
    sizeMb: arg('--size-mb', 1024),
    jobs: arg('--jobs', 2),
    rounds: arg('--rounds', 3),
    log: (line) => console.log(`  ${line}`),
  });
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const mb = (b) => `${(b / 1024 ** 2).toFixed(0)} MB`;
  console.log(
    `database ${mb(r.databaseBytes)} (restored ${mb(r.restoredBytes ?? 0)}), dump ${mb(r.dumpBytes)} in ${s(r.dumpMs)}`,
  );
  console.log(
    `last drill: restore part ${s(r.drillRestoreMs ?? 0)}, pg_restore ${s(r.drillToolMs ?? 0)}; validations ${r.validations.join(', ')}`,
  );
  console.log(`drill into a scratch database of the running server (informational): ${s(r.databaseDrillMs)}`);
  console.log(r.line);
}
