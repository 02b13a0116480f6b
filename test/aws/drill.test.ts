// Restore drills against moto on loopback: the S3 source lists (paginated) and downloads a real
// ConnectKit-style pg_dump, restored into a scratch PostgreSQL; the RDS source's call flow — snapshot,
// RestoreDBInstanceFromDBSnapshot, the SDK waiter, DeleteDBInstance afterwards, on failure, and from a
// journal left by a killed drill.
//
// moto runs no database: a restored instance is a record with a made-up endpoint. So the RDS tests
// assert the call flow and the cleanup; where a drill must validate a copy, the endpoint moto returns
// is swapped for a local PostgreSQL holding the same data (said where it happens).

import { chmodSync, createReadStream, createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateDBSnapshotCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill, rdsSource, type RdsLike } from '../../src/drill/index.js';
import type { DrillConfig, RdsSourceConfig } from '../../src/drill/types.js';
import type { AwsCall, AwsDriver } from '../../src/drivers/aws/index.js';
import { awsDrillSources } from '../../src/drivers/aws/drill-sources.js';
import { rdsDrill } from '../../src/drivers/aws/rds-drill.js';
import { freePort } from '../../src/drivers/postgres/scratch.js';
import { pgDump } from '../../src/drivers/postgres/tools.js';
import { configureAwsUndo } from '../../src/faults/aws/index.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { systemClock } from '../../src/util/clock.js';
import { createContacts, startSourceServer, type SourceServer } from '../helpers/postgres.js';
import { createDrillNetwork, createPostgresInstance } from './resources.js';
import { startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';

let moto: Moto;
let db: SourceServer;
let sourceUrl: string;
let root: string;
const CONTACTS = 5_000;

beforeAll(async () => {
  moto = await startMotoForTests();
  db = await startSourceServer('gameday-aws-drill-', ['connectkit']);
  root = db.root;
  sourceUrl = db.url('connectkit');
  await createContacts(sourceUrl, CONTACTS);
}, 300_000);

afterAll(async () => {
  configureAwsUndo({});
  await db?.stop();
  await moto?.stop();
});

function drillConfig(overrides: Partial<DrillConfig>): DrillConfig {
  return {
    name: 'aws-drill',
    source: { kind: 'postgres', url: sourceUrl },
    target: { kind: 'scratch-server' },
    restore: { jobs: 2 },
    marker: { table: 'gameday.gameday_markers', column: 'written_at' },
    objectives: { validations: 'all' },
    timeoutMs: 120_000,
    cleanupTimeoutMs: 30_000,
    ...overrides,
  };
}

function newJournal(): { journal: Journal; path: string } {
  const path = join(mkdtempSync(join(root, 'run-')), 'journal.ndjson');
  return { journal: new Journal(path), path };
}

const names = (calls: AwsCall[]): string[] => calls.map((c) => c.command.replace(/Command$/, ''));

describe('S3 pg_dump drill on moto', () => {
  it('picks the newest connectkit-backup-<timestamp>.sql.gz over paginated listings and restores it', async () => {
    const calls: AwsCall[] = [];
    const driver = testDriver(testTarget(moto.endpoint), calls);
    try {
      const s3 = driver.clients.s3;
      const bucket = 'connectkit-backups';
      await s3.send(
        new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
      );
      // A real backup as ConnectKit's job writes it: pg_dump --format=custom, then gzip.
      const plain = join(root, 'plain.dump');
      await pgDump({ url: sourceUrl, file: plain });
      const gz = join(root, 'backup.sql.gz');
      await pipeline(createReadStream(plain), createGzip({ level: 9 }), createWriteStream(gz));
      const body = readFileSync(gz);
      const key = (at: string): string => `database/connectkit-backup-${at.replace(/[:.]/g, '-')}.sql.gz`;
      const newest = key('2024-05-03T02:00:00.000Z');
      // Uploaded first, so its LastModified is the oldest: only the name's timestamp makes it the newest.
      for (const k of [newest, key('2024-05-02T02:00:00.000Z'), key('2024-05-01T02:00:00.000Z')]) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: body }));
      }
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'database/README.txt', Body: 'not a backup' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/connectkit-backup-x.sql.gz', Body: 'x' }));

      calls.length = 0;
      const aws = awsDrillSources(driver, 'run-s3', { s3PageSize: 2 });
      const { journal, path } = newJournal();
      const work = mkdtempSync(join(root, 'work-'));
      chmodSync(work, 0o711);
      const result = await runDrill(
        drillConfig({
          source: {
            kind: 's3',
            bucket,
            prefix: 'database/',
            pattern: 'connectkit-backup-*.sql.gz',
            pick: { strategy: 'newest', timeFrom: 'name' },
          },
          compareWith: sourceUrl,
          workDir: work,
          validations: [
            { kind: 'rowCounts', tables: ['contacts'], tolerancePercent: 0 },
            { kind: 'checksum', tables: ['contacts'] },
            { kind: 'schema', tables: [{ name: 'contacts', columns: ['id', 'email', 'created_at'] }] },
          ],
        }),
        { journal, clock: systemClock, sources: aws.sources },
      );
      aws.close();
      journal.close();
      expect(result.status, JSON.stringify(result.error)).toBe('passed');
      expect(result.source.location).toBe(`s3://${bucket}/${newest}`);
      expect(result.source.format).toBe('custom+gzip');
      expect(result.source.bytes).toBe(body.length);
      expect(result.source.createdAt).toBe('2024-05-03T02:00:00.000Z');
      expect(result.validations.map((v) => [v.name, v.pass])).toEqual(result.validations.map((v) => [v.name, true]));
      expect(result.validations.length).toBeGreaterThanOrEqual(3);
      // 4 objects under the prefix at 2 a page: two ListObjectsV2 calls, then one GetObject.
      expect(names(calls)).toEqual(['ListObjectsV2', 'ListObjectsV2', 'GetObject']);
      expect(result.cleanup.complete).toBe(true);
      expect(pendingUndos(readJournal(path))).toEqual([]);
    } finally {
      driver.destroy();
    }
  }, 120_000);
});

describe('RDS snapshot drill call flow on moto', () => {
  let driver: AwsDriver;
  let securityGroup = '';
  const calls: AwsCall[] = [];

  const rdsConfig = (overrides: Partial<RdsSourceConfig> = {}): RdsSourceConfig => ({
    kind: 'rds',
    region: 'us-west-2',
    dbInstanceIdentifier: 'connectkit-primary',
    mode: { kind: 'snapshot', snapshotType: 'manual', pick: { strategy: 'newest', timeFrom: 'modified' } },
    scratch: {
      instanceIdPrefix: 'gameday-drill',
      instanceClass: 'db.t3.medium',
      subnetGroup: 'connectkit-private',
      securityGroupIds: [securityGroup],
    },
    credentials: { user: 'postgres', passwordEnv: 'GAMEDAY_TEST_DRILL_PASSWORD', database: 'connectkit' },
    waitTimeoutMs: 60_000,
    ...overrides,
  });

  /** Scratch instances moto holds (DescribeDBInstances, gameday-drill-*). */
  const scratchInstances = async (): Promise<string[]> => {
    const res = await driver.clients.rds.send(new DescribeDBInstancesCommand({}));
    return (res.DBInstances ?? [])
      .map((i) => i.DBInstanceIdentifier ?? '')
      .filter((id) => id.startsWith('gameday-drill-'));
  };

  /** The adapter with the emulator's waiter delays; `endpoint` replaces moto's made-up one when given. */
  const client = (endpoint?: { address: string; port: number }): RdsLike => {
    const real = rdsDrill(driver.clients.rds, { location: driver.location('rds'), minDelaySeconds: 1 });
    if (!endpoint) return real;
    return {
      ...real,
      waitAvailable: async (input) => {
        await real.waitAvailable(input); // the SDK waiter, against moto
        return endpoint;
      },
    };
  };

  beforeAll(async () => {
    driver = testDriver(testTarget(moto.endpoint), calls);
    process.env['GAMEDAY_TEST_DRILL_PASSWORD'] = 'unused';
    // The network the scenario names: a private subnet group and a security group (moto checks both exist).
    ({ securityGroup } = await createDrillNetwork(driver));
    await createPostgresInstance(driver, 'connectkit-primary');
    await driver.clients.rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: 'connectkit-primary',
        DBSnapshotIdentifier: 'connectkit-primary-2024-05-03',
      }),
    );
  });

  afterAll(() => {
    delete process.env['GAMEDAY_TEST_DRILL_PASSWORD'];
    driver?.destroy();
  });

  it('restores the snapshot into a journaled scratch instance, waits, validates, deletes it afterwards', async () => {
    // moto has no database behind the instance: its endpoint is replaced by the local source server
    // (which holds the data the snapshot stands for) so the validations have something to read.
    const u = new URL(sourceUrl);
    process.env['GAMEDAY_TEST_DRILL_PASSWORD'] = decodeURIComponent(u.password);
    const config = rdsConfig({
      credentials: {
        user: u.username || 'postgres',
        passwordEnv: 'GAMEDAY_TEST_DRILL_PASSWORD',
        database: 'connectkit',
      },
    });
    calls.length = 0;
    const { journal, path } = newJournal();
    const result = await runDrill(
      drillConfig({ source: config, validations: [{ kind: 'schema', tables: [{ name: 'contacts' }] }] }),
      {
        journal,
        clock: systemClock,
        sources: { rds: () => rdsSource(config, client({ address: u.hostname, port: Number(u.port) }), 'run-rds') },
      },
    );
    journal.close();
    expect(result.status, JSON.stringify(result.error)).toBe('passed');
    expect(result.source.name).toBe('connectkit-primary-2024-05-03');
    expect(result.restore?.target).toBe('snapshot');
    const flow = names(calls);
    expect(flow[0]).toBe('DescribeDBSnapshots');
    expect(flow[1]).toBe('RestoreDBInstanceFromDBSnapshot');
    expect(flow).toContain('DescribeDBInstances'); // the waiter
    expect(flow.at(-1)).toBe('DeleteDBInstance');
    expect(await scratchInstances()).toEqual([]);
    expect(result.cleanup.complete).toBe(true);
    // The journal's undo names the emulator endpoint: `gameday rollback` would reach the same place.
    const intent = readJournal(path).find((e) => e.type === 'intent');
    expect(intent).toMatchObject({
      undo: { driver: 'aws', op: 'delete-db-instance', args: { region: 'us-west-2', endpoint: moto.endpoint } },
    });
    expect(pendingUndos(readJournal(path))).toEqual([]);
  }, 120_000);

  it('deletes the scratch instance when the drill fails after the restore', async () => {
    // The copy cannot be reached (a closed loopback port stands in for moto's endpoint): validation fails.
    const port = await freePort();
    const config = rdsConfig();
    calls.length = 0;
    const { journal, path } = newJournal();
    const result = await runDrill(drillConfig({ source: config }), {
      journal,
      clock: systemClock,
      sources: { rds: () => rdsSource(config, client({ address: '127.0.0.1', port }), 'run-rds-fail') },
    });
    journal.close();
    expect(result.status).toBe('error');
    expect(result.error?.step).toBe('validate');
    expect(names(calls)).toContain('RestoreDBInstanceFromDBSnapshot');
    expect(names(calls).at(-1)).toBe('DeleteDBInstance');
    expect(await scratchInstances()).toEqual([]);
    expect(result.cleanup.complete).toBe(true);
    expect(pendingUndos(readJournal(path))).toEqual([]);
  }, 120_000);

  it('deletes the scratch instance when the restore call itself fails (no snapshot of that name)', async () => {
    const config = rdsConfig();
    const real = client();
    const failing: RdsLike = {
      ...real,
      // A snapshot that vanished between listing and restoring (retention ran): RDS answers DBSnapshotNotFound.
      restoreFromSnapshot: (input) => real.restoreFromSnapshot({ ...input, snapshotId: 'gone' }),
    };
    calls.length = 0;
    const { journal, path } = newJournal();
    const result = await runDrill(drillConfig({ source: config }), {
      journal,
      clock: systemClock,
      sources: { rds: () => rdsSource(config, failing, 'run-rds-gone') },
    });
    journal.close();
    expect(result.status).toBe('error');
    expect(result.error?.step).toBe('restore');
    // Cleanup still asks RDS to delete it; a missing instance counts as deleted.
    expect(names(calls).at(-1)).toBe('DeleteDBInstance');
    expect(result.cleanup.detail.join(' ')).toMatch(/already gone|deleted/);
    expect(pendingUndos(readJournal(path))).toEqual([]);
  }, 60_000);

  it('gameday rollback deletes the scratch instance a killed drill left, from the journal alone', async () => {
    const config = rdsConfig();
    const { journal, path } = newJournal();
    // The drill process "dies" after the restore: its deferred cleanup never runs.
    const src = rdsSource(config, client({ address: '127.0.0.1', port: 1 }), 'run-killed');
    const artifact = await src.select({ signal: AbortSignal.timeout(30_000), now: Date.now() });
    await src.restore(artifact, {
      signal: AbortSignal.timeout(30_000),
      now: Date.now(),
      journal,
      defer: () => undefined,
    });
    journal.close();
    expect(await scratchInstances()).toHaveLength(1);

    // A new process: undo clients are rebuilt from the journal's region + endpoint (loopback only).
    configureAwsUndo({ loopbackOnly: true });
    const pending = pendingUndos(readJournal(path));
    expect(pending).toHaveLength(1);
    const again = new Journal(path);
    const res = await rollback(again, pending, { timeoutMs: 30_000 });
    again.close();
    expect(res.complete, JSON.stringify(res.failed)).toBe(true);
    expect(await scratchInstances()).toEqual([]);
    expect(pendingUndos(readJournal(path))).toEqual([]);

    // Idempotent: replaying the undo once more finds nothing to delete and still succeeds.
    const twice = new Journal(path);
    const res2 = await rollback(twice, pending, { timeoutMs: 30_000 });
    twice.close();
    expect(res2.complete).toBe(true);
  }, 60_000);
});
