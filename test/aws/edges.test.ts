// AWS at the edges, through the real CLI: an endpoint that accepts connections and never answers (a plain
// TCP server on loopback that reads and never writes), SIGINT during the identity check, and a FIS
// endpoint that refuses connections (a closed loopback port). moto serves STS, CloudWatch and the FIS
// templates that rollback looks up by tag.

import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runExperiment } from '../../src/faults/aws/experiment.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { eventually, runCli, startCli } from '../helpers/cli.js';
import {
  ACCOUNT,
  CREDENTIALS,
  REGION,
  fakeAwsCliEnv,
  startMotoForTests,
  testDriver,
  testTarget,
  type Moto,
} from './moto.js';
import { putErrorRateAlarm } from './resources.js';
import { testRuntime } from './runtime.js';

const SILENT = 'test/aws/fixtures/silent-endpoint.yaml';
const SPOT_FIS = 'test/aws/fixtures/spot-fis.yaml';

let moto: Moto;
let silent: Server;
const sockets: Socket[] = [];
let silentUrl: string;
let closedUrl: string;
const tmp = mkdtempSync(join(tmpdir(), 'gameday-aws-edges-'));

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...fakeAwsCliEnv(moto.endpoint),
  GAMEDAY_LOCK_DIR: join(tmp, 'locks'),
  ...extra,
});

beforeAll(async () => {
  moto = await startMotoForTests();
  const cw = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
  await putErrorRateAlarm(cw, 'OK');
  cw.destroy();
  // Accepts every connection, reads the request, never answers.
  silent = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  // A port that was just free: nothing listens there, so connections are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  await moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const onlyRun = (reportDir: string, scenario: string): string =>
  join(reportDir, scenario, readdirSync(join(reportDir, scenario))[0] as string);
const report = (runDir: string): Report => JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;

describe('an AWS endpoint that accepts connections and never answers', () => {
  it('fails the identity check within callTimeout (exit 3), showing progress while it waits', async () => {
    const dir = join(tmp, 'silent');
    const started = performance.now();
    const r = await runCli(
      ['run', SILENT, '--report-dir', dir],
      env({ AWS_ENDPOINT_URL: silentUrl, CALL_TIMEOUT: '8s' }),
    );
    const elapsed = performance.now() - started;
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toContain(`waiting for ${silentUrl} (STS GetCallerIdentity) … 5s`);
    expect(r.stdout).toContain(
      `STS GetCallerIdentity at ${silentUrl}: no answer within 8s (the endpoint accepts connections but does not respond)`,
    );
    // Bounded by callTimeout, not by guards.timeout (3m): the run did not hang in "targets".
    expect(elapsed).toBeLessThan(60_000);
    expect(report(onlyRun(dir, 'aws-silent-endpoint')).verdict).toBe('error');
  }, 90_000);

  it('SIGINT during the identity check aborts with exit 3, not 2', async () => {
    const dir = join(tmp, 'sigint');
    const { child, done } = startCli(
      ['run', SILENT, '--report-dir', dir],
      env({ AWS_ENDPOINT_URL: silentUrl, CALL_TIMEOUT: '2m' }),
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually(() => (stderr.includes('(STS GetCallerIdentity)') ? true : undefined), 60_000, 'progress');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const rep = report(onlyRun(dir, 'aws-silent-endpoint'));
    expect(rep.verdict).toBe('aborted');
    expect(rep.reason).toMatch(/SIGINT/);
  }, 90_000);
});

describe('a FIS endpoint that refuses connections', () => {
  it('the run names what it called; its intent resolves as never created (exit 3, rollback complete)', async () => {
    const dir = join(tmp, 'refused');
    const r = await runCli(['run', SPOT_FIS, '--report-dir', dir], env({ FIS_ENDPOINT: closedUrl }));
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain(
      `FIS CreateExperimentTemplate at ${closedUrl}: connection refused (nothing listens there)`,
    );
    const runDir = onlyRun(dir, 'aws-spot-fis-cli');
    expect(report(runDir).rollback.complete).toBe(true);
    const undone = readJournal(join(runDir, 'journal.ndjson')).filter((e) => e.type === 'undone');
    expect(undone).toEqual([expect.objectContaining({ detail: expect.stringMatching(/^never created/) })]);
  }, 120_000);

  it('gameday rollback resolves an intent whose call never connected as never created (exit 0)', async () => {
    const driver = testDriver(testTarget(moto.endpoint, { endpoints: { fis: closedUrl } }));
    const rt = testRuntime(driver, { step: 'spot-interruption #1' });
    const template = {
      clientToken: 'edges-refused',
      description: 'never created',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/gameday-fis`,
      targets: {},
      actions: {},
      stopConditions: [{ source: 'none' as const }],
      tags: {},
    };
    await expect(runExperiment({ template }, { timeoutMs: 5000, pollIntervalMs: 50 }, rt)).rejects.toThrow(
      /connection refused/,
    );
    rt.journal.close();
    driver.destroy();
    expect(pendingUndos(readJournal(rt.journalPath)).map((p) => p.notSent)).toEqual([true]);

    const r = await runCli(['rollback', join(rt.journalPath, '..')], env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/undone m1: create FIS experiment template: never created/);
    expect(pendingUndos(readJournal(rt.journalPath))).toEqual([]);
  }, 60_000);

  it('an intent that may have reached FIS is looked up by the run tags: none found → never created', async () => {
    const dir = mkdtempSync(join(tmp, 'lookup-'));
    const journal = new Journal(join(dir, 'journal.ndjson'));
    const id = await journal.intent('spot-interruption #1', 'create FIS experiment template', 'fis', {
      driver: 'aws',
      op: 'fis-delete-templates',
      args: { region: REGION, endpoint: moto.endpoint, runId: `lookup-${Date.now()}`, step: 'spot-interruption #1' },
    });
    journal.failed(id, 'FIS CreateExperimentTemplate: no answer within 60s');
    journal.close();
    const r = await runCli(['rollback', dir], env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('never created: no template tagged with this run exists');
    expect(existsSync(join(dir, 'journal.ndjson'))).toBe(true);
  }, 60_000);
});
