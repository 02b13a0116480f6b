// ConnectKit's region failover (scenarios/connectkit/region-failover.yaml) end to end through the real
// CLI: switch DNS to the DR region, promote the cross-region read replica, point the RPO markers at it,
// scale up the DR fleet — then the run's rollback.
//
// What runs where:
// - moto (127.0.0.1): STS (identity guard), Route 53 (hosted zone, the app.connectkit.com record, its
//   change and rollback), RDS (connectkit-primary in us-west-2, its read replica connectkit-replica in
//   us-east-1, DescribeDBInstances, PromoteReadReplica), all created here through the SDK.
// - test/aws/rds-promotion-server.ts (127.0.0.1, targets.aws.endpoints.rds): forwards every RDS call to
//   moto and adds what moto 5.2.5 leaves out of a promotion — "modifying", then a standalone
//   "available" instance without ReadReplicaSourceDBInstanceIdentifier (moto keeps the source:
//   moto/rds/models.py, RDSBackend.promote_read_replica). test/aws/region-failover.test.ts runs the
//   same scenario on plain moto, where the promotion never verifies.
// - the tier's real control plane (infra-fixtures/kubernetes) as the DR cluster: the restricted `gameday`
//   user scales `connectkit-dr`, a stand-in for the DR region's ConnectKit Deployment, from 1 to 5.
// - PostgreSQL (a scratch server) for the RPO markers; DR_DATABASE_URL reaches the same server.
// - the api probe: a healthy HTTP server on loopback.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScratchPostgres, type ScratchPostgres } from '../../src/drivers/postgres/scratch.js';
import type { Report } from '../../src/report/types.js';
import { readJournal } from '../../src/runner/journal.js';
import { eventually, runCli, startCli } from '../helpers/cli.js';
import {
  DR_LB,
  PRIMARY_ARN,
  PRIMARY_LB,
  createFailoverResources,
  failoverEnv,
  recordNow,
  replicaNow,
  startHealthyApi,
  writeFailoverCopy,
} from '../aws/connectkit-failover.js';
import { startMotoForTests, type Moto } from '../aws/moto.js';
import { startRdsPromotionServer, type RdsPromotionServer } from '../aws/rds-promotion-server.js';
import { NAMESPACE, clusterState, grantGeneratedRbac, nodes, settled, startFixture, type Fixture } from './cluster.js';

const DR_DEPLOYMENT = 'connectkit-dr';

let fixture: Fixture;
let nodeCount: number;
let moto: Moto;
let rds: RdsPromotionServer;
let api: Awaited<ReturnType<typeof startHealthyApi>>;
let pg: ScratchPostgres;
let zone: string;
const tmp = mkdtempSync(join(tmpdir(), 'gameday-k8s-failover-'));

/** The DR region's ConnectKit fleet, kept warm at one replica until a failover scales it up. */
const drDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: DR_DEPLOYMENT, namespace: NAMESPACE, labels: { app: DR_DEPLOYMENT } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: DR_DEPLOYMENT } },
    template: {
      metadata: { labels: { app: DR_DEPLOYMENT } },
      spec: {
        tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Equal', value: 'fake', effect: 'NoSchedule' }],
        containers: [{ name: 'api', image: 'registry.example.com/connectkit/api:2.14.0' }],
      },
    },
  },
};

async function drReplicas(): Promise<{ desired: number; ready: number }> {
  const d = (await fixture.admin.get(
    `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DR_DEPLOYMENT}`,
  )) as unknown as {
    spec: { replicas: number };
    status: { readyReplicas?: number };
  };
  return { desired: d.spec.replicas, ready: d.status.readyReplicas ?? 0 };
}

beforeAll(async () => {
  fixture = await startFixture();
  nodeCount = (await nodes(fixture.admin)).length;
  moto = await startMotoForTests();
  rds = await startRdsPromotionServer(moto.endpoint);
  api = await startHealthyApi();
  pg = await startScratchPostgres();
  zone = await createFailoverResources(moto.endpoint);
  await fixture.admin.apply(drDeployment);
  await eventually(
    async () => {
      const d = await drReplicas();
      return d.ready === 1 ? true : undefined;
    },
    60_000,
    'the DR deployment at 1/1 ready',
  );
}, 15 * 60_000);

afterAll(async () => {
  await api?.close();
  await rds?.close();
  await pg?.stop();
  await moto?.stop();
  await fixture?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe('ConnectKit region failover, end to end', () => {
  it('switches DNS to DR, promotes the replica, scales up DR; rollback restores DNS and the fleet and says what to do about the promotion', async () => {
    await settled(fixture.admin, nodeCount);
    const file = writeFailoverCopy(tmp, { promoteTimeout: '60s', drDeployment: DR_DEPLOYMENT, rdsEndpoint: true });
    const reportDir = join(tmp, 'reports');
    const env = failoverEnv({
      moto: moto.endpoint,
      zone,
      apiUrl: api.url,
      databaseUrl: pg.url,
      rdsEndpoint: rds.endpoint,
      kubeconfig: fixture.kubeconfig,
    });
    // The copy scales its own DR Deployment, which the fixture's user (the shipped scenarios' RBAC) may not:
    // it gets what `gameday rbac` prints for the copy, and nothing else.
    const revoke = await grantGeneratedRbac(fixture.admin, file, env);
    try {
      await runFailover(file, reportDir, env);
    } finally {
      await revoke();
    }
  }, 300_000);
});

async function runFailover(file: string, reportDir: string, env: Record<string, string>): Promise<void> {
  const { done } = startCli(['run', file, '--report-dir', reportDir], env);
  let exited = false;
  void done.then(() => (exited = true));

  // While the run observes recovery, before its rollback: DNS on DR, the replica standalone, DR at 5/5.
  const during = await eventually(
    async () => {
      if (exited) throw new Error('the run ended before DNS was on DR and the DR fleet at 5/5');
      const [record, fleet] = await Promise.all([recordNow(moto.endpoint, zone), drReplicas()]);
      return record?.[0] === DR_LB && fleet.desired === 5 && fleet.ready === 5 ? { record, fleet } : undefined;
    },
    120_000,
    'DNS on the DR load balancer and the DR fleet at 5/5',
  );
  expect(during.record).toEqual([DR_LB]);
  expect(await replicaNow(rds.endpoint)).toEqual({ status: 'available' });

  const r = await done;
  expect(r.stderr).not.toMatch(/internal error/);
  // The failover worked and every objective held; the promotion's undo fails on purpose: exit 4.
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(4);
  const runs = readdirSync(join(reportDir, 'connectkit-region-failover'));
  expect(runs).toHaveLength(1);
  const runDir = join(reportDir, 'connectkit-region-failover', runs[0] as string);
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
  expect(report.verdict).toBe('pass');
  expect(report.objectives.every((o) => o.pass)).toBe(true);

  // Each step executed and verified, with its timing; rolled back at the end of the run, not by the runbook.
  const steps = report.measurements.runbook ?? [];
  expect(steps.map((s) => [s.step, s.action, s.status])).toEqual([
    ['dns-failover', 'route53-change', 'ok'],
    ['database-promote', 'rds-promote-read-replica', 'ok'],
    ['markers-to-dr', 'markers-switch-endpoint', 'ok'],
    ['k8s-scale-up', 'kubernetes-scale', 'ok'],
  ]);
  for (const s of steps) {
    expect(s.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(s.rolledBack).toBeUndefined();
  }
  // The promotion was seen "modifying" for 1 s; kwok makes new pods Ready 2.5-6.5 s after scheduling.
  expect(steps[1]?.durationMs).toBeGreaterThanOrEqual(1000);
  expect(steps[3]?.durationMs).toBeGreaterThan(2000);
  const started = steps.map((s) => Date.parse(s.startedAt ?? ''));
  expect([...started].sort((a, b) => a - b)).toEqual(started);
  expect(report.measurements.rto?.status).toBe('no-impact');
  expect(report.measurements.rpo).toMatchObject({ lostWrites: 0 });

  // What each step did, as journaled when its call returned.
  const journal = readJournal(join(runDir, 'journal.ndjson'));
  const applied = journal.flatMap((e) => (e.type === 'applied' && e.detail ? [e.detail] : []));
  expect(applied[0]).toMatch(
    /^app\.connectkit\.com\. CNAME: load-balancer\.us-west-2\S+ → dr-load-balancer\.us-east-1\S+ \(change \/change\/\w+\)$/,
  );
  expect(applied.slice(1)).toEqual([
    `PromoteReadReplica connectkit-replica (replica of ${PRIMARY_ARN})`,
    'marker writer switched to the new primary',
    `deployment ${NAMESPACE}/${DR_DEPLOYMENT} scaled 1 → 5`,
  ]);
  expect(rds.actions.filter((a) => a === 'PromoteReadReplica')).toHaveLength(1);

  // Rollback: DNS back on the primary region, the DR fleet back to 1, the marker table dropped; the
  // promotion cannot be undone, and the report says what to do about it.
  const undos = report.timeline.filter((e) => e.kind === 'undo').map((e) => e.message);
  expect(undos.some((m) => m.includes(`ok: runbook dns-failover`) && m.includes(`CNAME back to ${PRIMARY_LB}`))).toBe(
    true,
  );
  expect(undos.some((m) => m.includes('ok: runbook k8s-scale-up') && m.includes('at 1 replicas'))).toBe(true);
  expect(undos.some((m) => m.includes('ok: create marker table') && m.includes('marker table dropped'))).toBe(true);
  expect(report.rollback.complete).toBe(false);
  expect(report.rollback.failed).toHaveLength(1);
  const [irreversible] = report.rollback.failed;
  expect(irreversible?.code).toBe('RDS_PROMOTION_IRREVERSIBLE');
  expect(irreversible?.error).toContain(
    'RDS instance connectkit-replica was promoted to a standalone primary; a promotion cannot be rolled back',
  );
  expect(irreversible?.hint).toContain(
    `create a new read replica of ${PRIMARY_ARN} in connectkit-replica's region (CreateDBInstanceReadReplica)`,
  );
  expect(r.stdout).toContain(`what to do (RDS_PROMOTION_IRREVERSIBLE): ${irreversible?.hint}`);
  const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
  expect(summary).toContain('**INCOMPLETE: a person must look.** 4 undo step(s) done, 1 failed:');
  expect(summary).toContain('- **What to do** (`RDS_PROMOTION_IRREVERSIBLE`): RDS cannot turn a promoted instance');
  expect(summary).toMatch(/\| k8s-scale-up \| kubernetes-scale \| [\d.]+s \| ok \|/);
  expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toContain('what to do: RDS cannot turn a promoted instance');

  expect(await recordNow(moto.endpoint, zone)).toEqual([PRIMARY_LB]);
  await eventually(
    async () => {
      const d = await drReplicas();
      return d.desired === 1 && d.ready === 1 ? true : undefined;
    },
    60_000,
    'the DR fleet back at 1/1',
  );
  expect(await replicaNow(rds.endpoint)).toEqual({ status: 'available' });
  expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  // Plain data only in the journal: names, ids, endpoints on loopback; never a credential.
  const text = readFileSync(join(runDir, 'journal.ndjson'), 'utf8');
  expect(text).not.toMatch(/BEGIN|client-key|token|not-a-secret|AWS_SECRET/i);

  // `gameday rollback` finds only the promotion left, and again says what to do.
  const again = await runCli(['rollback', runDir], env);
  expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(4);
  expect(again.stdout).toContain('rolling back 1 mutation(s)');
  expect(again.stderr).toContain('what to do (RDS_PROMOTION_IRREVERSIBLE): RDS cannot turn a promoted instance');
}
