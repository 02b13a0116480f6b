// Shared history in S3 on moto: `--history s3://bucket/prefix` uploads each run directory and its
// index entry; `gameday history` and the gate's baseline read the index back from there.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/history/entry.js';
import { s3HistoryFromUrl } from '../../src/history/s3.js';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { REGION, fakeAwsCliEnv, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';

describe('history in S3', () => {
  let moto: Moto;
  const bucket = 'gameday-history-it';
  const tmp = mkdtempSync(join(tmpdir(), 'gameday-s3-history-'));
  const env = (): Record<string, string> => ({ ...fakeAwsCliEnv(moto.endpoint), AWS_REGION: REGION });

  beforeAll(async () => {
    moto = await startMotoForTests();
    const driver = testDriver(testTarget(moto.endpoint));
    await driver.clients.s3.send(
      new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
    driver.destroy();
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('uploads a gated run and reads its history back for the next gate, the history table and its baseline', async () => {
    const url = `s3://${bucket}/team-a/gameday`;
    const reportDir = join(tmp, 'runner-1');
    const gate = (dir: string, extra: string[] = []) =>
      runCli(['gate', 'test/fixtures/runs/pod-kill.yaml', '--report-dir', dir, '--history', url, ...extra], env());
    const first = await gate(reportDir);
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    expect(first.stderr).not.toMatch(/gameday: warning/);
    const gateJson = JSON.parse(readFileSync(join(reportDir, 'gate.json'), 'utf8')) as {
      runs: Array<{ runDir: string }>;
    };
    const report = JSON.parse(readFileSync(join(gateJson.runs[0]!.runDir, 'report.json'), 'utf8')) as Report;

    // The run directory and the index entry, as objects.
    const driver = testDriver(testTarget(moto.endpoint));
    const listed = await driver.clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'team-a/gameday/' }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    const runPrefix = `team-a/gameday/it-pod-kill/${report.runId}`;
    for (const f of ['report.json', 'junit.xml', 'summary.md', 'journal.ndjson'])
      expect(keys).toContain(`${runPrefix}/${f}`);
    const indexKey = `team-a/gameday/index/it-pod-kill/${report.runId}.json`;
    expect(keys).toContain(indexKey);
    const body = await driver.clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `${runPrefix}/report.json` }),
    );
    expect(JSON.parse(await body.Body!.transformToString()) as Report).toMatchObject({
      runId: report.runId,
      verdict: 'pass',
    });
    driver.destroy();

    // Another machine (an empty report dir) reads the history back.
    const history = await runCli(['history', 'it-pod-kill', '--history', url, '--json'], env());
    expect(history.code, history.stderr).toBe(0);
    const entries = JSON.parse(history.stdout) as HistoryEntry[];
    expect(entries.map((e) => [e.runId, e.verdict, e.dir])).toEqual([
      [report.runId, 'pass', `it-pod-kill/${report.runId}`],
    ]);
    expect(entries[0]?.metrics.rtoMs).toBe(report.measurements.rto?.ms);

    // …and a gate there takes its baseline from it.
    const second = await gate(join(tmp, 'runner-2'), ['--baseline', 'last-pass', '--tolerance', 'rto=1000%']);
    expect(second.code, second.stderr.slice(-2000)).toBe(0);
    const gate2 = JSON.parse(readFileSync(join(tmp, 'runner-2', 'gate.json'), 'utf8')) as {
      runs: Array<{ runDir: string }>;
    };
    const r2 = JSON.parse(readFileSync(join(gate2.runs[0]!.runDir, 'report.json'), 'utf8')) as Report;
    expect(r2.regression).toMatchObject({ baseline: 'last-pass', baselineRuns: [report.runId], regressed: false });
    expect((await s3HistoryFromUrl(url, env()).entries('it-pod-kill')).map((e) => e.runId)).toEqual([
      report.runId,
      r2.runId,
    ]);
  }, 300_000);
});
