// Backup-restore drills against real PostgreSQL: pg_dump sources, gzip'ed custom-format artifacts,
// newest-under-a-prefix selection, cleanup on failure and abort, and rollback after kill -9.

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPostmasterPid } from '../src/drivers/postgres/server.js';
import { isProcessRunning, startScratchPostgres, type ScratchPostgres } from '../src/drivers/postgres/scratch.js';
import { pgDump } from '../src/drivers/postgres/tools.js';
import { runDrill, s3Source, type S3Like } from '../src/drill/index.js';
import type { DrillConfig, DrillEvent, DrillResult } from '../src/drill/types.js';
import { Journal, pendingUndos, readJournal } from '../src/runner/journal.js';
import { rollback } from '../src/runner/rollback.js';
import { runUndo } from '../src/faults/undo.js';
import { systemClock } from '../src/util/clock.js';
import { ROOT, eventually, runCli } from './helpers/cli.js';
import { createContacts, query, startSourceServer, type SourceServer } from './helpers/postgres.js';

let db: SourceServer;
let source: ScratchPostgres;
let root: string;
let sourceUrl: string;
let bigUrl: string;
/** Epoch ms of the newest marker written into the source. */
let newestMarkerAt: number;
const CONTACTS = 20_000;

beforeAll(async () => {
  db = await startSourceServer('gameday-it-drill-', ['connectkit', 'big']);
  ({ server: source, root } = db);
  sourceUrl = db.url('connectkit');
  bigUrl = db.url('big');
  await createContacts(sourceUrl, CONTACTS);
  await query(
    sourceUrl,
    `CREATE SCHEMA gameday;
     CREATE TABLE gameday.gameday_markers (run_id text NOT NULL, seq bigint NOT NULL, written_at timestamptz NOT NULL, PRIMARY KEY (run_id, seq));`,
  );
  newestMarkerAt = Date.now() - 120_000;
  await query(
    sourceUrl,
    `INSERT INTO gameday.gameday_markers SELECT 'r1', g, to_timestamp(${newestMarkerAt / 1000}) - (100 - g) * interval '1 second'
       FROM generate_series(1, 100) g`,
  );
  // Big enough that a restore takes a few seconds: the kill and abort tests need to land mid-restore.
  await query(
    bigUrl,
    `CREATE TABLE payload AS SELECT g AS id, md5(g::text) AS k, repeat(md5(g::text), 6) AS body FROM generate_series(1, 600000) g;
     ALTER TABLE payload ADD PRIMARY KEY (id); CREATE INDEX payload_k ON payload (k);`,
  );
}, 300_000);

afterAll(async () => {
  await db?.stop();
});

/** A fresh parent dir for one drill's temp dirs, so the test can see what is left behind. */
function workDir(): string {
  const dir = mkdtempSync(join(root, 'work-'));
  chmodSync(dir, 0o711);
  return dir;
}

function config(overrides: Partial<DrillConfig>): DrillConfig {
  return {
    name: 'it-drill',
    source: { kind: 'postgres', url: sourceUrl },
    target: { kind: 'scratch-server' },
    restore: { jobs: 2 },
    marker: { table: 'gameday.gameday_markers', column: 'written_at' },
    objectives: { restoreTimeMaxMs: 600_000, rpoMaxMs: 900_000, validations: 'all' },
    timeoutMs: 120_000,
    cleanupTimeoutMs: 60_000,
    ...overrides,
  };
}

function newJournal(): { journal: Journal; path: string } {
  const path = join(mkdtempSync(join(root, 'run-')), 'journal.ndjson');
  return { journal: new Journal(path), path };
}

/** Run a drill and check it left nothing: journal settled, work dir empty. */
async function drill(cfg: DrillConfig, extra: { signal?: AbortSignal; onProgress?(e: DrillEvent): void } = {}) {
  const { journal, path } = newJournal();
  const result = await runDrill(cfg, { journal, clock: systemClock, ...extra });
  journal.close();
  expect(result.cleanup, JSON.stringify(result.cleanup)).toMatchObject({ complete: true, failed: [] });
  expect(pendingUndos(readJournal(path))).toEqual([]);
  if (cfg.workDir) expect(readdirSync(cfg.workDir)).toEqual([]);
  return result;
}

const byName = (r: DrillResult, name: string) => r.validations.find((v) => v.name === name);

/** Write a ConnectKit-style backup: custom format, then gzip, named connectkit-backup-<ISO with - for : and .>. */
async function connectkitBackup(dir: string, takenAt: Date): Promise<string> {
  const plain = join(dir, 'plain.dump');
  await pgDump({ url: sourceUrl, file: plain });
  const name = `connectkit-backup-${takenAt.toISOString().replace(/[:.]/g, '-')}.sql.gz`;
  await pipeline(createReadStream(plain), createGzip({ level: 9 }), createWriteStream(join(dir, name)));
  rmSync(plain);
  return join(dir, name);
}

describe('gameday drill from a pg_dump of a live database', () => {
  it('restores, matches counts and checksums, fails only the wrong expectation, and measures RPO', async () => {
    const wd = workDir();
    const result = await drill(
      config({
        workDir: wd,
        validations: [
          { kind: 'rowCounts', tables: ['contacts', 'gameday.gameday_markers'], tolerancePercent: 0 },
          { kind: 'checksum', tables: ['public.contacts'] },
          { kind: 'schema', tables: [{ name: 'contacts', columns: ['id', 'email', 'created_at'] }] },
          { kind: 'query', name: 'contacts present', sql: 'SELECT count(*) FROM contacts', expect: { min: CONTACTS } },
          { kind: 'query', name: 'deliberately wrong', sql: 'SELECT count(*) FROM contacts', expect: { equals: 1 } },
          { kind: 'marker', table: 'gameday.gameday_markers', column: 'written_at' },
        ],
      }),
    );
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('failed');
    expect(byName(result, 'rowCount(contacts)')).toMatchObject({ pass: true, expected: CONTACTS, actual: CONTACTS });
    expect(byName(result, 'rowCount(gameday.gameday_markers)')).toMatchObject({ pass: true, actual: 100 });
    const checksum = byName(result, 'checksum(public.contacts)');
    expect(checksum?.pass).toBe(true);
    expect(checksum?.actual).toMatch(/^[0-9a-f]{32}$/);
    expect(byName(result, 'schema(contacts)')?.pass).toBe(true);
    expect(byName(result, 'contacts present')?.pass).toBe(true);
    expect(byName(result, 'deliberately wrong')).toMatchObject({ pass: false, expected: '= 1', actual: CONTACTS });
    expect(result.validations.filter((v) => !v.pass).map((v) => v.name)).toEqual(['deliberately wrong']);
    // RPO = drill start − newest marker in the copy.
    const expectedRpo = (Date.parse(result.startedAt) - newestMarkerAt) / 1000;
    expect(result.rpoSeconds).not.toBeNull();
    expect(Math.abs((result.rpoSeconds ?? 0) - expectedRpo)).toBeLessThan(0.01);
    expect(result.newestMarkerAt).toBe(new Date(newestMarkerAt).toISOString());
    expect(result.source).toMatchObject({ kind: 'postgres', format: 'custom' });
    expect(result.source.bytes).toBeGreaterThan(10_000);
    expect(result.source.backupMs).toBeGreaterThan(0);
    expect(result.restore).toMatchObject({ target: 'scratch-server', jobs: 2 });
    expect(result.restore?.databaseBytes).toBeGreaterThan(1_000_000);
    expect(result.objectives.find((o) => o.name === 'validations')?.pass).toBe(false);
    expect(result.objectives.find((o) => o.name === 'rpo')?.pass).toBe(true);
  });

  it('runs the default validations: archive tables, row counts against the source, newest marker', async () => {
    const wd = workDir();
    const result = await drill(config({ workDir: wd }));
    expect(result.status, JSON.stringify(result.error)).toBe('passed');
    expect(result.validations.map((v) => [v.name, v.pass])).toEqual([
      ['artifactTables', true],
      ['rowCount(public.contacts)', true],
      ['marker(gameday.gameday_markers)', true],
    ]);
    expect(result.rpoSeconds).toBeGreaterThanOrEqual(120);
  });

  it('restores into a scratch database on an existing server and drops it', async () => {
    const result = await drill(config({ target: { kind: 'database', url: source.url }, workDir: workDir() }));
    expect(result.status, JSON.stringify(result.error)).toBe('passed');
    expect(result.restore?.target).toBe('database');
    const left = await query(source.url, "SELECT datname FROM pg_database WHERE datname LIKE 'gameday_drill_%'");
    expect(left).toEqual([]);
  });
});

describe('gameday drill from backup artifacts', () => {
  let backups: string;
  beforeAll(async () => {
    backups = mkdtempSync(join(root, 'backups-'));
    // Three backups: the newest by name is the real one; the others would fail to restore.
    const real = await connectkitBackup(backups, new Date('2024-05-03T02:00:00.000Z'));
    writeFileSync(join(backups, 'connectkit-backup-2024-05-01T02-00-00-000Z.sql.gz'), 'not a backup');
    writeFileSync(join(backups, 'connectkit-backup-2024-05-02T02-00-00-000Z.sql.gz'), 'not a backup');
    writeFileSync(join(backups, 'README.txt'), 'newest file by mtime, not a backup');
    const t = (iso: string) => new Date(iso);
    utimesSync(real, t('2024-05-03T02:05:00Z'), t('2024-05-03T02:05:00Z'));
  });

  it('restores a custom-format + gzip .sql.gz (decompressed to a file for -j 2, streamed for -j 1)', async () => {
    const file = join(backups, 'connectkit-backup-2024-05-03T02-00-00-000Z.sql.gz');
    for (const jobs of [2, 1]) {
      const result = await drill(
        config({
          source: { kind: 'file', path: file },
          restore: { jobs },
          compareWith: sourceUrl,
          workDir: workDir(),
          validations: [{ kind: 'checksum', tables: ['contacts'] }],
        }),
      );
      expect(result.status, JSON.stringify(result.error)).toBe('passed');
      expect(result.source.format).toBe('custom+gzip');
      expect(result.restore?.jobs).toBe(jobs);
      expect(byName(result, 'checksum(contacts)')?.pass).toBe(true);
      // The marker is picked up even without a marker validation.
      expect(result.rpoSeconds).toBeGreaterThanOrEqual(120);
    }
  });

  it('takes the newest backup in a folder by the timestamp in its name', async () => {
    const result = await drill(
      config({
        source: {
          kind: 'directory',
          path: backups,
          pattern: 'connectkit-backup-*.sql.gz',
          pick: { strategy: 'newest', timeFrom: 'name' },
        },
        workDir: workDir(),
      }),
    );
    expect(result.status, JSON.stringify(result.error)).toBe('passed');
    expect(result.source.name).toBe('connectkit-backup-2024-05-03T02-00-00-000Z.sql.gz');
    expect(result.source.createdAt).toBe('2024-05-03T02:00:00.000Z');
    expect(result.source.ageSeconds).toBeCloseTo(
      (Date.parse(result.startedAt) - Date.parse('2024-05-03T02:00:00Z')) / 1000,
      1,
    );
  });

  it('takes the newest object under an S3 prefix (against a local FAKE S3, not moto or AWS)', async () => {
    // FAKE: an in-memory S3Like over the backup folder, paging 2 keys at a time like ListObjectsV2.
    const keys = readdirSync(backups).map((f) => `prod/backups/${f}`);
    const calls: string[] = [];
    const fake: S3Like = {
      async listObjects({ prefix, continuationToken }) {
        calls.push(`list ${prefix} ${continuationToken ?? '-'}`);
        const start = Number(continuationToken ?? 0);
        const page = keys.filter((k) => k.startsWith(prefix)).slice(start, start + 2);
        const objects = page.map((key) => {
          const name = key.slice('prod/backups/'.length);
          return {
            key,
            lastModified: new Date(name.includes('05-03') ? '2024-05-03T02:05:00Z' : '2024-05-01T00:00:00Z'),
            size: readFileSync(join(backups, name)).length,
          };
        });
        const next = start + 2 < keys.length ? String(start + 2) : undefined;
        return { objects, ...(next === undefined ? {} : { nextContinuationToken: next }) };
      },
      async getObject({ key }) {
        calls.push(`get ${key}`);
        const file = join(backups, key.slice('prod/backups/'.length));
        return { body: createReadStream(file), contentLength: readFileSync(file).length };
      },
    };
    const pick = { strategy: 'newest', timeFrom: 'modified' } as const;
    const s3 = {
      kind: 's3',
      bucket: 'connectkit-backups',
      prefix: 'prod/backups/',
      pattern: '*.sql.gz',
      pick,
    } as const;
    const { journal, path } = newJournal();
    const result = await runDrill(config({ source: s3, workDir: workDir(), compareWith: sourceUrl }), {
      journal,
      clock: systemClock,
      sources: { s3: () => s3Source({ ...s3, client: fake }) },
    });
    expect(result.status, JSON.stringify(result.error)).toBe('passed');
    expect(result.source.location).toBe(
      's3://connectkit-backups/prod/backups/connectkit-backup-2024-05-03T02-00-00-000Z.sql.gz',
    );
    expect(calls.filter((c) => c.startsWith('list'))).toEqual(['list prod/backups/ -', 'list prod/backups/ 2']);
    expect(calls.at(-1)).toBe(`get prod/backups/connectkit-backup-2024-05-03T02-00-00-000Z.sql.gz`);
    expect(pendingUndos(readJournal(path))).toEqual([]);
  });
});

describe('drill cleanup', () => {
  it('removes the scratch server when the restore fails', async () => {
    const wd = workDir();
    const bad = join(mkdtempSync(join(root, 'bad-')), 'broken.sql');
    writeFileSync(bad, 'CREATE TABLE t (id int);\nSELECT 1/0;\n');
    const result = await drill(config({ source: { kind: 'file', path: bad }, workDir: wd }));
    expect(result.status).toBe('error');
    expect(result.error?.step).toBe('restore');
    expect(result.error?.message).toMatch(/division by zero/);
    expect(result.cleanup.detail.join('\n')).toMatch(/scratch server stopped/);
  });

  it('removes the scratch server and stops pg_restore when the drill is aborted mid-restore', async () => {
    const wd = workDir();
    const ac = new AbortController();
    const result = await drill(config({ source: { kind: 'postgres', url: bigUrl }, workDir: wd }), {
      signal: ac.signal,
      onProgress: (e) => {
        if (e.kind === 'progress' && e.step === 'restore') ac.abort(new Error('operator pressed ^C'));
      },
    });
    expect(result.status).toBe('aborted');
    expect(result.error).toMatchObject({ code: 'DRILL_ABORTED', step: 'restore' });
    expect(result.error?.message).toMatch(/operator pressed/);
    expect(result.cleanup.detail.join('\n')).toMatch(/scratch server stopped/);
  });

  it('leaves nothing behind whenever an abort lands during the scratch server start', async () => {
    // Why these delays: they land in runuser/initdb, in its bootstrap backend and in pg_ctl start -w;
    // a start stopped there has no pid file, and its processes must still be found and stopped.
    for (const ms of [30, 250, 500, 750, 1000, 1300]) {
      const parentDir = workDir();
      const { journal, path } = newJournal();
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(new Error('operator pressed ^C')), ms);
      let stop: (() => Promise<string>) | undefined;
      try {
        const server = await startScratchPostgres({
          journal,
          parentDir,
          signal: ac.signal,
          onJournaled: (s) => (stop = s),
        });
        await server.stop();
      } catch {
        // Aborted before it was up: the caller's cleanup below is what a drill runs.
        await stop?.();
      } finally {
        clearTimeout(timer);
        journal.close();
      }
      expect(pendingUndos(readJournal(path)), `abort after ${ms} ms`).toEqual([]);
      expect(readdirSync(parentDir), `abort after ${ms} ms`).toEqual([]);
    }
  }, 120_000);

  it('stops at the time limit and still cleans up', async () => {
    const result = await drill(
      config({ source: { kind: 'postgres', url: bigUrl }, workDir: workDir(), timeoutMs: 1500 }),
    );
    expect(result.status).toBe('aborted');
    expect(result.error?.code).toBe('DRILL_TIMEOUT');
  });

  it('a drill killed with SIGKILL mid-restore leaves a scratch server that rollback removes', async () => {
    const wd = workDir();
    const runDir = mkdtempSync(join(root, 'killed-'));
    const journalPath = join(runDir, 'journal.ndjson');
    const configPath = join(runDir, 'drill.json');
    writeFileSync(configPath, JSON.stringify(config({ source: { kind: 'postgres', url: bigUrl }, workDir: wd })));
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/.bin/vite-node'), 'test/fixtures/drill/run-drill.ts', journalPath, configPath],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Kill as soon as pg_restore reports progress: the scratch server is up and the restore is running.
        if (out.split('\n').some((l) => l.includes('"kind":"progress"') && l.includes('"step":"restore"'))) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('close', () => reject(new Error(`the drill ended before the restore started:\n${out}\n${err}`)));
    });
    expect(await exited).toBe('SIGKILL');

    const pending = pendingUndos(readJournal(journalPath));
    const scratch = pending.find((p) => p.undo.op === 'remove-scratch-server');
    expect(scratch, JSON.stringify(pending)).toBeDefined();
    expect(pending.map((p) => p.undo.op).sort()).toEqual(['remove-scratch-server', 'remove-work-dir']);
    const scratchDir = String(scratch?.undo.args['dir']);
    const dataDir = join(scratchDir, 'pg', 'data');
    const pid = readPostmasterPid(dataDir);
    expect(pid, 'the killed drill left its scratch server running').not.toBeNull();
    const port = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);

    // `gameday rollback <run-dir>`, as a person would run it after the crash.
    const res = await runCli(['rollback', runDir]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/rollback complete: 2 mutation\(s\) undone/);
    expect(existsSync(scratchDir)).toBe(false);
    expect(readdirSync(wd)).toEqual([]);
    expect(isProcessRunning(pid as number)).toBe(false);
    expect(pendingUndos(readJournal(journalPath))).toEqual([]);
    // The orphaned pg_restore loses its server and exits.
    await eventually(
      async () => (processesMentioning(`:${port}/`).length === 0 ? true : undefined),
      30_000,
      'pg_restore to exit',
    );

    // A second rollback has nothing left to do, and says so.
    const second = await runCli(['rollback', runDir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/nothing to roll back/);
    // The journal never lets one mutation be undone twice: replaying the stale list changes nothing.
    const again = new Journal(journalPath);
    const replay = await rollback(again, pending, { timeoutMs: 60_000 });
    again.close();
    expect(replay).toMatchObject({ complete: true, undone: 0 });
    // The undo itself is idempotent too: running it on a gone server still succeeds.
    for (const p of pending) await runUndo(p.undo, { signal: AbortSignal.timeout(60_000), timeoutMs: 60_000 });
  });
});

/** Pids whose command line contains `text` (from /proc). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(text)) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}
