// The real CLI (bin/gameday.js, built dist/) against AWS emulators on loopback.
//
// What runs where:
// - moto (127.0.0.1): STS GetCallerIdentity (the identity guard), RDS DescribeDBInstances, RebootDBInstance
//   (ForceFailover), DescribeEvents, CloudWatch DescribeAlarms (the probe), FIS Create/Get/List/Delete
//   ExperimentTemplate (forwarded by the FIS server below).
// - test/aws/fis-server.ts (127.0.0.1): FIS StartExperiment, GetExperiment, StopExperiment, ListExperiments,
//   ListExperimentResolvedTargets in the FIS API reference's REST-JSON shapes, which moto does not run.
//   gameday reaches it through targets.aws.endpoints.fis, a plain endpoint override.
// - moto emits no RDS failover events (RDS-EVENT-0013/0015/0049), so the db-failover run records the
//   reboot's t0 from the API call and a finding "no failover completion event … within 3s"; the failover
//   timestamps from events are covered at the library level in rds.test.ts.
// Credentials are fake; every endpoint is loopback (AWS_ENDPOINT_URL, or the scenario's endpoint).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScratchPostgres, type ScratchPostgres } from '../../src/drivers/postgres/scratch.js';
import type { Report } from '../../src/report/types.js';
import { readJournal } from '../../src/runner/journal.js';
import { ROOT, eventually, runCli, startCli } from '../helpers/cli.js';
import { startFisServer, type FisServer } from './fis-server.js';
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

const CONNECTKIT = ['db-failover.yaml', 'spot-interruption-fis.yaml', 'az-loss-fis.yaml'].map(
  (f) => `scenarios/connectkit/${f}`,
);
const SPOT_FIS = 'test/aws/fixtures/spot-fis.yaml';

describe('gameday CLI on AWS emulators', () => {
  let moto: Moto;
  let api: Server;
  let apiUrl: string;
  let pg: ScratchPostgres;
  const tmp = mkdtempSync(join(tmpdir(), 'gameday-aws-cli-'));

  /** Environment of the CLI: fake credentials, no IMDS, every service on moto. */
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...fakeAwsCliEnv(moto.endpoint),
    API_URL: apiUrl,
    DATABASE_URL: pg.url,
    ...extra,
  });

  beforeAll(async () => {
    moto = await startMotoForTests();
    // ConnectKit's API, as far as the probes and the load need it: healthy and fast.
    api = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    pg = await startScratchPostgres();
    const rds = new RDSClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'connectkit-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.medium',
        MultiAZ: true,
        AllocatedStorage: 20,
        MasterUsername: 'connectkit',
        MasterUserPassword: 'not-a-secret',
        AvailabilityZone: 'us-west-2a',
      }),
    );
    rds.destroy();
    const cw = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    await putErrorRateAlarm(cw, 'OK');
    cw.destroy();
  }, 180_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
    await pg?.stop();
    await moto?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** The one run dir under <reportDir>/<scenario>/. */
  const runDirOf = (reportDir: string, scenario: string): string | undefined => {
    const dir = join(reportDir, scenario);
    if (!existsSync(dir)) return undefined;
    const runs = readdirSync(dir);
    return runs.length === 1 ? join(dir, runs[0] as string) : undefined;
  };
  const report = (runDir: string): Report => JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;

  it('validates the three ConnectKit AWS scenarios', async () => {
    const r = await runCli(['validate', ...CONNECTKIT], env());
    expect(r.stderr).not.toMatch(/error|warning/);
    expect(r.stdout.trim().split('\n')).toEqual([
      'scenarios/connectkit/db-failover.yaml: ok (connectkit-db-failover, 2 steps)',
      'scenarios/connectkit/spot-interruption-fis.yaml: ok (connectkit-spot-interruption-fis, 2 steps)',
      'scenarios/connectkit/az-loss-fis.yaml: ok (connectkit-az-loss-fis, 2 steps)',
    ]);
    expect(r.code).toBe(0);
  });

  it('prints the harness policy, the FIS role policy and its trust policy', async () => {
    const r = await runCli(['iam', 'scenarios/connectkit/spot-interruption-fis.yaml'], env());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<
      string,
      { Statement: Array<{ Action: string[]; Principal?: unknown; Condition?: Record<string, unknown> }> }
    >;
    const actions = (k: string) => [...new Set(out[k]?.Statement.flatMap((s) => s.Action))].sort();
    expect(Object.keys(out)).toEqual(['harnessPolicy', 'fisRolePolicy', 'fisRoleTrustPolicy']);
    expect(actions('harnessPolicy')).toEqual([
      'cloudwatch:DescribeAlarms',
      'fis:CreateExperimentTemplate',
      'fis:DeleteExperimentTemplate',
      'fis:GetExperiment',
      'fis:ListExperimentResolvedTargets',
      'fis:ListExperimentTemplates',
      'fis:ListExperiments',
      'fis:StartExperiment',
      'fis:StopExperiment',
      'fis:TagResource',
      'iam:PassRole',
      'sts:GetCallerIdentity',
    ]);
    expect(actions('fisRolePolicy')).toEqual([
      'ec2:DescribeInstances',
      'ec2:SendSpotInstanceInterruptions',
      'logs:CreateLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:PutResourcePolicy',
      'tag:GetResources',
    ]);
    expect(out['fisRoleTrustPolicy']?.Statement[0]).toMatchObject({
      Principal: { Service: 'fis.amazonaws.com' },
      Action: ['sts:AssumeRole'],
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });

    const db = await runCli(['iam', 'scenarios/connectkit/db-failover.yaml'], env());
    const dbOut = JSON.parse(db.stdout) as typeof out;
    expect([...new Set(dbOut['harnessPolicy']?.Statement.flatMap((s) => s.Action))].sort()).toEqual([
      'rds:DescribeDBInstances',
      'rds:DescribeEvents',
      'rds:RebootDBInstance',
      'sts:GetCallerIdentity',
    ]);
    // db-failover uses no FIS: no FIS role to print.
    expect(Object.keys(dbOut)).toEqual(['harnessPolicy']);
  });

  it('refuses a wrong account with exit 2, naming the account found, before any mutation', async () => {
    const reportDir = join(tmp, 'wrong-account');
    const r = await runCli(
      ['run', 'scenarios/connectkit/db-failover.yaml', '--report-dir', reportDir],
      env({ AWS_ACCOUNT_ID: '111122223333' }),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      `AWS identity not allowed: found account ${ACCOUNT} (caller arn:aws:sts::${ACCOUNT}:user/moto); allowed accounts: 111122223333`,
    );
    const runDir = runDirOf(reportDir, 'connectkit-db-failover') as string;
    // Nothing was journaled: the guard ran before the first mutation of any target.
    expect(readJournal(join(runDir, 'journal.ndjson')).filter((e) => e.type === 'intent')).toEqual([]);
    expect(report(runDir).verdict).toBe('error');
  });

  it('runs db-failover.yaml against moto RDS, PostgreSQL markers and a loopback API, and reports', async () => {
    // The ConnectKit scenario with test-sized durations: load 10m → 5s, RDS event wait 10m → 3s.
    const doc = parseDocument(readFileSync(join(ROOT, 'scenarios/connectkit/db-failover.yaml'), 'utf8'));
    doc.setIn(['load', 'builtin', 'rate'], '20/s');
    doc.setIn(['load', 'builtin', 'duration'], '5s');
    doc.setIn(['steps', 0, 'eventTimeout'], '3s');
    doc.setIn(['steps', 0, 'pollInterval'], '500ms');
    doc.setIn(['probes', 'db', 'interval'], '1s');
    const file = join(tmp, 'db-failover.yaml');
    writeFileSync(file, doc.toString());
    const reportDir = join(tmp, 'db-failover');
    const r = await runCli(['run', file, '--report-dir', reportDir], env());
    const runDir = runDirOf(reportDir, 'connectkit-db-failover') as string;
    const rep = report(runDir);
    expect(rep.verdict, `${r.stdout}\n${r.stderr}`).toBe('pass');
    expect(r.code).toBe(0);
    const journal = readJournal(join(runDir, 'journal.ndjson'));
    const intents = journal.filter((e) => e.type === 'intent').map((e) => (e as { action: string }).action);
    expect(intents).toContain('RebootDBInstance (ForceFailover) connectkit-db');
    const timeline = rep.timeline.map((e) => `${e.kind}: ${e.message}`);
    expect(timeline.some((m) => m.startsWith('plan: ') && m.includes('instance connectkit-db available'))).toBe(true);
    // moto emits no failover events: what gameday records instead.
    expect(timeline).toContain('finding: no failover completion event for connectkit-db within 3.00s');
    expect(rep.probes.find((p) => p.name === 'db')).toMatchObject({ kind: 'rds', failures: 0 });
    expect(rep.rollback).toMatchObject({ complete: true, failed: [] });
  }, 120_000);

  describe('FIS through a loopback FIS endpoint', () => {
    let fis: FisServer | undefined;
    afterAll(async () => fis?.close());

    it('runs a FIS spot interruption in a child process: action times and resolved targets in the report', async () => {
      fis = await startFisServer(moto.endpoint, 'complete');
      const reportDir = join(tmp, 'spot-fis');
      const r = await runCli(['run', SPOT_FIS, '--report-dir', reportDir], env({ FIS_ENDPOINT: fis.endpoint }));
      const runDir = runDirOf(reportDir, 'aws-spot-fis-cli') as string;
      const rep = report(runDir);
      expect(rep.verdict, `${r.stdout}\n${r.stderr}`).toBe('pass');
      expect(r.code).toBe(0);
      const [m] = rep.measurements.fis ?? [];
      expect(m).toMatchObject({
        step: 'spot-interruption #1',
        status: 'completed',
        actions: [{ name: 'interrupt', actionId: 'aws:ec2:send-spot-instance-interruptions', status: 'completed' }],
        resolvedTargets: [{ targetName: 'SpotInstances', resourceType: 'aws:ec2:spot-instance' }],
      });
      expect(m?.actions[0]?.startedAt).toMatch(/^\d{4}-/);
      expect(m?.actions[0]?.endedAt).toMatch(/^\d{4}-/);
      const kinds = rep.timeline.map((e) => e.kind);
      expect(kinds).toContain('fis-action');
      expect(kinds).toContain('fis-experiment');
      expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toContain('### FIS experiment');
      // Rollback deleted the template it created (found by the run's tags in moto).
      const runId = runDir.split('/').pop() as string;
      const driver = testDriver(testTarget(moto.endpoint));
      expect(await driver.fis.findTemplates({ 'gameday:run-id': runId })).toEqual([]);
      driver.destroy();
      expect(fis.calls).toContain('POST /experiments');
      await fis.close();
      fis = undefined;
    }, 120_000);

    it('gameday plan --preview lets FIS resolve targets with actionsMode skip-all and deletes the template', async () => {
      fis = await startFisServer(moto.endpoint, 'complete');
      const r = await runCli(['plan', SPOT_FIS, '--preview'], env({ FIS_ENDPOINT: fis.endpoint }));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('preview (FIS actionsMode skip-all, nothing injected):');
      expect(r.stdout).toMatch(
        /SpotInstances \(aws:ec2:spot-instance\): arn:aws:ec2:us-west-2:123456789012:instance\//,
      );
      expect(fis.experiments.map((e) => [e.actionsMode, e.status])).toEqual([['skip-all', 'completed']]);
      const driver = testDriver(testTarget(moto.endpoint));
      expect(
        await driver.fis.findTemplates({ 'gameday:managed-by': 'gameday', 'gameday:step': 'spot-interruption #1' }),
      ).toEqual([]);
      driver.destroy();
      await fis.close();
      fis = undefined;
    }, 60_000);

    it('gameday rollback stops the experiment and deletes the template of a killed run', async () => {
      fis = await startFisServer(moto.endpoint, 'run-until-stopped');
      const server = fis;
      const reportDir = join(tmp, 'killed');
      const { child, done } = startCli(
        ['run', SPOT_FIS, '--report-dir', reportDir],
        env({ FIS_ENDPOINT: fis.endpoint }),
      );
      await eventually(
        () => (server.experiments.some((e) => e.status === 'running') ? true : undefined),
        60_000,
        'a running experiment',
      );
      child.kill('SIGKILL');
      await done;
      const runDir = runDirOf(reportDir, 'aws-spot-fis-cli') as string;
      expect(existsSync(join(runDir, 'report.json'))).toBe(false);

      const r = await runCli(['rollback', runDir], env({ FIS_ENDPOINT: fis.endpoint }));
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('rollback complete: 2 mutation(s) undone');
      expect(fis.experiments.map((e) => e.status)).toEqual(['stopped']);
      const runId = runDir.split('/').pop() as string;
      const driver = testDriver(testTarget(moto.endpoint));
      expect(await driver.fis.findTemplates({ 'gameday:run-id': runId })).toEqual([]);
      driver.destroy();
    }, 120_000);
  });
});
