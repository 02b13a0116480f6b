// Running FIS experiments against moto: templates, StartExperiment, GetExperiment (moto moves an experiment
// pending → initiating → running → completed), StopExperiment (stopping → stopped), ListExperiments and
// ListExperimentResolvedTargets (moto resolves targets given by ARN) are moto's own.
// test/aws/fis-fake.ts (aws-sdk-client-mock, FIS API reference shapes) stands in only where moto cannot:
// an experiment that FIS fails (moto has no failed transition) and a StartExperiment error (quota).

import { ServiceQuotaExceededException } from '@aws-sdk/client-fis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsDriver } from '../../src/drivers/aws/index.js';
import { awsSpotInterruption, experimentOutcome } from '../../src/faults/aws/index.js';
import type { AwsInventory, AwsSpotInterruptionFault } from '../../src/faults/aws/types.js';
import { pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { installFisFake, type FisFake } from './fis-fake.js';
import type { AwsFisExperimentFault } from '../../src/faults/aws/types.js';
import { awsFisExperiment } from '../../src/faults/aws/index.js';
import {
  ACCOUNT,
  REGION,
  holdFisRunning,
  motoExperiments,
  setFisProgression,
  startMotoForTests,
  testDriver,
  testTarget,
  type Moto,
} from './moto.js';
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
  afterEach(async () => {
    fake?.restore();
    fake = undefined;
    await setFisProgression(moto.endpoint, null);
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

  it('runs to completion on moto: t0, experiment and action states in the timeline; rollback deletes the template', async () => {
    const rt = testRuntime(driver, { step: 'spot' });
    const planned = awsSpotInterruption.plan(fault, inventory);
    const exec = await awsSpotInterruption.inject(fault, planned, rt);
    expect(exec.fis).toMatchObject({ status: 'completed' });
    expect(exec.endT).toBeGreaterThanOrEqual(exec.t0);
    const id = exec.fis?.experimentId as string;
    expect(exec.timeline.map((e) => e.message)).toEqual([
      `FIS experiment ${id} pending: Experiment is pending`,
      `FIS experiment ${id} initiating: Experiment is initiating`,
      `FIS experiment ${id} running: Experiment is running`,
      'FIS action interrupt (aws:ec2:send-spot-instance-interruptions) running: Experiment is running',
      `FIS experiment ${id} completed: Experiment completed`,
      'FIS action interrupt (aws:ec2:send-spot-instance-interruptions) completed: Experiment completed',
    ]);
    // The experiment moto holds: started with the run's tags, finished.
    const [held] = (await motoExperiments(moto.endpoint)).filter((e) => e.tags['gameday:run-id'] === rt.runId);
    expect(held).toMatchObject({ id, status: 'completed', templateId: exec.fis?.templateId });
    // The timeline's running and completed instants are FIS's own startTime and endTime, not when gameday polled.
    const seen = await driver.fis.getExperiment(id);
    expect(exec.timeline.find((e) => e.message.includes(`${id} running`))?.at).toBe(seen.startTime?.toISOString());
    expect(exec.timeline.find((e) => e.message.includes(`${id} completed`))?.at).toBe(seen.endTime?.toISOString());
    // moto moves one state per GetExperiment: the end is seen on the third poll, after two backed-off
    // intervals (20 + 30 ms), never at the start.
    expect((exec.endT as number) - exec.t0).toBeGreaterThanOrEqual(FAST_FIS.pollIntervalMs * 2.5);
    rt.journal.close();
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toEqual([exec.fis?.templateId]);
    const result = await rollbackFromDisk(rt.journalPath);
    expect(result).toMatchObject({ complete: true, undone: 2 });
    expect(await driver.fis.findTemplates({ 'gameday:run-id': rt.runId })).toEqual([]);
  });

  it('resolved targets on moto: the instances a fis-experiment names by ARN, in the result and as affected', async () => {
    const arns = [
      `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0aaa`,
      `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0bbb`,
    ];
    const experiment: AwsFisExperimentFault = {
      type: 'fis-experiment',
      fis: FAST_FIS,
      experiment: {
        description: 'stop two instances',
        targets: { Web: { resourceType: 'aws:ec2:instance', arns, selection: { mode: 'all' } } },
        actions: { stop: { actionId: 'aws:ec2:stop-instances', targets: { Instances: 'Web' }, durationMs: 60_000 } },
      },
    };
    const heard: unknown[] = [];
    const rt = { ...testRuntime(driver), onResolvedTargets: (t: unknown[]) => heard.push(...t) };
    const exec = await awsFisExperiment.inject(experiment, awsFisExperiment.plan(experiment, inventory), rt);
    const expected = arns.map((arn) => ({ targetName: 'Web', resourceType: 'aws:ec2:instance', info: { arn } }));
    expect(exec.resolvedTargets).toEqual(expected);
    expect(heard).toEqual(expected);
    expect(exec.affected).toEqual(arns);
    rt.journal.close();
    await rollbackFromDisk(rt.journalPath);
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

  it('on abort: stops the running experiment on moto and waits for stopped; rollback deletes the template', async () => {
    const hold = await holdFisRunning(moto.endpoint);
    const abort = new AbortController();
    const rt = testRuntime(driver, { signal: abort.signal });
    const running = awsSpotInterruption.inject(fault, awsSpotInterruption.plan(fault, inventory), rt);
    const id = await hold.running();
    abort.abort(new Error('SIGINT'));
    expect(await hold.stopWhenRequested()).toBe(id);
    const error = await running.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted', code: 'FIS_ABORTED' });
    expect((await motoExperiments(moto.endpoint)).find((e) => e.id === id)?.status).toBe('stopped');
    expect(rt.lines).toContain(`stopped FIS experiment ${id}: stopped`);
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
    const rt = testRuntime(driver, { preview: true });
    const exec = await awsSpotInterruption.inject(fault, awsSpotInterruption.plan(fault, inventory), rt);
    const { FisClient, GetExperimentCommand } = await import('@aws-sdk/client-fis');
    const client = new FisClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const seen = await client.send(new GetExperimentCommand({ id: exec.fis?.experimentId }));
    client.destroy();
    expect(seen.experiment?.experimentOptions).toMatchObject({ actionsMode: 'skip-all' });
    expect(exec.findings).toContain('preview: FIS ran with actionsMode skip-all, nothing was injected');
    rt.journal.close();
    await rollbackFromDisk(rt.journalPath);
  });

  it('runs an existing template without creating or deleting one', async () => {
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
