// Prometheus probes, PromQL objectives and event-based error budgets against Debian's real Prometheus
// (infra-fixtures/prometheus) scraping a real sandbox every second through its file_sd targets file.

import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type PrometheusHandle } from '../infra-fixtures/prometheus/lib/prometheus.mjs';
import { portOpen } from '../infra-fixtures/shared/net.mjs';
import { PrometheusClient } from '../src/drivers/prometheus/client.js';
import { startSandbox, type SandboxHandle } from '../src/drivers/sandbox/index.js';
import type { Report } from '../src/report/types.js';
import { fleetWhole } from './helpers/sandbox.js';
import { eventually, ROOT, runCli } from './helpers/cli.js';

let dir: string;
let sdDir: string;
let sandbox: SandboxHandle;
let prometheus: PrometheusHandle;
let client: PrometheusClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gameday-it-prometheus-'));
  // Its own targets folder: this Prometheus scrapes this file's sandbox and no other.
  sdDir = join(dir, 'sd');
  prometheus = await startPrometheus({ sdDir, ownerPid: process.pid });
  sandbox = await startSandbox({
    replicas: 6,
    zones: ['a', 'b', 'c'],
    startupDelayMs: 1500,
    database: false,
    env: { ...process.env, GAMEDAY_PROMETHEUS_SD_DIR: sdDir },
  });
  client = new PrometheusClient({ url: prometheus.url });
  await eventually(
    async () => ((await scalar('count(up{role="replica"} == 1)')) === 6 ? true : undefined),
    30_000,
    'Prometheus to scrape 6 replicas',
  );
});

afterAll(async () => {
  await client?.close();
  await sandbox?.stop();
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function scalar(query: string): Promise<number | undefined> {
  const r = await client.query(query);
  if (r.type === 'scalar') return r.value;
  return r.series[0]?.value;
}

const env = (): Record<string, string> => ({
  GAMEDAY_SANDBOX_URL: sandbox.controlUrl,
  PROMETHEUS_URL: prometheus.url,
  GAMEDAY_PROMETHEUS_SD_DIR: sdDir,
});

function onlyRunDir(scenario: string): string {
  const base = join(dir, 'reports', scenario);
  return join(base, readdirSync(base).sort().at(-1) as string);
}

const whole = (): Promise<void> => fleetWhole(sandbox.client);

describe('Prometheus scraping the sandbox', () => {
  it("reports the sandbox's own request counts", async () => {
    const before = {
      replicas: (await scalar('sum(http_requests_total{route="/contacts"})')) ?? 0,
      balancer: (await scalar('sum(sandbox_balancer_requests_total)')) ?? 0,
    };
    const seen = new Map<number, number>();
    for (let i = 0; i < 150; i++) {
      const res = await fetch(`${sandbox.apiUrl}${i % 10 === 0 ? '/nowhere' : '/contacts'}`);
      await res.arrayBuffer();
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(seen)).toEqual({ 200: 135, 404: 15 });
    // Wait for the scrapes that follow: the counts must come out exactly as the clients saw them.
    await eventually(
      async () =>
        (await scalar('sum(http_requests_total{route="/contacts"})')) === before.replicas + 135 ? true : undefined,
      20_000,
      'the replicas counters to show 135 more /contacts requests',
    );
    await eventually(
      async () => ((await scalar('sum(sandbox_balancer_requests_total)')) === before.balancer + 150 ? true : undefined),
      20_000,
      'the balancer counters to show 150 more requests',
    );
    expect(await scalar('sum(http_requests_total{code="404"})')).toBeGreaterThanOrEqual(15);
  }, 60_000);

  it('follows replicas as they come and go (file_sd kept current)', async () => {
    await whole();
    const victim = (await sandbox.client.status()).replicas[0]?.id as string;
    await sandbox.client.kill([victim], 'SIGKILL', 0);
    const replacement = await eventually(
      async () => {
        const s = await sandbox.client.status();
        return s.ready === s.desired && !s.replicas.some((r) => r.id === victim) ? s : undefined;
      },
      30_000,
      'the supervisor to replace the killed replica',
    );
    const ids = replacement.replicas.map((r) => r.id).sort();
    await eventually(
      async () => {
        const r = await client.query('up{role="replica"} == 1');
        const scraped = r.type === 'vector' ? r.series.map((s) => s.labels['replica']).sort() : [];
        return JSON.stringify(scraped) === JSON.stringify(ids) ? true : undefined;
      },
      20_000,
      `Prometheus to scrape exactly ${ids.join(', ')}`,
    );
  }, 60_000);
});

describe('Prometheus in scenarios', () => {
  it('runs the Prometheus-judged pod-kill: probe, PromQL objective and error budget from Prometheus', async () => {
    await whole();
    const res = await runCli(
      ['run', 'scenarios/prometheus/pod-kill.yaml', '--report-dir', join(dir, 'reports')],
      env(),
    );
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const report = JSON.parse(
      readFileSync(join(onlyRunDir('sandbox-pod-kill-prometheus'), 'report.json'), 'utf8'),
    ) as Report;
    expect(report.probes.find((p) => p.name === 'replicas')).toMatchObject({ kind: 'prometheus' });
    expect(report.probes.find((p) => p.name === 'replicas')?.samples).toBeGreaterThan(5);
    expect(report.measurements.promql?.[0]).toMatchObject({ window: 'during', max: 0 });
    const budget = report.measurements.errorBudgets?.[0];
    expect(budget).toMatchObject({ slo: 'requests', sli: 'promql', consumedPercent: 0 });
    // The load sent about 50 requests a second for 15 s; Prometheus counted them over the run window.
    expect(budget?.events?.total).toBeGreaterThan(400);
    expect(report.objectives.find((o) => o.name === 'error budget(requests)')?.pass).toBe(true);
    const md = readFileSync(join(onlyRunDir('sandbox-pod-kill-prometheus'), 'summary.md'), 'utf8');
    expect(md).toMatch(/### Error budgets\n\n- error budget requests \(99\.9% over 30d: 43m 12s\): this run burned/);
    expect(md).toMatch(/### PromQL/);
  }, 120_000);

  it('refuses bad PromQL (exit 2) at plan, and at run before any fault', async () => {
    await whole();
    const plan = await runCli(['plan', 'test/fixtures/runs/prometheus-bad.yaml'], env());
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/PromQL "sum\(rate\(http_requests_total\[5" is not valid: .*parse error/);
    const before = await sandbox.client.status();
    const res = await runCli(
      ['run', 'test/fixtures/runs/prometheus-bad.yaml', '--report-dir', join(dir, 'reports')],
      env(),
    );
    expect(res.code, res.stderr + res.stdout).toBe(2);
    const journal = readFileSync(join(onlyRunDir('it-prometheus-bad'), 'journal.ndjson'), 'utf8');
    expect(journal).not.toMatch(/"type":"intent"/);
    expect((await sandbox.client.status()).replicas.map((r) => r.id)).toEqual(before.replicas.map((r) => r.id));
  }, 60_000);

  it('aborts a run when a Prometheus probe trips abortWhen', async () => {
    await whole();
    const res = await runCli(
      ['run', 'test/fixtures/runs/prometheus-abort.yaml', '--report-dir', join(dir, 'reports')],
      env(),
    );
    expect(res.code, res.stderr + res.stdout).toBe(3);
    const report = JSON.parse(readFileSync(join(onlyRunDir('it-prometheus-abort'), 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('aborted');
    expect(report.reason).toMatch(/abort condition: probe ready availability/);
    expect(report.rollback.complete).toBe(true);
  }, 120_000);
});

describe('the Prometheus client', () => {
  it('says clearly when Prometheus cannot be reached or refuses the credentials', async () => {
    const nowhere = new PrometheusClient({ url: 'http://127.0.0.1:1' });
    await expect(nowhere.query('up')).rejects.toMatchObject({ code: 'PROMETHEUS_UNREACHABLE', kind: 'runtime' });
    await nowhere.close();
    expect(
      () => new PrometheusClient({ url: prometheus.url, bearerTokenEnv: 'GAMEDAY_TEST_UNSET_TOKEN' }, 1000, {}),
    ).toThrow(/GAMEDAY_TEST_UNSET_TOKEN \(Prometheus credentials\) is not set/);
  });

  it('says which failure it was when a server in front of Prometheus stays silent or fails (a real HTTP server)', async () => {
    // A reverse proxy's failures, played by a plain HTTP server: /silent never answers, /broken answers 502.
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      if (req.url?.startsWith('/broken/'))
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = { PROM_TOKEN: 'gameday-test-token' };
    try {
      const silent = new PrometheusClient({ url: `${base}/silent`, bearerTokenEnv: 'PROM_TOKEN' }, 500, token);
      await expect(silent.query('up')).rejects.toMatchObject({
        code: 'PROMETHEUS_TIMEOUT',
        kind: 'runtime',
        message: expect.stringMatching(/did not answer within 500ms/),
      });
      await silent.close();
      const broken = new PrometheusClient({ url: `${base}/broken`, bearerTokenEnv: 'PROM_TOKEN' }, 5000, token);
      await expect(broken.queryRange('up', { start: 0, end: 10, stepSec: 1 })).rejects.toMatchObject({
        code: 'PROMETHEUS_HTTP',
        kind: 'runtime',
        message: expect.stringMatching(/answered HTTP 502 to "up": <h1>Bad Gateway<\/h1>/),
      });
      await broken.close();
      // The bearer token went in the Authorization header of both requests.
      expect(seen).toEqual(['Bearer gameday-test-token', 'Bearer gameday-test-token']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('speaks basic auth and TLS with a custom CA', async () => {
    const tls = join(dir, 'tls');
    execFileSync('mkdir', ['-p', tls]);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tls, stdio: 'ignore' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=gameday test CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
    );
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
    );
    writeFileSync(join(tls, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'san.ext',
      '-out',
      'server.pem',
    );
    // bcrypt of "gameday-test-password" (cost 4): a test credential, not a secret.
    const hash = '$2b$04$Zyot1v.G8LLywANtg92Rge42iylrtvww9b6AdqP.i1w/6nAeRLXCq';
    const secured = await startPrometheus({
      sdDir: join(dir, 'sd-empty'),
      ownerPid: process.pid,
      web: {
        basicAuth: { gameday: hash },
        tls: { certFile: join(tls, 'server.pem'), keyFile: join(tls, 'server.key') },
      },
    });
    const creds = { PROM_USER: 'gameday', PROM_PASS: 'gameday-test-password', PROM_BAD: 'wrong' };
    const conn = {
      url: secured.url,
      ca: join(tls, 'ca.pem'),
      basic: { usernameEnv: 'PROM_USER', passwordEnv: 'PROM_PASS' },
    };
    try {
      const good = new PrometheusClient(conn, 5000, creds);
      expect(await good.query('1+1')).toEqual({ type: 'scalar', value: 2 });
      await good.close();
      const badPassword = new PrometheusClient(
        { ...conn, basic: { usernameEnv: 'PROM_USER', passwordEnv: 'PROM_BAD' } },
        5000,
        creds,
      );
      await expect(badPassword.query('1')).rejects.toMatchObject({
        code: 'PROMETHEUS_UNAUTHORIZED',
        kind: 'invalid-input',
      });
      await badPassword.close();
      const noCa = new PrometheusClient({ url: secured.url, basic: conn.basic }, 5000, creds);
      await expect(noCa.query('1')).rejects.toThrow(
        /Cannot reach Prometheus at https:\/\/127\.0\.0\.1:\d+: .*(CERT|certificate)/i,
      );
      await noCa.close();
    } finally {
      await secured.stop();
    }
  }, 90_000);
});

describe('the Prometheus fixture', () => {
  it('stops by itself when its owner is gone, leaving no process and no port', async () => {
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
    const stateDir = join(dir, 'owned');
    const out = execFileSync(
      process.execPath,
      [
        'infra-fixtures/prometheus/cli.mjs',
        'up',
        '--state-dir',
        stateDir,
        '--sd-dir',
        join(dir, 'sd-empty'),
        '--owner-pid',
        String(owner.pid),
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GAMEDAY_PROMETHEUS_POINTER: join(dir, 'pointer') } },
    );
    const url = /PROMETHEUS_URL=(\S+)/.exec(out)?.[1] as string;
    const port = Number(new URL(url).port);
    const pid = Number(readFileSync(join(stateDir, 'prometheus.pid'), 'utf8'));
    expect(await portOpen(port)).toBe(true);
    owner.kill('SIGKILL');
    await eventually(
      async () => (!(await portOpen(port)) && !existsSync(join(stateDir, 'prometheus.pid')) ? true : undefined),
      30_000,
      'the watchdog to stop Prometheus',
    );
    // Gone, or a zombie waiting for a parent that is not this process to reap it.
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] : 'X';
    expect(['Z', 'X']).toContain(state);
  }, 90_000);
});
