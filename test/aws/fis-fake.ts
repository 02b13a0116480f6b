// FIS experiments moto cannot produce, for tests of gameday's handling of them. moto runs experiments
// itself (pending → initiating → running → completed, stopping → stopped; see test/aws/moto.ts), so every
// happy path runs there. This mock stands in only for an experiment FIS fails (moto has no failed state,
// nor an ExperimentState.error) and for a StartExperiment that fails (a service quota):
// - template calls (Create/Get/List/DeleteExperimentTemplate) pass through to moto on loopback;
// - StartExperiment, GetExperiment, StopExperiment, ListExperiments and ListExperimentResolvedTargets are
//   answered by aws-sdk-client-mock with responses shaped as the FIS API reference documents them
//   (Experiment, ExperimentState {status, reason, error}, ExperimentAction {actionId, state, startTime,
//   endTime}, ResolvedTarget {resourceType, targetName, targetInformation}).

import {
  type GetExperimentTemplateCommandOutput,
  CreateExperimentTemplateCommand,
  DeleteExperimentTemplateCommand,
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentResolvedTargetsCommand,
  ListExperimentTemplatesCommand,
  ListExperimentsCommand,
  ResourceNotFoundException,
  StartExperimentCommand,
  StopExperimentCommand,
  ValidationException,
} from '@aws-sdk/client-fis';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsCall } from '../../src/drivers/aws/index.js';

/** How an experiment behaves: states it goes through on successive GetExperiment calls. */
export type Script = 'complete' | 'fail';

interface Stored {
  id: string;
  templateId: string;
  script: Script;
  polls: number;
  status: string;
  reason: string;
  actions: Record<
    string,
    { actionId: string; parameters?: Record<string, string>; targets?: Record<string, string>; startAfter?: string[] }
  >;
  targetNames: string[];
  roleArn: string;
  tags: Record<string, string>;
  experimentOptions: Record<string, string>;
  creationTime: string;
  startTime?: string;
  endTime?: string;
  stopRequested: boolean;
}

export interface FisFakeOptions {
  region: string;
  /** moto, where the fake looks templates up with a client of its own (so its lookups are not recorded as gameday's). */
  endpoint: string;
  account: string;
  /** Default script for new experiments. */
  script?: Script;
  /** Make StartExperiment fail with this error. */
  startError?: Error;
  /** Record mocked commands as the driver's recorder would. */
  calls?: AwsCall[];
}

export interface FisFake {
  restore(): void;
  experiments(): Stored[];
  startInputs: Array<Record<string, unknown>>;
}

const realSend = FisClient.prototype.send as unknown as (this: unknown, command: unknown) => Promise<unknown>;

/** The real (unmocked) send of a FIS client. */
function sendReal<T>(client: unknown, command: unknown): Promise<T> {
  return realSend.call(client, command) as Promise<T>;
}

/** aws-sdk-client-mock's stub, typed loosely: this FIS client's smithy types are older than the mock's. */
interface LooseStub {
  on(command: unknown): { callsFake(fn: (input: never, getClient: () => unknown) => unknown): unknown };
  restore(): void;
}

/** Mock FIS experiments at the FisClient class level; template calls still reach moto. */
export function installFisFake(opts: FisFakeOptions): FisFake {
  let memory: Stored[] = [];
  const load = (): Stored[] => memory;
  const save = (all: Stored[]): void => {
    memory = all;
  };
  const record = (command: string) => opts.calls?.push({ service: 'fis', command });
  const arn = (id: string) => `arn:aws:fis:${opts.region}:${opts.account}:experiment/${id}`;
  const startInputs: Array<Record<string, unknown>> = [];

  const mock = mockClient(FisClient as never) as unknown as LooseStub;
  for (const Command of [
    CreateExperimentTemplateCommand,
    GetExperimentTemplateCommand,
    ListExperimentTemplatesCommand,
    DeleteExperimentTemplateCommand,
  ]) {
    // Through to moto, with the client's own middleware (endpoint, recorder, loopback guard).
    mock
      .on(Command)
      .callsFake((input, getClient) =>
        sendReal(getClient(), new (Command as typeof CreateExperimentTemplateCommand)(input)),
      );
  }

  const view = (e: Stored) => ({
    id: e.id,
    arn: arn(e.id),
    experimentTemplateId: e.templateId,
    roleArn: e.roleArn,
    state: {
      status: e.status,
      reason: e.reason,
      ...(e.status === 'failed' ? { error: { code: 'InternalFailure', location: 'action:interrupt' } } : {}),
    },
    targets: Object.fromEntries(
      e.targetNames.map((n) => [n, { resourceType: 'aws:ec2:instance', selectionMode: 'ALL' }]),
    ),
    actions: Object.fromEntries(
      Object.entries(e.actions).map(([name, a]) => {
        const status = actionStatus(e);
        return [
          name,
          {
            actionId: a.actionId,
            parameters: a.parameters,
            targets: a.targets,
            startAfter: a.startAfter,
            state: { status, reason: status === 'failed' ? 'Action failed: instance not found' : `Action ${status}.` },
            ...(e.startTime && status !== 'pending' ? { startTime: new Date(e.startTime) } : {}),
            ...(e.endTime && ['completed', 'stopped', 'failed', 'cancelled'].includes(status)
              ? { endTime: new Date(e.endTime) }
              : {}),
          },
        ];
      }),
    ),
    stopConditions: [{ source: 'none' }],
    creationTime: new Date(e.creationTime),
    ...(e.startTime ? { startTime: new Date(e.startTime) } : {}),
    ...(e.endTime ? { endTime: new Date(e.endTime) } : {}),
    tags: e.tags,
    experimentOptions: e.experimentOptions,
  });

  const lookup = new FisClient({
    region: opts.region,
    endpoint: opts.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  mock.on(StartExperimentCommand).callsFake(async (input: Record<string, unknown>) => {
    record('StartExperimentCommand');
    startInputs.push(input);
    if (opts.startError) throw opts.startError;
    const templateId = input['experimentTemplateId'] as string;
    // The template must exist in moto, as FIS would check.
    const t = await sendReal<GetExperimentTemplateCommandOutput>(
      lookup,
      new GetExperimentTemplateCommand({ id: templateId }),
    );
    const all = load();
    const token = input['clientToken'] as string;
    const again = all.find((e) => e.tags['__clientToken'] === token);
    if (again) return { experiment: view(again) };
    const tpl = t.experimentTemplate ?? {};
    const e: Stored = {
      id: `EXP${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      templateId,
      script: opts.script ?? 'complete',
      polls: 0,
      status: 'initiating',
      reason: 'Experiment is initiating.',
      actions: Object.fromEntries(
        Object.entries(tpl.actions ?? {}).map(([n, a]) => [
          n,
          {
            actionId: a.actionId ?? '',
            ...(a.parameters ? { parameters: a.parameters } : {}),
            ...(a.targets ? { targets: a.targets } : {}),
            ...(a.startAfter ? { startAfter: a.startAfter } : {}),
          },
        ]),
      ),
      targetNames: Object.keys(tpl.targets ?? {}),
      roleArn: tpl.roleArn ?? '',
      tags: { ...((input['tags'] as Record<string, string>) ?? {}), __clientToken: token },
      experimentOptions: {
        accountTargeting: 'single-account',
        emptyTargetResolutionMode: tpl.experimentOptions?.emptyTargetResolutionMode ?? 'fail',
        ...((input['experimentOptions'] as Record<string, string>) ?? { actionsMode: 'run-all' }),
      },
      creationTime: new Date().toISOString(),
      stopRequested: false,
    };
    save([...all, e]);
    return { experiment: view(e) };
  });

  mock.on(GetExperimentCommand).callsFake(async (input: { id: string }) => {
    record('GetExperimentCommand');
    const all = load();
    const e = all.find((x) => x.id === input.id);
    if (!e) throw new ResourceNotFoundException({ message: `Experiment ${input.id} not found`, $metadata: {} });
    advance(e);
    save(all);
    return { experiment: view(e) };
  });

  mock.on(StopExperimentCommand).callsFake(async (input: { id: string }) => {
    record('StopExperimentCommand');
    const all = load();
    const e = all.find((x) => x.id === input.id);
    if (!e) throw new ResourceNotFoundException({ message: `Experiment ${input.id} not found`, $metadata: {} });
    if (['completed', 'stopped', 'failed', 'cancelled'].includes(e.status)) {
      throw new ValidationException({
        message: `Experiment ${e.id} is ${e.status} and cannot be stopped`,
        $metadata: {},
      });
    }
    e.stopRequested = true;
    e.status = 'stopping';
    e.reason = 'Stopping experiment.';
    save(all);
    return { experiment: view(e) };
  });

  mock.on(ListExperimentsCommand).callsFake(async () => {
    record('ListExperimentsCommand');
    return {
      experiments: load().map((e) => ({
        id: e.id,
        arn: arn(e.id),
        experimentTemplateId: e.templateId,
        state: { status: e.status, reason: e.reason },
        creationTime: new Date(e.creationTime),
        tags: e.tags,
      })),
    };
  });

  mock.on(ListExperimentResolvedTargetsCommand).callsFake(async (input: { experimentId: string }) => {
    record('ListExperimentResolvedTargetsCommand');
    const e = load().find((x) => x.id === input.experimentId);
    if (!e) throw new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    return {
      resolvedTargets: e.targetNames.map((n, i) => ({
        resourceType: 'aws:ec2:instance',
        targetName: n,
        targetInformation: { arn: `arn:aws:ec2:${opts.region}:${opts.account}:instance/i-0${i}abcdef0123456789` },
      })),
    };
  });

  return {
    restore: () => {
      mock.restore();
      lookup.destroy();
    },
    experiments: () => load(),
    startInputs,
  };
}

function actionStatus(e: Stored): string {
  if (e.status === 'initiating' || e.status === 'pending') return 'pending';
  if (e.status === 'stopping') return 'stopping';
  return e.status === 'cancelled' ? 'cancelled' : e.status;
}

/** Move an experiment one step along its script (one step per GetExperiment). */
function advance(e: Stored): void {
  e.polls += 1;
  const now = new Date().toISOString();
  if (e.status === 'stopping') {
    e.status = 'stopped';
    e.reason = 'Experiment stopped by user.';
    e.endTime = now;
    return;
  }
  if (['completed', 'stopped', 'failed', 'cancelled'].includes(e.status)) return;
  if (e.status === 'initiating') {
    e.status = 'running';
    e.reason = 'Experiment is running.';
    e.startTime = now;
    return;
  }
  if (e.script === 'fail') {
    e.status = 'failed';
    e.reason = 'Target resolution failed: no resources found for target SpotInstances.';
  } else {
    e.status = 'completed';
    e.reason = 'Experiment completed.';
  }
  e.endTime = now;
}
