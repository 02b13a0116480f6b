// The crash matrix on AWS emulators: moto on loopback (STS, EC2, RDS, Route 53, CloudWatch, FIS
// templates), the loopback FIS server of test/aws/fis-server.ts for experiments (moto does not run
// them; its experiments run until stopped, as a 2-minute spot notice would), a scratch PostgreSQL for
// RPO markers and a healthy HTTP API for the probes. Snapshots: FIS templates and running experiments,
// Route 53 records, RDS instance roles, the marker schema, and what runs or lies under the runs' temp dir.

import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { parseDocument } from 'yaml';
import { startScratchPostgres, type ScratchPostgres } from '../../src/drivers/postgres/scratch.js';
import { startFisServer, type FisServer } from '../aws/fis-server.js';
import { createFailoverResources, DR_REGION, failoverEnv, writeFailoverCopy } from '../aws/connectkit-failover.js';
import { CREDENTIALS, REGION, startMotoForTests, testDriver, testTarget, type Moto } from '../aws/moto.js';
import { createPostgresInstance, putErrorRateAlarm } from '../aws/resources.js';
import { ROOT, eventually } from '../helpers/cli.js';
import { query } from '../helpers/postgres.js';
import type { CrashCase, CrashTarget } from './harness.js';
import { leftovers } from './sandbox-target.js';

const TERMINAL = ['completed', 'stopped', 'failed', 'cancelled'];

export interface AwsWorld extends CrashTarget {
  cases: CrashCase[];
  stop(): Promise<void>;
}

/** A copy of a scenario with `edit` applied, written to `dir`. */
function copyScenario(
  dir: string,
  file: string,
  name: string,
  edit: (doc: ReturnType<typeof parseDocument>) => void,
): string {
  const doc = parseDocument(readFileSync(join(ROOT, file), 'utf8'));
  edit(doc);
  const out = join(dir, name);
  writeFileSync(out, doc.toString());
  return out;
}

/** Start the emulators and create ConnectKit's resources; the cases' scenario copies live in `root`. */
export async function startAwsWorld(root: string): Promise<AwsWorld> {
  const moto: Moto = await startMotoForTests();
  // Killed runs leave experiments running until a rollback stops them; a reference run's complete.
  const fis: FisServer = await startFisServer(moto.endpoint, 'run-until-stopped');
  const completing: FisServer = await startFisServer(moto.endpoint, 'complete');
  const pg: ScratchPostgres = await startScratchPostgres();
  const api = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const west = testDriver(testTarget(moto.endpoint));
  const east = testDriver(testTarget(moto.endpoint, { region: DR_REGION, regions: [DR_REGION] }));
  await createPostgresInstance(west, 'connectkit-db', { MultiAZ: true, AvailabilityZone: 'us-west-2a' });
  const cw = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
  await putErrorRateAlarm(cw, 'OK');
  cw.destroy();
  const zone = await createFailoverResources(moto.endpoint);

  // Test-sized copies of the shipped scenarios, every service on loopback, FIS experiments on the FIS server.
  const viaFis = (doc: ReturnType<typeof parseDocument>): void => {
    doc.setIn(['targets', 'aws', 'endpoints'], doc.createNode({ fis: '${FIS_ENDPOINT}' }));
  };
  const az = copyScenario(root, 'scenarios/connectkit/az-loss-fis.yaml', 'az-loss-fis.yaml', (doc) => {
    viaFis(doc);
    doc.setIn(['probes', 'db', 'interval'], '1s');
    doc.setIn(['probes', 'error-alarm', 'interval'], '1s');
    doc.setIn(['load', 'builtin', 'rate'], '20/s');
    doc.setIn(['load', 'builtin', 'duration'], '5s');
    doc.setIn(['steps', 0, 'fis', 'stopConditions'], doc.createNode([]));
    doc.deleteIn(['steps', 0, 'fis', 'logs']);
  });
  const rds = copyScenario(root, 'scenarios/connectkit/db-failover.yaml', 'db-failover.yaml', (doc) => {
    doc.setIn(['load', 'builtin', 'rate'], '20/s');
    doc.setIn(['load', 'builtin', 'duration'], '5s');
    doc.setIn(['steps', 0, 'eventTimeout'], '3s');
    doc.setIn(['steps', 0, 'pollInterval'], '500ms');
    doc.setIn(['probes', 'db', 'interval'], '1s');
  });
  const region = writeFailoverCopy(root, { promoteTimeout: '3s', withoutScaleUp: true });
  const cases: CrashCase[] = [
    // FIS template, then the experiment
    { fault: 'FIS spot interruption', scenario: 'test/aws/fixtures/spot-fis.yaml', killPoints: [1, 2] },
    // markers table, FIS template, experiment
    { fault: 'FIS AZ outage', scenario: az, killPoints: [1, 3] },
    // markers table, RebootDBInstance (ForceFailover)
    { fault: 'RDS failover', scenario: rds, killPoints: [1, 2] },
    // markers table, DNS change, PromoteReadReplica (irreversible by design; on moto its verify never
    // passes, so the runbook stops there)
    {
      fault: 'region failover',
      scenario: region,
      killPoints: [1, 3],
      expect: (k) =>
        k >= 3
          ? {
              kind: 'irreversible',
              code: 'RDS_PROMOTION_IRREVERSIBLE',
              // The promoted replica stays promoted; the run's lock stays while its journal has a pending undo.
              ignore: ['rds.us-east-1.connectkit-replica', 'leftovers.locks'],
            }
          : { kind: 'converges' },
    },
  ];
  const env = {
    ...failoverEnv({ moto: moto.endpoint, zone, apiUrl, databaseUrl: pg.url }),
    FIS_ENDPOINT: fis.endpoint,
    TMPDIR: root,
  };

  const instances = async (): Promise<Record<string, unknown>> => {
    const out: Record<string, unknown> = {};
    for (const [name, d] of [
      [REGION, west],
      [DR_REGION, east],
    ] as const) {
      const r = await d.clients.rds.send(new DescribeDBInstancesCommand({}));
      for (const db of r.DBInstances ?? []) {
        out[`${name}.${db.DBInstanceIdentifier}`] = {
          status: db.DBInstanceStatus,
          replicaOf: db.ReadReplicaSourceDBInstanceIdentifier ?? null,
          replicas: db.ReadReplicaDBInstanceIdentifiers ?? [],
        };
      }
    }
    return out;
  };
  return {
    name: 'aws (moto)',
    cases,
    env: () => env,
    referenceEnv: () => ({ FIS_ENDPOINT: completing.endpoint }),
    async settle() {
      await eventually(
        async () => {
          const all = Object.values(await instances()) as Array<{ status?: string }>;
          const running = [...fis.experiments, ...completing.experiments].filter(
            (e) => !TERMINAL.includes(e.status),
          ).length;
          return running === 0 && all.every((i) => i.status === 'available') ? true : undefined;
        },
        30_000,
        'no FIS experiment running and every RDS instance available',
      );
    },
    async snapshot() {
      const records = await west.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }));
      const markers = await query<{ t: string }>(
        pg.url,
        `SELECT 'schema ' || nspname AS t FROM pg_namespace WHERE nspname = 'gameday'
         UNION ALL SELECT 'table ' || schemaname || '.' || tablename FROM pg_tables WHERE schemaname = 'gameday'
         ORDER BY 1`,
      );
      return {
        fisTemplates: (await west.fis.findTemplates({ 'gameday:managed-by': 'gameday' })).length,
        fisExperimentsRunning: fis.experiments.filter((e) => !TERMINAL.includes(e.status)).map((e) => e.id),
        route53: (records.ResourceRecordSets ?? [])
          .map((r) => `${r.Name} ${r.Type} ${(r.ResourceRecords ?? []).map((v) => v.Value).join(',')}`)
          .sort(),
        rds: await instances(),
        markers: markers.map((r) => r.t),
        leftovers: leftovers(root, []),
      };
    },
    async stop() {
      west.destroy();
      east.destroy();
      await new Promise<void>((resolve) => api.close(() => resolve()));
      await fis.close();
      await completing.close();
      await pg.stop();
      await moto.stop();
    },
  };
}
