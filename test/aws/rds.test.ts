// RDS failover against moto (clusters, instances, FailoverDBCluster, RebootDBInstance), and the rds and
// cloudwatch probes. moto does not emit failover events, so DescribeEvents alone is answered by
// aws-sdk-client-mock with events shaped as DescribeEvents returns them and the messages of the RDS event
// table (RDS-EVENT-0072/0073/0071 for clusters, 0013/0015/0049 for instances); every other call reaches moto.

import { CloudWatchClient, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  type DescribeEventsCommandOutput,
  type FailoverDBClusterCommandOutput,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  RDSClient,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsDriver } from '../../src/drivers/aws/index.js';
import { awsDbFailover, classifyFailoverEvents, discoverAwsInventory } from '../../src/faults/aws/index.js';
import type { AwsDbFailoverFault } from '../../src/faults/aws/types.js';
import { createCloudWatchProbe, createRdsProbe } from '../../src/probes/aws/index.js';
import { pendingUndos, readJournal, Journal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { ACCOUNT, CREDENTIALS, REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';
import { putErrorRateAlarm } from './resources.js';
import { testRuntime } from './runtime.js';

const realSend = RDSClient.prototype.send as unknown as (this: unknown, command: unknown) => Promise<unknown>;

/** The real (unmocked) send of an RDS client. */
function sendReal<T>(client: unknown, command: unknown): Promise<T> {
  return realSend.call(client, command) as Promise<T>;
}

/** Pass every RDS command through to moto except DescribeEvents, which adds documented failover events. */
function withFailoverEvents(client: RDSClient) {
  const failovers: Array<{ kind: 'cluster' | 'instance'; id: string; at: number; to?: string }> = [];
  const mock = mockClient(client);
  const through = [
    CreateDBClusterCommand,
    CreateDBInstanceCommand,
    DescribeDBClustersCommand,
    DescribeDBInstancesCommand,
  ];
  for (const C of through)
    mock
      .on(C as typeof CreateDBClusterCommand)
      .callsFake((input) => sendReal(client, new (C as typeof CreateDBClusterCommand)(input)));
  mock.on(FailoverDBClusterCommand).callsFake(async (input) => {
    const out = await sendReal<FailoverDBClusterCommandOutput>(client, new FailoverDBClusterCommand(input));
    failovers.push({
      kind: 'cluster',
      id: input.DBClusterIdentifier,
      at: Date.now(),
      to: out.DBCluster?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier,
    });
    return out;
  });
  mock.on(RebootDBInstanceCommand).callsFake(async (input) => {
    const out = await sendReal(client, new RebootDBInstanceCommand(input));
    failovers.push({ kind: 'instance', id: input.DBInstanceIdentifier, at: Date.now() });
    return out;
  });
  mock.on(DescribeEventsCommand).callsFake(async (input) => {
    const real = await sendReal<DescribeEventsCommandOutput>(client, new DescribeEventsCommand(input));
    const source = (kind: 'cluster' | 'instance', id: string) => ({
      SourceIdentifier: id,
      SourceType: kind === 'cluster' ? 'db-cluster' : 'db-instance',
      EventCategories: ['failover'],
      SourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:${kind === 'cluster' ? 'cluster' : 'db'}:${id}`,
    });
    const extra = failovers
      .filter((f) => f.id === input.SourceIdentifier)
      .flatMap((f) =>
        f.kind === 'cluster'
          ? [
              {
                ...source('cluster', f.id),
                Message: `Started cross AZ failover to DB instance: ${f.to}`,
                Date: new Date(f.at + 1000),
              },
              {
                ...source('cluster', f.id),
                Message: `Completed failover to DB instance: ${f.to}`,
                Date: new Date(f.at + 25_000),
              },
            ]
          : [
              {
                ...source('instance', f.id),
                Message: 'Multi-AZ instance failover started.',
                Date: new Date(f.at + 2000),
              },
              {
                ...source('instance', f.id),
                Message: 'Multi-AZ instance failover completed.',
                Date: new Date(f.at + 40_000),
              },
            ],
      );
    return { Events: [...(real.Events ?? []), ...extra] };
  });
  // The failovers the mock saw, with the epoch ms its events are dated from.
  return Object.assign(mock, { failovers });
}

describe('RDS failover and probes', () => {
  let moto: Moto;
  let driver: AwsDriver;
  const target = () => testTarget(moto.endpoint);
  beforeAll(async () => {
    moto = await startMotoForTests();
    driver = testDriver(target());
    const rds = driver.clients.rds;
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ck-aurora',
        Engine: 'aurora-postgresql',
        MasterUsername: 'ck',
        MasterUserPassword: 'not-a-secret-1',
      }),
    );
    for (const [id, zone] of [
      ['ck-aurora-1', 'us-west-2a'],
      ['ck-aurora-2', 'us-west-2b'],
    ] as const) {
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          DBClusterIdentifier: 'ck-aurora',
          Engine: 'aurora-postgresql',
          DBInstanceClass: 'db.r6g.large',
          AvailabilityZone: zone,
        }),
      );
    }
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'ck-pg',
        Engine: 'postgres',
        DBInstanceClass: 'db.m6g.large',
        MultiAZ: true,
        AllocatedStorage: 20,
        MasterUsername: 'ck',
        MasterUserPassword: 'not-a-secret-1',
        AvailabilityZone: 'us-west-2a',
      }),
    );
  });
  afterAll(async () => {
    driver?.destroy();
    await moto?.stop();
  });

  it('discovers the cluster writer and its zone', async () => {
    const faults: AwsDbFailoverFault[] = [
      { type: 'db-failover', via: 'api', cluster: 'ck-aurora', eventTimeoutMs: 1000, pollIntervalMs: 10 },
    ];
    const inv = await discoverAwsInventory(driver, target(), faults);
    expect(inv.identity?.account).toBe(ACCOUNT);
    expect(inv.databases[0]).toMatchObject({
      kind: 'cluster',
      id: 'ck-aurora',
      status: 'available',
      writerZone: 'us-west-2a',
      writer: 'ck-aurora-1',
    });
  });

  it('FailoverDBCluster on moto; start and completion from DescribeEvents into the timeline', async () => {
    const mock = withFailoverEvents(driver.clients.rds);
    try {
      const fault: AwsDbFailoverFault = {
        type: 'db-failover',
        via: 'api',
        cluster: 'ck-aurora',
        targetInstance: 'ck-aurora-2',
        eventTimeoutMs: 5000,
        pollIntervalMs: 20,
      };
      const inv = await discoverAwsInventory(driver, target(), [fault]);
      const planned = awsDbFailover.plan(fault, inv);
      expect(planned.description).toBe(
        'FailoverDBCluster ck-aurora to ck-aurora-2 (writer ck-aurora-1 in us-west-2a) directly',
      );
      const rt = testRuntime(driver, { step: 'db' });
      const exec = await awsDbFailover.inject(fault, planned, rt);
      expect(exec.timeline.map((e) => e.message)).toEqual([
        'RDS-EVENT-0073 ck-aurora: Started cross AZ failover to DB instance: ck-aurora-2',
        'RDS-EVENT-0071 ck-aurora: Completed failover to DB instance: ck-aurora-2',
      ]);
      // The end is the completion event's own time (25 s after the failover call), mapped onto the run clock —
      // not when gameday happened to read the event.
      const [failover] = mock.failovers;
      expect(rt.clock.wall(exec.endT as number)).toBeCloseTo((failover?.at ?? NaN) + 25_000, 0);
      expect(exec.detail).toContain('failover completed in 24.0s (RDS events)');
      // moto really failed over: the writer moved.
      expect((await driver.rds.describeCluster('ck-aurora')).writer).toBe('ck-aurora-2');
      rt.journal.close();
      const journal = new Journal(rt.journalPath);
      const result = await rollback(journal, pendingUndos(readJournal(rt.journalPath)), { timeoutMs: 5000 });
      journal.close();
      expect(result.complete).toBe(true);
    } finally {
      mock.restore();
    }
  });

  it('RebootDBInstance ForceFailover for a Multi-AZ instance; instance events', async () => {
    const mock = withFailoverEvents(driver.clients.rds);
    try {
      const fault: AwsDbFailoverFault = {
        type: 'db-failover',
        via: 'api',
        instance: 'ck-pg',
        eventTimeoutMs: 5000,
        pollIntervalMs: 20,
      };
      const inv = await discoverAwsInventory(driver, target(), [fault]);
      const rt = testRuntime(driver, { step: 'db-instance' });
      const exec = await awsDbFailover.inject(fault, awsDbFailover.plan(fault, inv), rt);
      expect(exec.timeline.map((e) => e.message.split(':')[0])).toEqual([
        'RDS-EVENT-0013 ck-pg',
        'RDS-EVENT-0049 ck-pg',
      ]);
      expect(exec.detail).toContain('failover completed in 38.0s');
      rt.journal.close();
    } finally {
      mock.restore();
    }
  });

  it('refuses to fail over a single-AZ instance', () => {
    const inv = {
      region: REGION,
      databases: [
        { kind: 'instance' as const, id: 'solo', arn: 'arn:x', status: 'available', multiAz: false, tags: {} },
      ],
    };
    expect(() =>
      awsDbFailover.plan(
        { type: 'db-failover', via: 'api', instance: 'solo', eventTimeoutMs: 1, pollIntervalMs: 1 },
        inv,
      ),
    ).toThrow('RDS instance solo is not Multi-AZ, so a forced failover has no standby to go to');
  });

  it('classifies documented failover messages and ignores others', () => {
    const e = (message: string, sourceType = 'db-instance') => ({
      sourceId: 'x',
      sourceType,
      message,
      categories: ['failover'],
      date: new Date(0),
    });
    expect(
      classifyFailoverEvents([
        e('Multi-AZ failover to standby complete - DNS propagation may take a few minutes.'),
        e('Started same AZ failover to DB instance: a', 'db-cluster'),
        e('DB instance restarted'),
      ]).map((c) => c.eventId),
    ).toEqual(['RDS-EVENT-0015', 'RDS-EVENT-0072']);
  });

  it('rds probe: status from moto; cloudwatch probe: metric vs threshold and alarm state from moto', async () => {
    const opts = { driver, intervalMs: 1000, timeoutMs: 5000 };
    const signal = AbortSignal.timeout(10_000);
    expect(
      await createRdsProbe('db', { cluster: 'ck-aurora', healthyStatuses: ['available'] }, opts).check(signal),
    ).toMatchObject({ ok: true });
    expect(
      await createRdsProbe('db', { instance: 'missing', healthyStatuses: ['available'] }, opts).check(signal),
    ).toMatchObject({ ok: false });

    const cw = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'ConnectKit',
        MetricData: [
          {
            MetricName: 'ErrorRate',
            Dimensions: [{ Name: 'Service', Value: 'api' }],
            Value: 2.5,
            Timestamp: new Date(Date.now() - 5000),
          },
        ],
      }),
    );
    const metric = (threshold: number) =>
      createCloudWatchProbe(
        'errors',
        {
          kind: 'metric',
          namespace: 'ConnectKit',
          metric: 'ErrorRate',
          dimensions: { Service: 'api' },
          statistic: 'Maximum',
          periodSec: 60,
          windowMs: 300_000,
          op: '<',
          threshold,
          missingIsHealthy: false,
        },
        opts,
      );
    const first = await metric(5).check(signal);
    expect(first, first.detail).toMatchObject({ ok: true, value: 2.5 });
    expect(await metric(1).check(signal)).toMatchObject({ ok: false, value: 2.5 });

    await putErrorRateAlarm(cw, 'ALARM');
    const alarm = createCloudWatchProbe(
      'alarm',
      { kind: 'alarm', alarm: 'connectkit-error-rate', healthyStates: ['OK'] },
      opts,
    );
    expect(await alarm.check(signal)).toEqual({ ok: false, detail: 'alarm connectkit-error-rate ALARM' });
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'connectkit-error-rate', StateValue: 'OK', StateReason: 'test' }),
    );
    expect(await alarm.check(signal)).toEqual({ ok: true, detail: 'alarm connectkit-error-rate OK' });
    cw.destroy();
  });
});
