// `gameday iam`: the printed policies against the calls the scenario really makes. Every SDK command is
// recorded by the driver's middleware (moto calls) or by the FIS experiment fake (aws-sdk-client-mock calls,
// FIS API reference shapes) during discovery, injection, an abort and rollback; the harness policy must
// allow exactly those, plus the two permissions AWS checks implicitly (iam:PassRole, fis:TagResource).

import { CreateDBClusterCommand, CreateDBInstanceCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCall } from '../../src/drivers/aws/index.js';
import { awsFaultModule, configureAwsUndo, discoverAwsInventory } from '../../src/faults/aws/index.js';
import type { AwsFault } from '../../src/faults/aws/types.js';
import { iamActionsFor, iamPolicies, policyActions, type IamScenarioConfig } from '../../src/iam/index.js';
import { createCloudWatchProbe, createRdsProbe } from '../../src/probes/aws/index.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { installFisFake } from './fis-fake.js';
import { ACCOUNT, REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';
import { FAST_FIS, testRuntime } from './runtime.js';

const ROLE = `arn:aws:iam::${ACCOUNT}:role/gameday-fis`;

const faults: AwsFault[] = [
  {
    type: 'spot-interruption',
    tags: { 'eks:nodegroup-name': 'connectkit-spot' },
    selection: { mode: 'count', n: 1 },
    durationBeforeInterruptionMs: 120_000,
    fis: { ...FAST_FIS, stopConditions: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:connectkit-error-rate`] },
  },
  {
    type: 'az-outage',
    zone: 'us-west-2a',
    durationMs: 600_000,
    stopInstances: { tags: { 'gameday:az': 'yes' }, selection: { mode: 'all' }, restartAfterDuration: true },
    disruptNetwork: { scope: 'availability-zone', subnetTags: { 'gameday:az': 'yes' } },
    failoverDatabases: { clusters: ['ck-iam'] },
    fis: { ...FAST_FIS, logs: { cloudWatchLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/gameday/fis:*` } },
  },
  { type: 'db-failover', via: 'api', cluster: 'ck-iam', eventTimeoutMs: 200, pollIntervalMs: 50 },
];

const config: IamScenarioConfig = {
  target: { region: REGION, accounts: [ACCOUNT], fisRoleArn: ROLE },
  faults,
  probes: [
    { cloudwatch: { kind: 'alarm', alarm: 'connectkit-error-rate', healthyStates: ['OK'] } },
    {
      cloudwatch: {
        kind: 'metric',
        namespace: 'ConnectKit',
        metric: 'p95',
        dimensions: {},
        statistic: 'Maximum',
        periodSec: 60,
        windowMs: 300_000,
        op: '<',
        threshold: 500,
        missingIsHealthy: true,
      },
    },
    { rds: { cluster: 'ck-iam', healthyStatuses: ['available'] } },
  ],
};

describe('iamPolicies', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMotoForTests();
  });
  afterAll(async () => {
    configureAwsUndo({});
    await moto?.stop();
  });

  it('prints the FIS role policy for exactly the template actions, and a trust policy with confused-deputy conditions', () => {
    const { fisRole } = iamPolicies(config);
    const role = fisRole?.policy ?? { Version: '2012-10-17', Statement: [] };
    const fisTrust = fisRole?.trust;
    expect(role.Statement.map((s) => s.Sid)).toEqual([
      'InterruptSpotInstances',
      'StopAndRestartInstances',
      'RestartInstancesWithEncryptedVolumes',
      'CreateFisNetworkAcl',
      'CreateFisNetworkAclInVpc',
      'TagFisNetworkAcl',
      'ManageFisNetworkAcl',
      'SwapNetworkAcls',
      'SwapNetworkAclsOfSubnets',
      'ReadPrefixLists',
      'FailoverClusters',
      'DescribeEc2',
      'ResolveTargetsByTag',
      'ExperimentLogsToCloudWatch',
    ]);
    expect(policyActions(role)).toContain('ec2:SendSpotInstanceInterruptions');
    expect(policyActions(role)).toContain('rds:FailoverDBCluster');
    expect(policyActions(role)).not.toContain('rds:RebootDBInstance');
    expect(fisTrust).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'FisAssumesRole',
          Effect: 'Allow',
          Principal: { Service: 'fis.amazonaws.com' },
          Action: ['sts:AssumeRole'],
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: { 'aws:SourceArn': `arn:aws:fis:${REGION}:${ACCOUNT}:experiment/*` },
          },
        },
      ],
    });
  });

  it('the harness policy allows exactly the calls the scenario makes', async () => {
    const calls: AwsCall[] = [];
    const target = testTarget(moto.endpoint);
    const driver = testDriver(target, calls);
    configureAwsUndo({ loopbackOnly: true, onCommand: (c) => calls.push(c) });
    // Fixture data, created with an unrecorded driver.
    const setup = testDriver(target);
    await setup.clients.rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ck-iam',
        Engine: 'aurora-postgresql',
        MasterUsername: 'ck',
        MasterUserPassword: 'not-a-secret-1',
      }),
    );
    for (const [id, zone] of [
      ['ck-iam-1', 'us-west-2a'],
      ['ck-iam-2', 'us-west-2b'],
    ] as const) {
      await setup.clients.rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          DBClusterIdentifier: 'ck-iam',
          Engine: 'aurora-postgresql',
          DBInstanceClass: 'db.r6g.large',
          AvailabilityZone: zone,
        }),
      );
    }
    setup.destroy();

    const inventory = await discoverAwsInventory(driver, target, faults);
    const probes = config.probes!.map((p, i) =>
      'cloudwatch' in p
        ? createCloudWatchProbe(`p${i}`, p.cloudwatch, { driver, intervalMs: 1000, timeoutMs: 1000 })
        : createRdsProbe(`p${i}`, p.rds, { driver, intervalMs: 1000, timeoutMs: 1000 }),
    );
    for (const p of probes) await p.check(AbortSignal.timeout(5000));

    for (const [i, fault] of faults.entries()) {
      // The AZ outage is aborted mid-way, so the stop path is exercised too.
      const abortIt = fault.type === 'az-outage';
      const fake = installFisFake({
        region: REGION,
        endpoint: moto.endpoint,
        account: ACCOUNT,
        script: abortIt ? 'run-until-stopped' : 'complete',
        calls,
      });
      try {
        const abort = new AbortController();
        const rt = testRuntime(driver, { step: `step-${i}`, signal: abort.signal });
        const module = awsFaultModule(fault);
        const planned = module.plan(fault, inventory);
        const running = module.inject(fault, planned, rt);
        if (abortIt) setTimeout(() => abort.abort(new Error('abort')), 200);
        await running.catch((e: unknown) => {
          if (!abortIt) throw e;
        });
        rt.journal.close();
        const journal = new Journal(rt.journalPath);
        const result = await rollback(journal, pendingUndos(readJournal(rt.journalPath)), { timeoutMs: 5000 });
        journal.close();
        expect(result.failed).toEqual([]);
      } finally {
        fake.restore();
      }
    }
    driver.destroy();

    const used = iamActionsFor(calls);
    const allowed = policyActions(iamPolicies(config).harness);
    // AWS authorizes these without a separate SDK call: passing the role on create, tagging on create/start.
    const implicit = ['fis:TagResource', 'iam:PassRole'];
    expect(used.filter((a) => !allowed.includes(a))).toEqual([]);
    expect(allowed.filter((a) => !used.includes(a) && !implicit.includes(a))).toEqual([]);
    expect(used).toEqual([
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetMetricStatistics',
      'fis:CreateExperimentTemplate',
      'fis:DeleteExperimentTemplate',
      'fis:GetExperiment',
      'fis:ListExperimentResolvedTargets',
      'fis:ListExperimentTemplates',
      'fis:ListExperiments',
      'fis:StartExperiment',
      'fis:StopExperiment',
      'rds:DescribeDBClusters',
      'rds:DescribeDBInstances',
      'rds:DescribeEvents',
      'rds:FailoverDBCluster',
      'sts:GetCallerIdentity',
    ]);
  });

  it('a scenario with only a direct instance failover needs no FIS permission at all', () => {
    const { harness, fisRole } = iamPolicies({
      target: { region: REGION, accounts: [ACCOUNT] },
      faults: [{ type: 'db-failover', via: 'api', instance: 'ck-pg', eventTimeoutMs: 1, pollIntervalMs: 1 }],
    });
    expect(policyActions(harness)).toEqual([
      'rds:DescribeDBInstances',
      'rds:DescribeEvents',
      'rds:RebootDBInstance',
      'sts:GetCallerIdentity',
    ]);
    expect(harness.Statement.find((s) => s.Sid === 'FailoverInstances')?.Resource).toEqual([
      `arn:aws:rds:${REGION}:${ACCOUNT}:db:ck-pg`,
    ]);
    expect(fisRole).toBeUndefined();
  });
});
