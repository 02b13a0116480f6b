// The S3 target lock and the mirrored journal on moto: each gameday process has its own TMPDIR (its own
// lock files and reports), so only the bucket is shared, as between two CI runners. The lock object is
// created with If-None-Match: * and replaced with If-Match (moto 5.2.5 answers both with 412 when they
// fail); a second run refuses with exit 3; a run killed with SIGKILL during a FIS experiment (experiments
// run on test/aws/fis-server.ts, templates on moto) is undone from another process through the journal
// it mirrored to S3, after its own files are gone: by gameday rollback --target, or by the next run, which
// rolls it back before it takes the lock.

import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreMirror } from '../../src/drivers/journal-mirror/store-mirror.js';
import type { Report } from '../../src/report/types.js';
import { Journal } from '../../src/runner/journal.js';
import { eventually, runCli, startCli } from '../helpers/cli.js';
import { startFisServer, type FisServer } from './fis-server.js';
import { CREDENTIALS, REGION, fakeAwsCliEnv, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';
import { putErrorRateAlarm } from './resources.js';

const FILE = 'test/aws/fixtures/spot-fis-shared-lock.yaml';
const BUCKET = 'gameday-locks-test';

describe('the S3 target lock and the journal mirrored to S3', () => {
  let moto: Moto;
  let fis: FisServer;
  let s3: S3Client;
  const dirs: string[] = [];

  beforeAll(async () => {
    moto = await startMotoForTests();
    fis = await startFisServer(moto.endpoint, 'run-until-stopped');
    s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS });
    await s3.send(
      new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
    const cw = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    await putErrorRateAlarm(cw, 'OK');
    cw.destroy();
  }, 120_000);

  afterAll(async () => {
    s3?.destroy();
    await fis?.close();
    await moto?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A machine of its own: fresh TMPDIR (lock files) and report dir; only moto is shared. */
  const machine = (): { env: Record<string, string | undefined>; reports: string; dir: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-aws-machine-'));
    dirs.push(dir);
    return {
      dir,
      reports: join(dir, 'reports'),
      env: { ...fakeAwsCliEnv(moto.endpoint), FIS_ENDPOINT: fis.endpoint, TMPDIR: dir, GAMEDAY_LOCK_DIR: undefined },
    };
  };

  const objects = async (): Promise<string[]> =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key as string).sort();

  /** Start a run and wait until its experiment runs; its run id. */
  async function runUntilExperiment(m: ReturnType<typeof machine>) {
    const before = fis.experiments.length;
    const started = startCli(['run', FILE, '--report-dir', m.reports], m.env);
    await eventually(
      () => (fis.experiments.slice(before).some((e) => e.status === 'running') ? true : undefined),
      60_000,
      'a running experiment',
    );
    // The newest: a journal the run copied to repair a gone run sits beside its own, under an older run id.
    const runId = readdirSync(join(m.reports, 'aws-spot-fis-shared-lock')).sort().at(-1) as string;
    return { ...started, runId };
  }

  /** A run killed with SIGKILL while its experiment runs, and its machine gone (journal and lock files too). */
  async function killMidExperiment() {
    const a = machine();
    const killed = await runUntilExperiment(a);
    killed.child.kill('SIGKILL');
    await killed.done;
    const experiment = fis.experiments.at(-1);
    expect(experiment?.status).toBe('running');
    rmSync(a.dir, { recursive: true, force: true });
    return { killed, experiment };
  }

  it('a second run from another process refuses with exit 3, naming the holder and since when', async () => {
    const a = machine();
    const b = machine();
    const first = await runUntilExperiment(a);
    try {
      expect(await objects()).toEqual([
        expect.stringMatching(/^ci\/journals\/.+\.ndjson$/),
        expect.stringMatching(/^ci\/locks\/[0-9a-f]{16}\.json$/),
      ]);
      const journal = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `ci/journals/${first.runId}.ndjson` }));
      // Mirrored before the mutation: the template's and the experiment's intents are in S3.
      const mirrored = (await journal.Body?.transformToString()) ?? '';
      expect(mirrored).toMatch(/"type":"intent"[^\n]*"op":"fis-delete-templates"/);
      expect(mirrored).toMatch(/"type":"intent"[^\n]*"op":"fis-stop-experiments"/);
      const second = await runCli(['run', FILE, '--report-dir', b.reports], b.env);
      const out = second.stdout + second.stderr;
      expect(second.code, out).toBe(3);
      expect(out).toMatch(
        new RegExp(
          `is locked by run ${first.runId} \\(pid ${first.child.pid} on ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT`,
        ),
      );
      expect(out).toContain(`lock object s3://${BUCKET}/ci/locks/`);
      expect(first.child.exitCode).toBeNull();
    } finally {
      first.child.kill('SIGINT');
    }
    const end = await first.done;
    expect(end.code, end.stdout + end.stderr).toBe(3);
    // Released at the end, and its journal copy with it.
    expect(await objects()).toEqual([]);
    expect(fis.experiments.filter((e) => e.status === 'running')).toEqual([]);
  }, 180_000);

  it('a run killed with SIGKILL mid-experiment is undone from another process: gameday rollback --target', async () => {
    const { killed, experiment } = await killMidExperiment();

    const b = machine();
    const res = await runCli(['rollback', '--target', FILE, '--report-dir', b.reports], b.env);
    const out = res.stdout + res.stderr;
    expect(res.code, out).toBe(0);
    expect(out).toContain(`held by run ${killed.runId} (pid ${killed.child.pid} on ${hostname()}`);
    expect(out).toContain('target confirmed: AWS account 123456789012 in us-west-2');
    expect(out).toMatch(/rollback complete: 2 mutation\(s\) undone/);
    expect(experiment?.status).toBe('stopped');
    const driver = testDriver(testTarget(moto.endpoint));
    expect(await driver.fis.findTemplates({ 'gameday:run-id': killed.runId })).toEqual([]);
    driver.destroy();
    expect(await objects()).toEqual([]);
    const again = await runCli(['rollback', '--target', FILE], b.env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain(`nothing to roll back: no run holds a lock in s3://${BUCKET}/ci/`);
  }, 180_000);

  it('a run killed with SIGKILL mid-experiment is repaired by the next run from another process before it takes the lock', async () => {
    const { killed, experiment } = await killMidExperiment();

    const b = machine();
    const next = await runUntilExperiment(b);
    // The killed run's experiment was stopped before the next run's own started: the repair came first.
    expect(experiment?.status).toBe('stopped');
    next.child.kill('SIGINT');
    const end = await next.done;
    const out = end.stdout + end.stderr;
    expect(end.code, out).toBe(3);
    expect(out).toMatch(
      new RegExp(`repaired aws:123456789012:us-west-2\\S*: rolled back run ${killed.runId} \\(on ${hostname()}`),
    );
    const report = JSON.parse(
      readFileSync(join(b.reports, 'aws-spot-fis-shared-lock', next.runId, 'report.json'), 'utf8'),
    ) as Report;
    expect(report.repairs).toEqual([
      expect.objectContaining({ runId: killed.runId, undone: 2, complete: true, failed: [] }),
    ]);
    const driver = testDriver(testTarget(moto.endpoint));
    expect(await driver.fis.findTemplates({ 'gameday:run-id': killed.runId })).toEqual([]);
    driver.destroy();
    expect(await objects()).toEqual([]);
    expect(fis.experiments.filter((e) => e.status === 'running')).toEqual([]);
  }, 180_000);

  it('an intent is in S3 before journal.intent resolves; a store that cannot be written stops it', async () => {
    const dir = machine().dir;
    const spec = { kind: 's3' as const, region: REGION, endpoint: moto.endpoint, bucket: BUCKET, prefix: 'unit/' };
    const journal = new Journal(join(dir, 'journal.ndjson'));
    try {
      await journal.mirrorTo(openStoreMirror(spec, 'unit-run', 'the test bucket'));
      const id = await journal.intent('step', 'mutate', 'target', { driver: 'sandbox', op: 'zone-up', args: {} });
      // Read right after intent() resolved: the copy was confirmed before that.
      const copy = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'unit/journals/unit-run.ndjson' }));
      expect(await copy.Body?.transformToString()).toContain(`"type":"intent","at":`);
      expect(id).toBe('m1');
    } finally {
      await journal.close();
    }
    const refused = new Journal(join(dir, 'refused.ndjson'));
    try {
      const nowhere = openStoreMirror({ ...spec, bucket: 'no-such-bucket-here' }, 'unit-run', 'a missing bucket');
      await expect(refused.mirrorTo(nowhere)).rejects.toThrow(/^cannot mirror the journal to a missing bucket: /);
    } finally {
      await refused.close();
    }
  }, 60_000);

  it('gameday iam grants the lock objects and journal copies under the prefix, and listing for --orphans', async () => {
    const r = await runCli(['iam', FILE], machine().env);
    expect(r.code, r.stderr).toBe(0);
    const statements = (JSON.parse(r.stdout) as { harnessPolicy: { Statement: Array<{ Sid: string }> } }).harnessPolicy
      .Statement;
    expect(statements.filter((st) => st.Sid === 'SharedTargetLock' || st.Sid === 'FindTargetLocks')).toEqual([
      {
        Sid: 'SharedTargetLock',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: [`arn:aws:s3:::${BUCKET}/ci/*`],
      },
      {
        Sid: 'FindTargetLocks',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${BUCKET}`],
        Condition: { StringLike: { 's3:prefix': ['ci/*'] } },
      },
    ]);
  });
});
