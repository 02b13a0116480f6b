// ConnectKit's region failover runbook against moto on loopback.
//
// What runs where:
// - moto (127.0.0.1): STS, Route 53 (zone, record, ChangeResourceRecordSets, GetChange), RDS
//   (DescribeDBInstances, PromoteReadReplica) for the primary in us-west-2 and its replica in us-east-1.
// - moto 5.2.5 never shows a promotion as done: its promote_read_replica (moto/rds/models.py) keeps the
//   instance's source, so ReadReplicaSourceDBInstanceIdentifier stays. On plain moto the promotion step
//   therefore fails its verify, clearly, and the run says what a person must do.
// - test/aws/rds-promotion-server.ts (127.0.0.1) forwards every RDS call to moto and adds what moto
//   leaves out — "modifying", then standalone "available" — for the successful path.
// - PostgreSQL (a scratch server) for the RPO markers. No Kubernetes here: the run leaves out the
//   k8s-scale-up step, whose preflight needs its DR context (the whole scenario, scale-up included, runs
//   in test/k8s/region-failover.test.ts).

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScratchPostgres, type ScratchPostgres } from '../../src/drivers/postgres/scratch.js';
import { configureAwsUndo } from '../../src/faults/aws/index.js';
import type { Report } from '../../src/report/types.js';
import { runRunbook } from '../../src/runbook/index.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { systemClock } from '../../src/util/clock.js';
import { runCli } from '../helpers/cli.js';
import {
  DR_REGION,
  PRIMARY_ARN,
  PRIMARY_LB,
  createFailoverResources,
  failoverEnv,
  recordNow,
  replicaNow,
  startHealthyApi,
  writeFailoverCopy,
} from './connectkit-failover.js';
import { REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';
import { startRdsPromotionServer, type RdsPromotionServer } from './rds-promotion-server.js';

describe('ConnectKit region failover on moto', () => {
  let moto: Moto;
  let rds: RdsPromotionServer;
  let api: Awaited<ReturnType<typeof startHealthyApi>>;
  let pg: ScratchPostgres;
  let zone: string;
  const tmp = mkdtempSync(join(tmpdir(), 'gameday-aws-failover-'));

  beforeAll(async () => {
    moto = await startMotoForTests();
    rds = await startRdsPromotionServer(moto.endpoint);
    api = await startHealthyApi();
    pg = await startScratchPostgres();
    zone = await createFailoverResources(moto.endpoint);
  }, 180_000);

  afterAll(async () => {
    configureAwsUndo({});
    await api?.close();
    await rds?.close();
    await pg?.stop();
    await moto?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('on plain moto the promotion never verifies: the step fails clearly, DNS goes back, exit 4 says what to do', async () => {
    const file = writeFailoverCopy(tmp, { promoteTimeout: '3s', withoutScaleUp: true });
    const reportDir = join(tmp, 'plain');
    const env = failoverEnv({ moto: moto.endpoint, zone, apiUrl: api.url, databaseUrl: pg.url });
    const r = await runCli(['run', file, '--report-dir', reportDir], env);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(4);

    const [runId] = readdirOnly(join(reportDir, 'connectkit-region-failover'));
    const runDir = join(reportDir, 'connectkit-region-failover', runId as string);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    // The DR plan did not complete: a failed step, not a harness error; every step's timing is kept.
    expect(report.verdict).toBe('fail');
    expect(report.measurements.runbook?.map((s) => [s.step, s.status, s.rolledBack])).toEqual([
      ['dns-failover', 'ok', 'ok'],
      ['database-promote', 'failed', 'failed'],
      ['markers-to-dr', 'not-run', undefined],
    ]);
    expect(report.measurements.runbook?.[1]?.durationMs).toBeGreaterThanOrEqual(3000);
    const step = report.objectives.find((o) => o.name === 'step region-failover #1');
    expect(step?.actual).toContain(
      `database-promote failed: not verified within 3000ms: connectkit-replica available, still a replica of ${PRIMARY_ARN}`,
    );
    // PromoteReadReplica was accepted: however moto shows the instance, the promotion cannot be called off.
    expect(report.rollback.complete).toBe(false);
    expect(report.rollback.failed).toHaveLength(1);
    expect(report.rollback.failed[0]).toMatchObject({ code: 'RDS_PROMOTION_IRREVERSIBLE' });
    expect(report.rollback.failed[0]?.error).toContain(
      'PromoteReadReplica of RDS instance connectkit-replica was accepted and cannot be called off',
    );
    expect(report.rollback.failed[0]?.hint).toContain(
      `create a new read replica of ${PRIMARY_ARN} in connectkit-replica's region (CreateDBInstanceReadReplica)`,
    );
    expect(r.stdout).toContain('what to do (RDS_PROMOTION_IRREVERSIBLE): RDS cannot turn a promoted instance');
    const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
    expect(summary).toContain('**INCOMPLETE: a person must look.**');
    expect(summary).toContain('- **What to do** (`RDS_PROMOTION_IRREVERSIBLE`): RDS cannot turn a promoted instance');
    // The DNS change was rolled back by the runbook; the marker table was dropped.
    expect(await recordNow(moto.endpoint, zone)).toEqual([PRIMARY_LB]);
    const pending = pendingUndos(readJournal(join(runDir, 'journal.ndjson')));
    expect(pending.map((p) => p.undo.op)).toEqual(['rds-promotion-irreversible']);
  }, 120_000);

  it('a promotion RDS completes verifies (modifying, then standalone) and its undo fails on purpose', async () => {
    const path = join(mkdtempSync(join(tmp, 'promote-')), 'journal.ndjson');
    const journal = new Journal(path);
    const driver = testDriver(
      testTarget(moto.endpoint, { regions: [REGION, DR_REGION], endpoints: { rds: rds.endpoint } }),
    );
    try {
      const result = await runRunbook(
        [
          {
            name: 'database-promote',
            action: 'rds-promote-read-replica',
            args: { dbInstanceIdentifier: 'connectkit-replica', region: DR_REGION, backupRetentionPeriod: 30 },
            timeoutMs: 20_000,
          },
        ],
        {
          journal,
          clock: systemClock,
          signal: AbortSignal.timeout(60_000),
          step: 'region-failover',
          log: () => undefined,
          aws: driver,
          pollMs: 100,
        },
      );
      journal.close();
      expect(result.ok, JSON.stringify(result.failed)).toBe(true);
      expect(result.steps[0]?.detail).toBe(
        `PromoteReadReplica connectkit-replica (replica of ${PRIMARY_ARN}); connectkit-replica available, standalone`,
      );
      // It was seen "modifying" first: the verify polled until the promotion was done.
      expect(result.steps[0]?.attempts).toBeGreaterThan(1);
      expect(rds.actions).toContain('PromoteReadReplica');
      expect(await replicaNow(rds.endpoint)).toEqual({ status: 'available' });

      // `gameday rollback` from the journal alone: the promotion stands, and the person is told what to do.
      configureAwsUndo({ loopbackOnly: true });
      const again = new Journal(path);
      const res = await rollback(again, pendingUndos(readJournal(path)), { timeoutMs: 10_000 });
      again.close();
      expect(res.complete).toBe(false);
      expect(res.failed).toEqual([
        {
          id: 'm1',
          error: expect.stringContaining(
            'RDS instance connectkit-replica was promoted to a standalone primary; a promotion cannot be rolled back',
          ) as unknown as string,
          code: 'RDS_PROMOTION_IRREVERSIBLE',
          hint: expect.stringContaining(`create a new read replica of ${PRIMARY_ARN}`) as unknown as string,
        },
      ]);
    } finally {
      driver.destroy();
    }
  }, 60_000);
});

function readdirOnly(dir: string): string[] {
  const runs = readdirSync(dir);
  expect(runs).toHaveLength(1);
  return runs;
}
