// ConnectKit's region failover (scenarios/connectkit/region-failover.yaml) on emulators: its AWS side
// created on moto through the SDK — hosted zone connectkit.com with app.connectkit.com pointing at the
// us-west-2 load balancer, RDS primary connectkit-primary in us-west-2 and its cross-region read replica
// connectkit-replica in us-east-1 — and a copy of the scenario for the CLI with loopback endpoints,
// test-sized durations and the values a person would export, as environment variables.

import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateDBInstanceReadReplicaCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { parseDocument } from 'yaml';
import { Route53Driver } from '../../src/drivers/aws/route53.js';
import { ROOT } from '../helpers/cli.js';
import type { AwsKeys } from '../../infra-fixtures/aws/lib/moto.mjs';
import { ACCOUNT, REGION, fakeAwsCliEnv, testDriver, testTarget } from './moto.js';
import { createPostgresInstance } from './resources.js';

export const DR_REGION = 'us-east-1';
export const RECORD = 'app.connectkit.com';
export const PRIMARY_LB = 'load-balancer.us-west-2.elb.amazonaws.com';
export const DR_LB = 'dr-load-balancer.us-east-1.elb.amazonaws.com';
export const PRIMARY_ARN = `arn:aws:rds:${REGION}:${ACCOUNT}:db:connectkit-primary`;

/** ConnectKit's API as far as the `api` probe needs it: healthy on 127.0.0.1. Returns its URL and a stop. */
export async function startHealthyApi(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Create the zone, the record and both databases on moto at `endpoint` (as `credentials`); returns the zone id. */
export async function createFailoverResources(endpoint: string, credentials?: AwsKeys): Promise<string> {
  const west = testDriver(testTarget(endpoint), undefined, credentials);
  const east = testDriver(testTarget(endpoint, { region: DR_REGION, regions: [DR_REGION] }), undefined, credentials);
  try {
    await createPostgresInstance(west, 'connectkit-primary', { BackupRetentionPeriod: 7 });
    // Cross-region: the replica is created in the DR region from the primary's ARN, as RDS requires.
    await east.clients.rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'connectkit-replica',
        SourceDBInstanceIdentifier: PRIMARY_ARN,
        DBInstanceClass: 'db.t3.medium',
      }),
    );
    const z = await west.clients.route53.send(
      new CreateHostedZoneCommand({ Name: 'connectkit.com', CallerReference: `gameday-failover-${Date.now()}` }),
    );
    const zone = (z.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    await west.clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { Name: RECORD, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: PRIMARY_LB }] },
            },
          ],
        },
      }),
    );
    return zone;
  } finally {
    west.destroy();
    east.destroy();
  }
}

/** Where app.connectkit.com points now (moto, read directly). */
export async function recordNow(endpoint: string, zone: string): Promise<string[] | undefined> {
  const d = testDriver(testTarget(endpoint));
  try {
    return (await new Route53Driver(d.clients.route53).findRecord(zone, { name: RECORD, type: 'CNAME' }))?.values;
  } finally {
    d.destroy();
  }
}

/** connectkit-replica's status and source, as DescribeDBInstances at `endpoint` answers. */
export async function replicaNow(endpoint: string): Promise<{ status?: string; source?: string }> {
  const d = testDriver(testTarget(endpoint, { region: DR_REGION, regions: [DR_REGION] }));
  try {
    const r = await d.clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'connectkit-replica' }));
    const db = r.DBInstances?.[0];
    return {
      ...(db?.DBInstanceStatus ? { status: db.DBInstanceStatus } : {}),
      ...(db?.ReadReplicaSourceDBInstanceIdentifier ? { source: db.ReadReplicaSourceDBInstanceIdentifier } : {}),
    };
  } finally {
    d.destroy();
  }
}

export interface FailoverCopy {
  /** Time the promotion step may take (the scenario's 10m). */
  promoteTimeout: string;
  /** Name of the Deployment the scale step scales (the scenario's connectkit-app). */
  drDeployment?: string;
  /** Send RDS calls to this endpoint instead of AWS_ENDPOINT_URL. */
  rdsEndpoint?: boolean;
  /** Leave out k8s-scale-up: without a Kubernetes cluster its preflight stops the run (no DR context). */
  withoutScaleUp?: boolean;
}

/**
 * Write the ConnectKit scenario to `dir` with its endpoints on loopback: the api probe on ${API_URL},
 * every AWS service on ${AWS_ENDPOINT_URL} (RDS on ${RDS_ENDPOINT} when asked), durations for a test
 * (probe 100 ms, markers 200 ms, RTO stable for 1 s). Returns the file.
 */
export function writeFailoverCopy(dir: string, opts: FailoverCopy): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'scenarios/connectkit/region-failover.yaml'), 'utf8'));
  doc.setIn(['targets', 'aws', 'endpoint'], '${AWS_ENDPOINT_URL}');
  if (opts.rdsEndpoint) doc.setIn(['targets', 'aws', 'endpoints'], doc.createNode({ rds: '${RDS_ENDPOINT}' }));
  doc.setIn(['probes', 'api', 'http', 'url'], '${API_URL}/health');
  doc.setIn(['probes', 'api', 'interval'], '100ms');
  doc.setIn(['markers', 'postgres', 'interval'], '200ms');
  doc.setIn(['objectives', 'rto', 'stableFor'], '1s');
  const runbook = ['steps', 0, 'runbook'];
  const names = (doc.getIn(runbook) as { items: Array<{ get(k: string): unknown }> }).items.map((s) => s.get('name'));
  const at = (name: string): number => names.indexOf(name);
  doc.setIn([...runbook, at('database-promote'), 'timeout'], opts.promoteTimeout);
  doc.setIn([...runbook, at('k8s-scale-up'), 'timeout'], '90s');
  if (opts.drDeployment) doc.setIn([...runbook, at('k8s-scale-up'), 'args', 'deployment'], opts.drDeployment);
  if (opts.withoutScaleUp) doc.deleteIn([...runbook, at('k8s-scale-up')]);
  const file = join(dir, 'region-failover.yaml');
  writeFileSync(file, doc.toString());
  return file;
}

/**
 * The CLI's environment: fake credentials, no IMDS, moto for every service, and the values the
 * scenario asks for. DR_DATABASE_URL is the same PostgreSQL under another URL: it stands in for the
 * promoted replica, which holds every row replicated before the promotion.
 */
export function failoverEnv(v: {
  moto: string;
  zone: string;
  apiUrl: string;
  databaseUrl: string;
  rdsEndpoint?: string;
  kubeconfig?: string;
}): Record<string, string> {
  const dr = new URL(v.databaseUrl);
  dr.searchParams.set('application_name', 'connectkit-dr');
  return {
    ...fakeAwsCliEnv(v.moto),
    ROUTE53_ZONE_ID: v.zone,
    API_URL: v.apiUrl,
    DATABASE_URL: v.databaseUrl,
    DR_DATABASE_URL: dr.toString(),
    DR_KUBE_CONTEXT: 'gameday',
    ...(v.rdsEndpoint ? { RDS_ENDPOINT: v.rdsEndpoint } : {}),
    ...(v.kubeconfig ? { KUBECONFIG: v.kubeconfig } : {}),
  };
}
