// FIS template building for each AWS fault (pure), and each built template accepted and stored by moto.

import { GetExperimentTemplateCommand } from '@aws-sdk/client-fis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsDriver } from '../../src/drivers/aws/index.js';
import {
  azOutageExperiment,
  buildTemplate,
  dbFailoverExperiment,
  isoDuration,
  selectionMode,
  spotInterruptionExperiment,
} from '../../src/faults/aws/index.js';
import type { AwsAzOutageFault, AwsInventory, AwsSpotInterruptionFault } from '../../src/faults/aws/types.js';
import { ACCOUNT, REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';
import { FAST_FIS } from './runtime.js';

const ROLE = `arn:aws:iam::${ACCOUNT}:role/gameday-fis`;
const ctx = { runId: 'run-1', step: 'spot', roleArn: ROLE };
const alarm = (n: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${n}`;

const spot: AwsSpotInterruptionFault = {
  type: 'spot-interruption',
  tags: { 'eks:nodegroup-name': 'connectkit-spot', 'eks.amazonaws.com/capacityType': 'SPOT' },
  selection: { mode: 'count', n: 2 },
  durationBeforeInterruptionMs: 120_000,
  fis: { ...FAST_FIS, stopConditions: [alarm('connectkit-error-rate'), alarm('connectkit-p95')] },
};

const inventory: AwsInventory = {
  region: REGION,
  databases: [
    {
      kind: 'cluster',
      id: 'ck-aurora',
      arn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:ck-aurora`,
      status: 'available',
      multiAz: true,
      writerZone: 'us-west-2a',
      tags: {},
    },
    {
      kind: 'cluster',
      id: 'other',
      arn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:other`,
      status: 'available',
      multiAz: true,
      writerZone: 'us-west-2b',
      tags: {},
    },
    {
      kind: 'instance',
      id: 'ck-pg',
      arn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:ck-pg`,
      status: 'available',
      multiAz: true,
      writerZone: 'us-west-2a',
      tags: {},
    },
  ],
};

const az: AwsAzOutageFault = {
  type: 'az-outage',
  zone: 'us-west-2a',
  durationMs: 30 * 60_000,
  stopInstances: {
    tags: { 'gameday:az-target': 'true' },
    selection: { mode: 'percent', n: 100 },
    restartAfterDuration: true,
  },
  disruptNetwork: { scope: 'availability-zone', subnetTags: { 'gameday:az-target': 'true' } },
  failoverDatabases: { clusters: ['ck-aurora', 'other'], instances: ['ck-pg'] },
  fis: { ...FAST_FIS, logs: { cloudWatchLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/gameday/fis:*` } },
};

describe('pure template building', () => {
  it('formats ISO-8601 durations and selection modes', () => {
    expect(isoDuration(120_000)).toBe('PT2M');
    expect(isoDuration(5_400_000)).toBe('PT1H30M');
    expect(isoDuration(45_000)).toBe('PT45S');
    expect(() => isoDuration(1500)).toThrow(/whole seconds/);
    expect(selectionMode({ mode: 'all' })).toBe('ALL');
    expect(selectionMode({ mode: 'count', n: 2 })).toBe('COUNT(2)');
    expect(selectionMode({ mode: 'percent', n: 25 })).toBe('PERCENT(25)');
    expect(() => selectionMode({ mode: 'percent', n: 101 })).toThrow(/out of range/);
  });

  it('spot-interruption: send-spot-instance-interruptions on tagged running spot instances, alarms as stop conditions', () => {
    const t = buildTemplate(spotInterruptionExperiment(spot), spot.fis, ctx);
    expect(t.targets).toEqual({
      SpotInstances: {
        resourceType: 'aws:ec2:spot-instance',
        resourceTags: { 'eks:nodegroup-name': 'connectkit-spot', 'eks.amazonaws.com/capacityType': 'SPOT' },
        filters: [{ path: 'State.Name', values: ['running'] }],
        selectionMode: 'COUNT(2)',
      },
    });
    expect(t.actions).toEqual({
      interrupt: {
        actionId: 'aws:ec2:send-spot-instance-interruptions',
        description: 'interrupt spot instances with a notice',
        parameters: { durationBeforeInterruption: 'PT2M' },
        targets: { SpotInstances: 'SpotInstances' },
      },
    });
    expect(t.stopConditions).toEqual([
      { source: 'aws:cloudwatch:alarm', value: alarm('connectkit-error-rate') },
      { source: 'aws:cloudwatch:alarm', value: alarm('connectkit-p95') },
    ]);
    expect(t.experimentOptions).toEqual({ emptyTargetResolutionMode: 'fail' });
    expect(t.tags).toMatchObject({
      'gameday:managed-by': 'gameday',
      'gameday:run-id': 'run-1',
      'gameday:step': 'spot',
    });
    expect(t.roleArn).toBe(ROLE);
    // Same input, same request (the client token makes a retried create idempotent).
    expect(buildTemplate(spotInterruptionExperiment(spot), spot.fis, ctx)).toEqual(t);
  });

  it('spot-interruption refuses a notice outside 2–15 minutes', () => {
    expect(() => spotInterruptionExperiment({ ...spot, durationBeforeInterruptionMs: 60_000 })).toThrow(
      "spot interruption notice 1m 00s is outside FIS's 2m–15m",
    );
    expect(
      spotInterruptionExperiment({ ...spot, durationBeforeInterruptionMs: 900_000 }).actions['interrupt']?.parameters,
    ).toEqual({
      durationBeforeInterruption: 'PT15M',
    });
  });

  it('az-outage: the Power Interruption shape for one zone, databases only where the writer is in it', () => {
    const t = buildTemplate(azOutageExperiment(az, inventory), az.fis, { ...ctx, step: 'az' });
    expect(Object.keys(t.actions).sort()).toEqual([
      'DisruptNetwork',
      'FailoverClusters',
      'FailoverInstances',
      'StopInstances',
    ]);
    expect(t.actions['StopInstances']).toMatchObject({
      actionId: 'aws:ec2:stop-instances',
      parameters: { startInstancesAfterDuration: 'PT30M' },
    });
    expect(t.targets['InstancesInZone']?.filters).toContainEqual({
      path: 'Placement.AvailabilityZone',
      values: ['us-west-2a'],
    });
    expect(t.targets['InstancesInZone']?.selectionMode).toBe('PERCENT(100)');
    expect(t.actions['DisruptNetwork']).toMatchObject({
      actionId: 'aws:network:disrupt-connectivity',
      parameters: { scope: 'availability-zone', duration: 'PT30M' },
      targets: { Subnets: 'SubnetsInZone' },
    });
    expect(t.targets['SubnetsInZone']?.filters).toEqual([{ path: 'AvailabilityZone', values: ['us-west-2a'] }]);
    expect(t.targets['ClustersWithWriterInZone']?.resourceArns).toEqual([inventory.databases[0]?.arn]);
    expect(t.actions['FailoverInstances']).toMatchObject({
      actionId: 'aws:rds:reboot-db-instances',
      parameters: { forceFailover: 'true' },
    });
    expect(t.logConfiguration).toEqual({
      logSchemaVersion: 2,
      cloudWatchLogsConfiguration: { logGroupArn: az.fis.logs?.cloudWatchLogGroupArn },
    });
  });

  it('az-outage: each part optional; databases by tags resolve through FIS target parameters; nothing to do is refused', () => {
    const onlyDb = azOutageExperiment(
      { ...az, stopInstances: false, disruptNetwork: false, failoverDatabases: { clusterTags: { app: 'connectkit' } } },
      inventory,
    );
    expect(Object.keys(onlyDb.actions)).toEqual(['FailoverClusters']);
    expect(onlyDb.targets['ClustersWithWriterInZone']).toMatchObject({
      tags: { app: 'connectkit' },
      parameters: { writerAvailabilityZoneIdentifiers: 'us-west-2a' },
    });
    expect(() =>
      azOutageExperiment(
        { ...az, stopInstances: false, disruptNetwork: false, failoverDatabases: { clusters: ['other'] } },
        inventory,
      ),
    ).toThrow('az-outage of us-west-2a has nothing to do');
  });

  it('db-failover through FIS: failover-db-cluster or reboot-db-instances forceFailover', () => {
    const db = inventory.databases[0]!;
    expect(dbFailoverExperiment(db).actions['Failover']?.actionId).toBe('aws:rds:failover-db-cluster');
    const pg = inventory.databases[2]!;
    expect(dbFailoverExperiment(pg).actions['Failover']).toMatchObject({
      actionId: 'aws:rds:reboot-db-instances',
      parameters: { forceFailover: 'true' },
    });
  });

  it('refuses broken references', () => {
    const spec = spotInterruptionExperiment(spot);
    expect(() =>
      buildTemplate({ ...spec, actions: { a: { actionId: 'x', targets: { T: 'nope' } } } }, spot.fis, ctx),
    ).toThrow('FIS action "a" refers to unknown target "nope"');
    expect(() =>
      buildTemplate({ ...spec, actions: { a: { actionId: 'x', targets: {}, startAfter: ['b'] } } }, spot.fis, ctx),
    ).toThrow('FIS action "a" starts after unknown action "b"');
  });
});

describe('built templates on moto', () => {
  let moto: Moto;
  let driver: AwsDriver;
  beforeAll(async () => {
    moto = await startMotoForTests();
    driver = testDriver(testTarget(moto.endpoint));
  });
  afterAll(async () => {
    driver?.destroy();
    await moto?.stop();
  });

  it('moto stores each template as built (startAfter included) and deletes it', async () => {
    const spec = azOutageExperiment(az, inventory);
    spec.actions['FailoverClusters']!.startAfter = ['StopInstances'];
    const templates = [
      buildTemplate(spotInterruptionExperiment(spot), spot.fis, ctx),
      buildTemplate(spec, az.fis, { ...ctx, step: 'az' }),
      buildTemplate(dbFailoverExperiment(inventory.databases[0]!), FAST_FIS, { ...ctx, step: 'db' }),
    ];
    for (const t of templates) {
      const id = await driver.fis.createTemplate(t);
      const got = await driver.clients.fis.send(new GetExperimentTemplateCommand({ id }));
      expect(got.experimentTemplate?.actions).toEqual(t.actions);
      expect(got.experimentTemplate?.targets).toEqual(t.targets);
      expect(got.experimentTemplate?.tags).toMatchObject(t.tags);
      expect(
        await driver.fis.findTemplates({ 'gameday:run-id': 'run-1', 'gameday:step': t.tags['gameday:step'] as string }),
      ).toEqual([id]);
      expect(await driver.fis.deleteTemplate(id)).toBe('deleted');
      expect(await driver.fis.deleteTemplate(id)).toBe('already gone');
    }
  });
});
