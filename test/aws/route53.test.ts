// The AWS runbook actions against moto on loopback: route53-change UPSERTs a record (verified with
// GetChange INSYNC) and its rollback — in the run, and from the journal alone — puts the old record back.

import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsDriver } from '../../src/drivers/aws/index.js';
import { Route53Driver } from '../../src/drivers/aws/route53.js';
import { configureAwsUndo } from '../../src/faults/aws/index.js';
import { runRunbook, type RunbookStep } from '../../src/runbook/index.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { systemClock } from '../../src/util/clock.js';
import { testTempDir } from '../helpers/tmp.js';
import { startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';

describe('route53-change runbook action on moto', () => {
  let moto: Moto;
  let driver: AwsDriver;
  let zone = '';
  const NAME = 'app.connectkit.example.';
  const OLD = 'load-balancer.us-west-2.elb.amazonaws.com';
  const NEW = 'dr-load-balancer.us-east-1.elb.amazonaws.com';

  beforeAll(async () => {
    moto = await startMotoForTests();
    driver = testDriver(testTarget(moto.endpoint));
    const z = await driver.clients.route53.send(
      new CreateHostedZoneCommand({ Name: 'connectkit.example', CallerReference: `gameday-${Date.now()}` }),
    );
    zone = (z.HostedZone?.Id ?? '').replace('/hostedzone/', '');
  });
  afterAll(async () => {
    configureAwsUndo({});
    driver?.destroy();
    await moto?.stop();
  });

  const setOld = async (): Promise<void> => {
    await driver.clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { Name: NAME, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: OLD }] },
            },
          ],
        },
      }),
    );
  };
  const current = async (): Promise<string[] | undefined> =>
    (await new Route53Driver(driver.clients.route53).findRecord(zone, { name: NAME, type: 'CNAME' }))?.values;

  const dnsStep = (): RunbookStep => ({
    name: 'dns-failover',
    action: 'route53-change',
    args: { hostedZoneId: zone, name: 'app.connectkit.example', type: 'CNAME', values: [NEW], ttl: 60 },
    timeoutMs: 20_000,
  });

  const ctx = (journal: Journal) => ({
    journal,
    clock: systemClock,
    signal: AbortSignal.timeout(60_000),
    step: 'region-failover',
    log: () => undefined,
    aws: driver,
    pollMs: 100,
  });

  it('switches the record (INSYNC) and rolls it back when a later step fails', async () => {
    await setOld();
    const path = join(testTempDir('r53'), 'journal.ndjson');
    const journal = new Journal(path);
    const result = await runRunbook(
      [
        dnsStep(),
        // The replica does not exist in moto: the promotion step fails and the DNS change is rolled back.
        {
          name: 'database-promote',
          action: 'rds-promote-read-replica',
          args: { dbInstanceIdentifier: 'connectkit-replica' },
          timeoutMs: 5_000,
        },
      ],
      ctx(journal),
    );
    journal.close();
    expect(result.ok).toBe(false);
    expect(result.steps[0]?.status).toBe('ok');
    expect(result.steps[0]?.detail).toMatch(/change INSYNC/);
    expect(result.failed?.step).toBe('database-promote');
    expect(result.steps[0]?.rollback?.status).toBe('ok');
    expect(result.rollback?.complete).toBe(true);
    expect(await current()).toEqual([OLD]);
    expect(pendingUndos(readJournal(path))).toEqual([]);
  }, 60_000);

  it('gameday rollback restores the old record from the journal alone', async () => {
    await setOld();
    const path = join(testTempDir('r53'), 'journal.ndjson');
    const journal = new Journal(path);
    const result = await runRunbook([dnsStep()], ctx(journal));
    journal.close();
    expect(result.ok, JSON.stringify(result.failed)).toBe(true);
    expect(await current()).toEqual([NEW]);

    configureAwsUndo({ loopbackOnly: true });
    const pending = pendingUndos(readJournal(path));
    expect(pending).toHaveLength(1);
    const again = new Journal(path);
    const res = await rollback(again, pending, { timeoutMs: 20_000 });
    again.close();
    expect(res.complete, JSON.stringify(res.failed)).toBe(true);
    expect(await current()).toEqual([OLD]);
  }, 60_000);

  it('a record that did not exist before is deleted by the rollback', async () => {
    const path = join(testTempDir('r53'), 'journal.ndjson');
    const journal = new Journal(path);
    const step = { ...dnsStep(), args: { ...dnsStep().args, name: 'new.connectkit.example' } };
    const result = await runRunbook([step], ctx(journal));
    journal.close();
    expect(result.ok).toBe(true);
    const r53 = new Route53Driver(driver.clients.route53);
    expect((await r53.findRecord(zone, { name: 'new.connectkit.example', type: 'CNAME' }))?.values).toEqual([NEW]);
    configureAwsUndo({ loopbackOnly: true });
    const again = new Journal(path);
    const res = await rollback(again, pendingUndos(readJournal(path)), { timeoutMs: 20_000 });
    again.close();
    expect(res.complete, JSON.stringify(res.failed)).toBe(true);
    expect(await r53.findRecord(zone, { name: 'new.connectkit.example', type: 'CNAME' })).toBeNull();
  }, 60_000);
});
