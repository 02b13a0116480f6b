// Running FIS experiments: templates on moto; StartExperiment / GetExperiment / StopExperiment /
// ListExperiments / ListExperimentResolvedTargets through aws-sdk-client-mock with FIS API reference shapes
// (moto stores templates; experiments are answered by test/aws/fis-fake.ts).

import { ServiceQuotaExceededException } from '@aws-sdk/client-fis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsDriver } from '../../src/drivers/aws/index.js';
import { awsSpotInterruption, experimentOutcome } from '../../src/faults/aws/index.js';
import type { AwsInventory, AwsSpotInterruptionFault } from '../../src/faults/aws/types.js';
import { pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { installFisFake, type FisFake } from './fis-fake.js';
import { ACCOUNT, REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';
import { FAST_FIS, testRuntime } from './runtime.js';

const fault: AwsSpotInterruptionFault = {
  type: 'spot-interruption',
  tags: { 'eks:nodegroup-name': 'connectkit-spot' },
  selection: { mode: 'count', n: 1 },
  durationBeforeInterruptionMs: 120_000,
  fis: FAST_FIS,
};
const inventory: AwsInventory = {
  region: REGION,
  fisRoleArn: `arn:aws:iam::${ACCOUNT}:role/gameday-fis`,
  databases: [],
};

describe('FIS experiment runner', () => {
  let moto: Moto;
  let driver: AwsDriver;
  let fake: FisFake | undefined;
  beforeAll(async () => {
    moto = await startMotoForTests();
    driver = testDriver(testTarget(moto.endpoint));
  });
  afterEach(() => {
    fake?.restore();
    fake = undefined;
  });
  afterAll(async () => {
    driver?.destroy();
    await moto?.stop();
  });

  async function rollbackFromDisk(journalPath: string) {
    const { Journal } = await import('../../src/runner/journal.js');
    const journal = new Journal(journalPath);
    try {
      return await rollback(journal, pendingUndos(readJournal(journalPath)), { timeoutMs: 10_000 });
    } finally {
      journal.close();
    }
  }

  it('runs to completion: t0, action start/end in the timeline, resolved targets; rollback deletes the template', async () => {
    fake = installFisFake({ region: REGION, endpoint: moto.endpoint, account: ACCOUNT, script: 'complete' });
    const rt = testRuntime(driver, { step: 'spot' });
    const planned = awsSpotInterruption.plan(fault, inventory);
    const exec = await awsSpotInterruption.inject(fault, planned, rt);
    expect(exec.fis).toMatchObject({ status: 'completed' });
    expect(exec.endT).toBeGreaterThanOrEqual(exec.t0);
    expect(exec.timeline.map((e) => e.message.replace(/EXP\w+/, 'EXP'))).toEqual([
      'FIS experiment EXP initiating: Experiment is initiating.',
      'FIS experiment EXP running: Experiment is running.',
      'FIS action interrupt (aws:ec2:send-spot-instance-interruptions) running: Action running.',
      'FIS experiment EXP completed: Experiment completed.',
      'FIS action interrupt (aws:ec2:send-spot-instance-interruptions) completed: Action completed.',
    ]);
    expect(exec.resolvedTargets).toEqual([
      {
        targetName: 'SpotInstances',
        resourceType: 'aws:ec2:instance',
        info: { arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-00abcdef0123456789` },
      },
    ]);
    expect(exec.affected).toEqual([`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-00abcdef0123456789`]);
    // The start carried a client token and the run's tags.
    expect(fake.startInputs[0]).toMatchObject({
      clientToken: expect.stringMatching(/^[0-9a-f]{48}$/),
      tags: { 'gameday:run-id': rt.runId },
    });
    rt.journal.close();
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toHaveLength(1);
    const result = await rollbackFromDisk(rt.journalPath);
    expect(result).toMatchObject({ complete: true, undone: 2 });
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toEqual([]);
  });

  it("a failed experiment fails the step with FIS's reason", async () => {
    fake = installFisFake({ region: REGION, endpoint: moto.endpoint, account: ACCOUNT, script: 'fail' });
    const rt = testRuntime(driver);
    const error = await awsSpotInterruption
      .inject(fault, awsSpotInterruption.plan(fault, inventory), rt)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'runtime', code: 'FIS_EXPERIMENT_FAILED' });
    expect((error as Error).message).toMatch(
      /experiment failed: Target resolution failed: no resources found for target SpotInstances\.; InternalFailure; action:interrupt$/,
    );
    rt.journal.close();
    await rollbackFromDisk(rt.journalPath);
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toEqual([]);
  });

  it('maps terminal states to outcomes', () => {
    expect(experimentOutcome({ status: 'completed' }).status).toBe('ok');
    expect(experimentOutcome({ status: 'stopped', reason: 'Stop condition triggered.' })).toEqual({
      status: 'aborted',
      detail: 'experiment stopped: Stop condition triggered.',
    });
    expect(experimentOutcome({ status: 'cancelled', reason: 'Cancelled.' }).status).toBe('failed');
    expect(experimentOutcome({ status: 'failed', reason: 'Boom.' })).toEqual({
      status: 'failed',
      detail: 'experiment failed: Boom.',
    });
  });

  it('on abort: stops the experiment and waits for stopped; rollback deletes the template', async () => {
    fake = installFisFake({ region: REGION, endpoint: moto.endpoint, account: ACCOUNT, script: 'run-until-stopped' });
    const abort = new AbortController();
    const rt = testRuntime(driver, { signal: abort.signal });
    const running = awsSpotInterruption.inject(fault, awsSpotInterruption.plan(fault, inventory), rt);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort(new Error('SIGINT'));
    const error = await running.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted', code: 'FIS_ABORTED' });
    expect(fake.experiments().map((e) => e.status)).toEqual(['stopped']);
    expect(rt.lines.some((l) => /stopped FIS experiment EXP\w+: stopped/.test(l))).toBe(true);
    rt.journal.close();
    const result = await rollbackFromDisk(rt.journalPath);
    expect(result.complete).toBe(true);
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toEqual([]);
  });

  it('deletes the template even when StartExperiment fails', async () => {
    fake = installFisFake({
      region: REGION,
      endpoint: moto.endpoint,
      account: ACCOUNT,
      startError: new ServiceQuotaExceededException({
        message: 'You have reached the maximum number of running experiments.',
        $metadata: {},
      }),
    });
    const rt = testRuntime(driver);
    const error = await awsSpotInterruption
      .inject(fault, awsSpotInterruption.plan(fault, inventory), rt)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FIS_START_FAILED' });
    expect(String((error as Error).cause)).toContain('maximum number of running experiments');
    // The template exists in moto until rollback.
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toHaveLength(1);
    rt.journal.close();
    const entries = readJournal(rt.journalPath);
    expect(entries.filter((e) => e.type === 'failed')).toHaveLength(1);
    const result = await rollbackFromDisk(rt.journalPath);
    expect(result).toMatchObject({ complete: true, undone: 2 });
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toEqual([]);
  });

  it('preview (gameday plan) starts with actionsMode skip-all', async () => {
    fake = installFisFake({ region: REGION, endpoint: moto.endpoint, account: ACCOUNT, script: 'complete' });
    const rt = testRuntime(driver, { preview: true });
    const exec = await awsSpotInterruption.inject(fault, awsSpotInterruption.plan(fault, inventory), rt);
    expect(fake.startInputs[0]).toMatchObject({ experimentOptions: { actionsMode: 'skip-all' } });
    expect(exec.findings).toContain('preview: FIS ran with actionsMode skip-all, nothing was injected');
    rt.journal.close();
    await rollbackFromDisk(rt.journalPath);
  });

  it('runs an existing template without creating or deleting one', async () => {
    fake = installFisFake({ region: REGION, endpoint: moto.endpoint, account: ACCOUNT, script: 'complete' });
    const existing = await driver.fis.createTemplate({
      clientToken: 'existing-1',
      description: 'owned by someone else',
      roleArn: inventory.fisRoleArn ?? '',
      targets: {},
      actions: { wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' } } },
      stopConditions: [{ source: 'none' }],
      tags: { owner: 'platform' },
    });
    const withTemplate = { ...fault, fis: { ...FAST_FIS, templateId: existing } };
    const rt = testRuntime(driver);
    const exec = await awsSpotInterruption.inject(withTemplate, awsSpotInterruption.plan(withTemplate, inventory), rt);
    expect(exec.fis?.templateId).toBe(existing);
    rt.journal.close();
    expect(
      readJournal(rt.journalPath)
        .filter((e) => e.type === 'intent')
        .map((e) => e.type === 'intent' && e.undo.op),
    ).toEqual(['fis-stop-experiments']);
    await rollbackFromDisk(rt.journalPath);
    expect(await driver.fis.findTemplates({ owner: 'platform' })).toEqual([existing]);
  });
});
