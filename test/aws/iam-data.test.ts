// `gameday iam` for the data paths: the printed harness policy of the ConnectKit region-failover and
// backup-restore scenarios against the calls a real run of those code paths sends to moto. The region
// failover's runbook (route53-change, rds-promote-read-replica) runs through the aws region-failover fault
// and is rolled back from its journal; the drills' S3 and RDS sources select, fetch or restore, and clean
// up (in the run and again from the journal). Every SDK command is recorded by the driver's middleware.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateDBInstanceReadReplicaCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamCommand, iamScenarioConfig } from '../../src/cli/commands/iam.js';
import type { CliIo } from '../../src/cli/io.js';
import type { DrillSourceConfig, RdsSourceConfig } from '../../src/drill/types.js';
import { guardIdentity, type AwsCall } from '../../src/drivers/aws/index.js';
import { awsDrillSources } from '../../src/drivers/aws/drill-sources.js';
import { configureAwsUndo } from '../../src/faults/aws/index.js';
import { awsRegionFailover } from '../../src/faults/aws/region-failover.js';
import { iamActionsFor, iamPolicies, policyActions, type PolicyDocument } from '../../src/iam/index.js';
import type { RegionFailoverFault } from '../../src/runbook/index.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import { systemClock } from '../../src/util/clock.js';
import { createDrillNetwork, createPostgresInstance } from './resources.js';
import { ACCOUNT, REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';

const DR = 'us-east-1';
const SCENARIOS = 'scenarios/connectkit';
const ENV: Record<string, string> = {
  AWS_ACCOUNT_ID: ACCOUNT,
  DATABASE_URL: 'postgres://127.0.0.1:1/connectkit',
  DR_DATABASE_URL: 'postgres://127.0.0.1:2/connectkit',
  DR_KUBE_CONTEXT: 'connectkit-dr',
  DATABASE_READER_URL: 'postgres://127.0.0.1:3/connectkit',
  DRILL_SERVER_URL: 'postgres://127.0.0.1:4/postgres',
  DRILL_DB_SUBNET_GROUP: 'connectkit-private',
  DRILL_DB_PASSWORD: 'not-a-secret-1',
};

let moto: Moto;
let root: string;
const saved = new Map<string, string | undefined>();
const setEnv = (k: string, v: string): void => {
  if (!saved.has(k)) saved.set(k, process.env[k]);
  process.env[k] = v;
};

beforeAll(async () => {
  moto = await startMotoForTests();
  root = mkdtempSync(join(tmpdir(), 'gameday-aws-iam-data-'));
  for (const [k, v] of Object.entries(ENV)) setEnv(k, v);
});

afterAll(async () => {
  configureAwsUndo({});
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await moto?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** `gameday iam <file>` in process: the printed harness policy. */
async function printedHarness(file: string): Promise<PolicyDocument> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), tty: false, status: () => undefined };
  const code = await iamCommand([file], io);
  expect(code, err.join('\n')).toBe(0);
  return (JSON.parse(out.join('\n')) as { harnessPolicy: PolicyDocument }).harnessPolicy;
}

async function load(file: string): Promise<Scenario> {
  const r = await loadScenarioFile(file);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.scenario as Scenario;
}

/** The printed policy allows exactly the recorded calls. */
function expectExactly(calls: AwsCall[], harness: PolicyDocument, implicit: string[] = []): string[] {
  const used = iamActionsFor(calls);
  const allowed = policyActions(harness);
  expect(used.filter((a) => !allowed.includes(a))).toEqual([]);
  expect(allowed.filter((a) => !used.includes(a) && !implicit.includes(a))).toEqual([]);
  return used;
}

const resources = (p: PolicyDocument, sid: string): string[] | undefined =>
  p.Statement.find((s) => s.Sid === sid)?.Resource;

describe('gameday iam: region-failover runbook on target aws', () => {
  it('allows exactly the Route 53 and RDS calls of the runbook, its verification and its rollback', async () => {
    const setup = testDriver(testTarget(moto.endpoint));
    const east = testDriver(testTarget(moto.endpoint, { region: DR, regions: [DR] }));
    const z = await setup.clients.route53.send(
      new CreateHostedZoneCommand({ Name: 'connectkit.com', CallerReference: `gameday-iam-${Date.now()}` }),
    );
    const zone = (z.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    await setup.clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'app.connectkit.com.',
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: 'load-balancer.us-west-2.elb.amazonaws.com' }],
              },
            },
          ],
        },
      }),
    );
    // The DR region's replica (its source is in us-east-1 too: moto copies the instance either way).
    await createPostgresInstance(east, 'connectkit-east-source');
    await east.clients.rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'connectkit-replica',
        SourceDBInstanceIdentifier: 'connectkit-east-source',
      }),
    );
    setup.destroy();
    east.destroy();
    setEnv('ROUTE53_ZONE_ID', zone);

    const file = `${SCENARIOS}/region-failover.yaml`;
    const scenario = await load(file);
    const step = scenario.steps.find((s) => s.kind === 'fault' && s.fault.type === 'region-failover');
    expect(step?.kind === 'fault' && step.target).toBe('aws');
    const fault = (step as { fault: RegionFailoverFault }).fault;
    // The markers step acts on the marker writer and the scale step on the DR cluster, not on AWS: the
    // run's AWS calls are the other two steps'.
    const awsSteps = (fault.runbook ?? []).filter(
      (r) => r.action !== 'markers-switch-endpoint' && r.action !== 'kubernetes-scale',
    );
    expect(awsSteps.map((r) => r.action)).toEqual(['route53-change', 'rds-promote-read-replica']);

    const calls: AwsCall[] = [];
    const target = testTarget(moto.endpoint, { regions: [REGION, DR] });
    const driver = testDriver(target, calls);
    try {
      await guardIdentity(driver, target); // what connectAws does before anything else
      const journalPath = join(mkdtempSync(join(root, 'failover-')), 'journal.ndjson');
      const journal = new Journal(journalPath);
      const steps = awsSteps.map((r) => (r.action === 'rds-promote-read-replica' ? { ...r, timeoutMs: 2_000 } : r));
      const f: RegionFailoverFault = { ...fault, runbook: steps, pollMs: 100 };
      const planned = awsRegionFailover.plan(f);
      // moto's PromoteReadReplica keeps ReadReplicaSourceDBInstanceIdentifier, so the promotion never
      // verifies: the step times out and the run rolls back — which sends the rollback's calls too.
      const failed = await awsRegionFailover
        .inject(f, planned, {
          step: 'region-failover',
          journal,
          clock: systemClock,
          signal: AbortSignal.timeout(60_000),
          aws: { driver, runId: 'run-iam-failover' },
          rng: Math.random,
          log: () => undefined,
        })
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      journal.close();
      expect(failed?.message).toMatch(/database-promote failed: .*still a replica of connectkit-east-source/);

      // `gameday rollback`: the record goes back; the promotion is reported as irreversible.
      configureAwsUndo({ loopbackOnly: true, onCommand: (c) => calls.push(c) });
      const again = new Journal(journalPath);
      const res = await rollback(again, pendingUndos(readJournal(journalPath)), { timeoutMs: 20_000 });
      again.close();
      expect(res.failed.every((x) => /promot/.test(x.error))).toBe(true);
    } finally {
      configureAwsUndo({});
      driver.destroy();
    }

    const harness = await printedHarness(file);
    expect(harness).toEqual(iamPolicies(iamScenarioConfig(scenario, scenario.targets.aws!)).harness);
    expect(expectExactly(calls, harness)).toEqual([
      'rds:DescribeDBInstances',
      'rds:PromoteReadReplica',
      'route53:ChangeResourceRecordSets',
      'route53:GetChange',
      'route53:ListResourceRecordSets',
      'sts:GetCallerIdentity',
    ]);
    const replica = `arn:aws:rds:${DR}:${ACCOUNT}:db:connectkit-replica`;
    expect(resources(harness, 'ReadRecordSets')).toEqual([`arn:aws:route53:::hostedzone/${zone}`]);
    expect(resources(harness, 'ChangeRecordSets')).toEqual([`arn:aws:route53:::hostedzone/${zone}`]);
    expect(harness.Statement.find((s) => s.Sid === 'ChangeRecordSets')?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['app.connectkit.com'],
        'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
        'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'DELETE'],
      },
    });
    expect(resources(harness, 'PromoteReplicas')).toEqual([replica]);
    expect(resources(harness, 'DescribeInstances')).toEqual([replica]);
  }, 120_000);
});

describe('gameday iam: restore drill sources', () => {
  it('backup-restore.yaml: ListBucket on the bucket (prefix condition), GetObject under the prefix', async () => {
    const setup = testDriver(testTarget(moto.endpoint));
    await setup.clients.s3.send(
      new CreateBucketCommand({
        Bucket: 'connectkit-backups',
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    await setup.clients.s3.send(
      new PutObjectCommand({
        Bucket: 'connectkit-backups',
        Key: 'database/connectkit-backup-2024-05-03T02-00-00-000Z.sql.gz',
        Body: gzipSync(Buffer.from('-- not a real dump\n')),
      }),
    );
    setup.destroy();

    const file = `${SCENARIOS}/backup-restore.yaml`;
    const scenario = await load(file);
    const source = scenario.drill?.source as DrillSourceConfig;
    expect(source.kind).toBe('s3');
    const calls: AwsCall[] = [];
    const target = testTarget(moto.endpoint);
    const driver = testDriver(target, calls);
    try {
      await guardIdentity(driver, target);
      const aws = awsDrillSources(driver, 'run-iam-s3');
      const src = aws.sources.s3(source);
      if (src.type !== 'dump') throw new Error('expected a dump source');
      const ctx = { signal: AbortSignal.timeout(30_000), now: Date.now() };
      const artifact = await src.select(ctx);
      expect(artifact.location).toBe(
        's3://connectkit-backups/database/connectkit-backup-2024-05-03T02-00-00-000Z.sql.gz',
      );
      const work = mkdtempSync(join(root, 'work-'));
      await src.fetch(artifact, work, ctx);
      aws.close();
    } finally {
      driver.destroy();
    }

    const harness = await printedHarness(file);
    expect(expectExactly(calls, harness)).toEqual(['s3:GetObject', 's3:ListBucket', 'sts:GetCallerIdentity']);
    expect(resources(harness, 'ListBackups')).toEqual(['arn:aws:s3:::connectkit-backups']);
    expect(harness.Statement.find((s) => s.Sid === 'ListBackups')?.Condition).toEqual({
      StringLike: { 's3:prefix': ['database/*'] },
    });
    expect(resources(harness, 'ReadBackups')).toEqual(['arn:aws:s3:::connectkit-backups/database/*']);
  }, 60_000);

  describe('backup-restore-rds.yaml', () => {
    let scenario: Scenario;
    const file = `${SCENARIOS}/backup-restore-rds.yaml`;

    beforeAll(async () => {
      const setup = testDriver(testTarget(moto.endpoint));
      const { securityGroup } = await createDrillNetwork(setup);
      setEnv('DRILL_DB_SECURITY_GROUP', securityGroup);
      // moto takes an automated snapshot (rds:connectkit-primary-<time>) when the instance is created.
      await createPostgresInstance(setup, 'connectkit-primary', { BackupRetentionPeriod: 30 });
      setup.destroy();
      scenario = await load(file);
    });

    /** Select, restore (journaled), the drill's cleanup, then `gameday rollback` of the same journal. */
    async function drill(source: RdsSourceConfig): Promise<AwsCall[]> {
      const calls: AwsCall[] = [];
      const target = testTarget(moto.endpoint);
      const driver = testDriver(target, calls);
      try {
        await guardIdentity(driver, target);
        const aws = awsDrillSources(driver, 'run-iam-rds', { rds: { minDelaySeconds: 1 } });
        const src = aws.sources.rds(source);
        if (src.type !== 'snapshot') throw new Error('expected a snapshot source');
        const journalPath = join(mkdtempSync(join(root, 'rds-')), 'journal.ndjson');
        const journal = new Journal(journalPath);
        const cleanups: Array<(signal: AbortSignal) => Promise<string>> = [];
        const ctx = { signal: AbortSignal.timeout(60_000), now: Date.now() };
        const artifact = await src.select(ctx);
        await src.restore(artifact, { ...ctx, journal, defer: (_label, c) => cleanups.push(c) });
        for (const c of cleanups.reverse()) await c(AbortSignal.timeout(30_000));
        journal.close();
        aws.close();
        // A killed drill's journal replayed: the scratch instance is already gone, the delete still runs.
        configureAwsUndo({ loopbackOnly: true, onCommand: (c) => calls.push(c) });
        const intents = readJournal(journalPath).filter((e) => e.type === 'intent');
        expect(intents).toHaveLength(1);
        const again = new Journal(journalPath);
        const res = await rollback(again, pendingUndos(readJournal(journalPath)), { timeoutMs: 20_000 });
        again.close();
        expect(res.failed).toEqual([]);
      } finally {
        configureAwsUndo({});
        driver.destroy();
      }
      return calls;
    }

    it('snapshot path: the automated snapshots of the instance, the scratch instances by prefix', async () => {
      const source = scenario.drill?.source as RdsSourceConfig;
      expect(source.mode).toMatchObject({ kind: 'snapshot', snapshotType: 'automated' });
      const calls = await drill(source);
      const harness = await printedHarness(file);
      // AWS checks AddTagsToResource for the tags the restore call carries; there is no SDK call of its own.
      expect(expectExactly(calls, harness, ['rds:AddTagsToResource'])).toEqual([
        'rds:DeleteDBInstance',
        'rds:DescribeDBInstances',
        'rds:DescribeDBSnapshots',
        'rds:RestoreDBInstanceFromDBSnapshot',
        'sts:GetCallerIdentity',
      ]);
      const arn = (s: string): string => `arn:aws:rds:${REGION}:${ACCOUNT}:${s}`;
      expect(resources(harness, 'FindSnapshots')).toEqual([
        arn('db:connectkit-primary'),
        arn('snapshot:rds:connectkit-primary-*'),
      ]);
      expect(resources(harness, 'RestoreScratchInstance')).toEqual([
        arn('db:gameday-drill-*'),
        arn('snapshot:rds:connectkit-primary-*'),
        arn('subgrp:connectkit-private'),
        arn('og:*'),
        arn('pg:*'),
      ]);
      for (const sid of ['DescribeInstances', 'DeleteScratchInstance', 'TagScratchInstance'])
        expect(resources(harness, sid)).toEqual([arn('db:gameday-drill-*')]);
    }, 120_000);

    it('point-in-time path: RestoreDBInstanceToPointInTime from the named instance, no snapshot access', async () => {
      const base = scenario.drill?.source as RdsSourceConfig;
      const source: RdsSourceConfig = { ...base, mode: { kind: 'point-in-time', restoreTime: 'latest' } };
      const calls = await drill(source);
      const config = iamScenarioConfig(scenario, scenario.targets.aws!);
      const harness = iamPolicies({ ...config, drill: source }).harness;
      expect(expectExactly(calls, harness, ['rds:AddTagsToResource'])).toEqual([
        'rds:DeleteDBInstance',
        'rds:DescribeDBInstances',
        'rds:RestoreDBInstanceToPointInTime',
        'sts:GetCallerIdentity',
      ]);
      expect(resources(harness, 'RestoreScratchInstance')?.slice(0, 2)).toEqual([
        `arn:aws:rds:${REGION}:${ACCOUNT}:db:connectkit-primary`,
        `arn:aws:rds:${REGION}:${ACCOUNT}:db:gameday-drill-*`,
      ]);
    }, 120_000);
  });
});
