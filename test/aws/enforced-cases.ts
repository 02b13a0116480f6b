// The AWS scenarios that run under IAM enforcement (test/aws/iam-enforced.test.ts, `node bench/run.js iam`):
// every ConnectKit scenario with an AWS target and the AWS test fixture, each as a copy for a test run —
// endpoints on loopback, test-sized durations, and for spot-interruption-fis.yaml no Kubernetes side (its
// Kubernetes part is the k8s tier's) — with the AWS resources it names, created on moto by the admin.
// Every copy prints the same `gameday iam` policy as the shipped file (the test checks it), so running a
// copy as the principal is running the shipped scenario's policy.

import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseDocument, type Document } from 'yaml';
import { expect } from 'vitest';
import { pgDump } from '../../src/drivers/postgres/tools.js';
import type { Report } from '../../src/report/types.js';
import type { CliResult } from '../helpers/cli.js';
import { ROOT } from '../helpers/cli.js';
import { query, startSourceServer, type SourceServer } from '../helpers/postgres.js';
import { createFailoverResources, failoverEnv, writeFailoverCopy } from './connectkit-failover.js';
import { startFisServer, type FisServer } from './fis-server.js';
import { ACCOUNT, REGION, testDriver, testTarget, type Moto } from './moto.js';
import { startRdsPromotionServer, type RdsPromotionServer } from './rds-promotion-server.js';
import { createDrillNetwork, createPostgresInstance, putErrorRateAlarm } from './resources.js';

/** What every case shares: moto (IAM enforced), a healthy API, PostgreSQL with ConnectKit's tables. */
export interface World {
  moto: Moto;
  apiUrl: string;
  db: SourceServer;
  dir: string;
  close(): Promise<void>;
}

export interface EnforcedCase {
  /** The shipped file whose policy is run (a scenario or a test fixture). */
  shipped: string;
  command: 'run' | 'drill';
  /** Representative actions removed in the test tier (the bench removes every one moto can refuse). */
  representative: string[];
  /** Start the case's own servers; called once. */
  start(world: World): Promise<void>;
  /** Create the AWS resources the scenario names (on a moto just reset); returns values for the env. */
  resources(world: World): Promise<Record<string, string>>;
  /** The test copy (written once). */
  copy(world: World): string;
  /** The CLI environment besides the principal's keys. */
  env(world: World, values: Record<string, string>): Record<string, string>;
  /** What a run holding the whole policy ends with: exit code and verdict (checked by the test). */
  passing: { code: number; verdict: Report['verdict'] };
  /** Extra checks of the passing run. */
  check?(r: CliResult, report: Report): void;
  stop(): Promise<void>;
}

const CONTACTS = 200;

/** users and contacts as ConnectKit has them (the drills' schema and query validations name these columns). */
export async function createConnectKitTables(url: string): Promise<void> {
  await query(
    url,
    `CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL, created_at timestamptz DEFAULT now());
     CREATE TABLE contacts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), first_name text,
       last_name text, email text, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now());
     INSERT INTO users (email, password_hash) SELECT 'user' || g || '@example.com', 'x' FROM generate_series(1, 20) g;
     INSERT INTO contacts (user_id, first_name, last_name, email)
       SELECT 1 + g % 20, 'first ' || g, 'last ' || g, 'c' || g || '@example.com' FROM generate_series(1, ${CONTACTS}) g;`,
  );
}

/** The world: moto with IAM, a healthy API on loopback, a PostgreSQL server with database connectkit. */
export async function startWorld(moto: Moto, dir: string): Promise<World> {
  const api: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const db = await startSourceServer('gameday-aws-enforced-db-', ['connectkit']);
  await createConnectKitTables(db.url('connectkit'));
  // The RDS drill connects to its "restored" instance as connectkit, the instance's master user (trust auth:
  // no password is checked).
  await query(db.server.url, 'CREATE ROLE connectkit LOGIN SUPERUSER');
  return {
    moto,
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    db,
    dir,
    close: async () => {
      await new Promise<void>((resolve) => api.close(() => resolve()));
      await db.stop();
    },
  };
}

function edit(shipped: string, dir: string, name: string, change: (doc: Document) => void): string {
  const doc = parseDocument(readFileSync(join(ROOT, shipped), 'utf8'));
  doc.setIn(['targets', 'aws', 'endpoint'], '${AWS_ENDPOINT_URL}');
  change(doc);
  const file = join(dir, name);
  writeFileSync(file, doc.toString());
  return file;
}

const baseEnv = (w: World): Record<string, string> => ({
  AWS_ENDPOINT_URL: w.moto.endpoint,
  AWS_ACCOUNT_ID: ACCOUNT,
  API_URL: w.apiUrl,
  DATABASE_URL: w.db.url('connectkit'),
});

async function alarmAndDatabase(w: World, zone = 'us-west-2a'): Promise<void> {
  const cw = new CloudWatchClient({ region: REGION, endpoint: w.moto.endpoint, credentials: w.moto.admin });
  try {
    await putErrorRateAlarm(cw, 'OK');
  } finally {
    cw.destroy();
  }
  const d = testDriver(testTarget(w.moto.endpoint), undefined, w.moto.admin);
  try {
    await createPostgresInstance(d, 'connectkit-db', { MultiAZ: true, AvailabilityZone: zone });
  } finally {
    d.destroy();
  }
}

function fisCase(
  shipped: string,
  name: string,
  representative: string[],
  change: (doc: Document) => void,
): EnforcedCase & { fis?: FisServer } {
  const c: EnforcedCase & { fis?: FisServer } = {
    shipped,
    command: 'run',
    representative,
    passing: { code: 0, verdict: 'pass' },
    async start(w) {
      // Experiments run for 1.5 s, so that the run has a `during` window to measure.
      c.fis = await startFisServer(w.moto.endpoint, 'complete', { runMs: 1500, iam: { admin: () => w.moto.admin } });
    },
    async resources(w) {
      await alarmAndDatabase(w);
      return {};
    },
    copy: (w) =>
      edit(shipped, w.dir, name, (doc) => {
        doc.setIn(['targets', 'aws', 'endpoints'], doc.createNode({ fis: '${FIS_ENDPOINT}' }));
        doc.setIn(['steps', 0, 'fis', 'pollInterval'], '100ms');
        change(doc);
      }),
    env: (w) => ({ ...baseEnv(w), FIS_ENDPOINT: c.fis?.endpoint ?? '' }),
    check(r) {
      expect(c.fis?.calls).toContain('POST /experiments');
      expect(r.stdout).not.toMatch(/AccessDenied/);
    },
    async stop() {
      await c.fis?.close();
    },
  };
  return c;
}

/**
 * Durations for a test run: probes every half second, short stable windows. No load and no latency
 * objectives: against a stand-in API on a shared test machine they measure the machine, and they make
 * no AWS call (the policy is the same without them, as every case checks).
 */
function shorten(doc: Document): void {
  doc.deleteIn(['load']);
  doc.deleteIn(['objectives', 'load']);
  doc.deleteIn(['objectives', 'latency']);
  for (const p of ['db', 'error-alarm']) if (doc.hasIn(['probes', p])) doc.setIn(['probes', p, 'interval'], '500ms');
  if (doc.hasIn(['objectives', 'rto', 'stableFor'])) doc.setIn(['objectives', 'rto', 'stableFor'], '1s');
}

/** Every case, in the order of the report's table. */
export function enforcedCases(): EnforcedCase[] {
  const dbFailover: EnforcedCase = {
    shipped: 'scenarios/connectkit/db-failover.yaml',
    command: 'run',
    representative: ['rds:RebootDBInstance'],
    passing: { code: 0, verdict: 'pass' },
    start: async () => undefined,
    async resources(w) {
      await alarmAndDatabase(w);
      return {};
    },
    copy: (w) =>
      edit(dbFailover.shipped, w.dir, 'db-failover.yaml', (doc) => {
        shorten(doc);
        doc.setIn(['steps', 0, 'eventTimeout'], '2s');
        doc.setIn(['steps', 0, 'pollInterval'], '500ms');
      }),
    env: (w) => baseEnv(w),
    stop: async () => undefined,
  };

  const spotFixture = fisCase(
    'test/aws/fixtures/spot-fis.yaml',
    'spot-fis.yaml',
    ['fis:StartExperiment'],
    () => undefined,
  );
  const spotConnectKit = fisCase(
    'scenarios/connectkit/spot-interruption-fis.yaml',
    'spot-interruption-fis.yaml',
    ['fis:GetExperiment'],
    (doc) => {
      // The Kubernetes side makes no AWS call; without a cluster here, the copy leaves it out.
      doc.deleteIn(['targets', 'kubernetes']);
      doc.deleteIn(['steps', 0, 'kubernetes']);
      doc.deleteIn(['guards', 'allowedNamespaces']);
      doc.deleteIn(['probes', 'fleet']);
      doc.setIn(['steps', 1, 'wait', 'for'], 'api');
      doc.setIn(['objectives', 'rto', 'probe'], 'api');
      shorten(doc);
    },
  );
  const azLoss = fisCase(
    'scenarios/connectkit/az-loss-fis.yaml',
    'az-loss-fis.yaml',
    ['fis:DeleteExperimentTemplate'],
    shorten,
  );

  let dumpKey = '';
  const s3Drill: EnforcedCase = {
    shipped: 'scenarios/connectkit/backup-restore.yaml',
    command: 'drill',
    representative: ['s3:GetObject'],
    passing: { code: 0, verdict: 'pass' },
    async start(w) {
      const plain = join(w.dir, 'connectkit.dump');
      await pgDump({ url: w.db.url('connectkit'), file: plain });
      await pipeline(createReadStream(plain), createGzip(), createWriteStream(join(w.dir, 'backup.sql.gz')));
      dumpKey = `database/connectkit-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.sql.gz`;
    },
    async resources(w) {
      const d = testDriver(testTarget(w.moto.endpoint), undefined, w.moto.admin);
      try {
        const Bucket = 'connectkit-backups';
        await d.clients.s3.send(
          new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }),
        );
        const Body = readFileSync(join(w.dir, 'backup.sql.gz'));
        await d.clients.s3.send(new PutObjectCommand({ Bucket, Key: dumpKey, Body }));
      } finally {
        d.destroy();
      }
      return {};
    },
    copy: (w) => edit(s3Drill.shipped, w.dir, 'backup-restore.yaml', () => undefined),
    env: (w) => ({
      ...baseEnv(w),
      DRILL_SERVER_URL: w.db.server.url,
      DATABASE_READER_URL: w.db.url('connectkit'),
    }),
    stop: async () => undefined,
  };

  let rdsServer: RdsPromotionServer | undefined;
  const rdsDrill: EnforcedCase = {
    shipped: 'scenarios/connectkit/backup-restore-rds.yaml',
    command: 'drill',
    representative: ['rds:RestoreDBInstanceFromDBSnapshot'],
    passing: { code: 0, verdict: 'pass' },
    async start(w) {
      const port = Number(new URL(w.db.server.url).port);
      rdsServer = await startRdsPromotionServer(w.moto.endpoint, {
        endpoint: { prefix: 'gameday-drill-', address: '127.0.0.1', port },
      });
    },
    async resources(w) {
      const d = testDriver(testTarget(w.moto.endpoint), undefined, w.moto.admin);
      try {
        const { securityGroup } = await createDrillNetwork(d);
        // moto takes an automated snapshot (rds:connectkit-primary-<time>) when the instance is created.
        await createPostgresInstance(d, 'connectkit-primary', { BackupRetentionPeriod: 30 });
        return { DRILL_DB_SECURITY_GROUP: securityGroup };
      } finally {
        d.destroy();
      }
    },
    copy: (w) =>
      edit(rdsDrill.shipped, w.dir, 'backup-restore-rds.yaml', (doc) => {
        doc.setIn(['targets', 'aws', 'endpoints'], doc.createNode({ rds: '${RDS_ENDPOINT}' }));
      }),
    env: (w, values) => ({
      ...baseEnv(w),
      ...values,
      RDS_ENDPOINT: rdsServer?.endpoint ?? '',
      DRILL_DB_SUBNET_GROUP: 'connectkit-private',
      DRILL_DB_PASSWORD: 'not-a-secret-1',
      DATABASE_READER_URL: w.db.url('connectkit'),
    }),
    stop: async () => rdsServer?.close(),
  };

  let promotion: RdsPromotionServer | undefined;
  const failover: EnforcedCase = {
    shipped: 'scenarios/connectkit/region-failover.yaml',
    command: 'run',
    representative: ['rds:PromoteReadReplica'],
    // The promotion cannot be undone: a run that failed over ends "rollback incomplete" on purpose.
    passing: { code: 4, verdict: 'pass' },
    async start(w) {
      promotion = await startRdsPromotionServer(w.moto.endpoint);
    },
    async resources(w) {
      // A new replica: it has not been promoted (through this server) yet.
      promotion?.promoted.clear();
      return { ROUTE53_ZONE_ID: await createFailoverResources(w.moto.endpoint, w.moto.admin) };
    },
    // The scale-up acts on the DR cluster, not on AWS (test/k8s/region-failover.test.ts runs it).
    copy: (w) => writeFailoverCopy(w.dir, { promoteTimeout: '20s', rdsEndpoint: true, withoutScaleUp: true }),
    env: (w, values) => {
      const {
        AWS_ACCESS_KEY_ID: _k,
        AWS_SECRET_ACCESS_KEY: _s,
        ...env
      } = failoverEnv({
        moto: w.moto.endpoint,
        zone: values['ROUTE53_ZONE_ID'] ?? '',
        apiUrl: w.apiUrl,
        databaseUrl: w.db.url('connectkit'),
        ...(promotion ? { rdsEndpoint: promotion.endpoint } : {}),
      });
      return env;
    },
    check(_r, report) {
      expect(report.rollback.failed.map((f) => f.code)).toEqual(['RDS_PROMOTION_IRREVERSIBLE']);
    },
    stop: async () => promotion?.close(),
  };

  return [dbFailover, spotFixture, spotConnectKit, azLoss, s3Drill, rdsDrill, failover];
}
