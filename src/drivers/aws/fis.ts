// AWS Fault Injection Service: templates, experiments, their states. FIS has no waiters, so waiting is
// polling GetExperiment with backoff.

import {
  CreateExperimentTemplateCommand,
  DeleteExperimentTemplateCommand,
  GetExperimentCommand,
  ListExperimentResolvedTargetsCommand,
  ListExperimentTemplatesCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
  type Experiment,
  type FisClient,
} from '@aws-sdk/client-fis';
import { GamedayError } from '../../errors.js';
import { sleep } from '../../util/clock.js';
import { FIS_TERMINAL, type FisExperimentView, type FisResolvedTarget, type FisTemplateInput } from './types.js';

export interface StartExperimentInput {
  templateId: string;
  /** Idempotency token: a retried start never starts a second experiment. */
  clientToken: string;
  tags?: Record<string, string>;
  /** skip-all: resolve targets without injecting (a preview for `gameday plan`). */
  actionsMode?: 'skip-all' | 'run-all';
}

export interface PollOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** First poll interval (default 1s); grows ×1.5 up to maxIntervalMs (default 10s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Hears every experiment view polled. */
  onPoll?(view: FisExperimentView): void;
}

type Stack = {
  add(
    mw: (
      next: (args: { input: unknown; request?: unknown }) => Promise<unknown>,
      ctx: { commandName?: string },
    ) => (args: { input: unknown; request?: unknown }) => Promise<unknown>,
    opts: { step: 'build'; name: string; override?: boolean; priority?: 'high' },
  ): void;
};

const patched = new WeakSet<object>();

/**
 * Why: the FIS client the registry offers (3.523) predates StartExperiment's `experimentOptions`
 * (actionsMode), and its serializer drops unknown fields. This adds the documented field to the JSON body.
 */
function addStartOptions(client: FisClient): void {
  if (patched.has(client)) return;
  patched.add(client);
  (client.middlewareStack as unknown as Stack).add(
    (next, ctx) => async (args) => {
      const options = (args.input as { experimentOptions?: unknown }).experimentOptions;
      const request = args.request as { body?: unknown; headers?: Record<string, string> } | undefined;
      if (ctx.commandName === 'StartExperimentCommand' && options && typeof request?.body === 'string') {
        const body = JSON.parse(request.body) as Record<string, unknown>;
        body['experimentOptions'] = options;
        const text = JSON.stringify(body);
        request.body = text;
        if (request.headers?.['content-length'] !== undefined)
          request.headers['content-length'] = String(Buffer.byteLength(text));
      }
      return next(args);
    },
    { step: 'build', name: 'gamedayFisStartOptions', override: true, priority: 'high' },
  );
}

/** Convert the SDK's Experiment into gameday's plain view. */
export function experimentView(e: Experiment | undefined, fallbackId = ''): FisExperimentView {
  const state = (e?.state ?? {}) as { status?: string; reason?: string; error?: FisExperimentView['error'] };
  return {
    id: e?.id ?? fallbackId,
    ...(e?.experimentTemplateId === undefined ? {} : { templateId: e.experimentTemplateId }),
    status: state.status ?? 'pending',
    ...(state.reason === undefined ? {} : { reason: state.reason }),
    ...(state.error === undefined ? {} : { error: state.error }),
    ...(e?.startTime === undefined ? {} : { startTime: new Date(e.startTime) }),
    ...(e?.endTime === undefined ? {} : { endTime: new Date(e.endTime) }),
    actions: Object.entries(e?.actions ?? {}).map(([name, a]) => ({
      name,
      actionId: a.actionId ?? '',
      status: a.state?.status ?? 'pending',
      ...(a.state?.reason === undefined ? {} : { reason: a.state.reason }),
      ...(a.startTime === undefined ? {} : { startTime: new Date(a.startTime) }),
      ...(a.endTime === undefined ? {} : { endTime: new Date(a.endTime) }),
    })),
    tags: e?.tags ?? {},
  };
}

function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? '';
}

/** FIS operations gameday uses, on one client. */
export class FisDriver {
  readonly client: FisClient;

  constructor(client: FisClient) {
    this.client = client;
    addStartOptions(client);
  }

  /** CreateExperimentTemplate; returns the new template id. */
  async createTemplate(input: FisTemplateInput, signal?: AbortSignal): Promise<string> {
    const out = await this.client.send(new CreateExperimentTemplateCommand(input), { abortSignal: signal });
    const id = out.experimentTemplate?.id;
    if (!id)
      throw new GamedayError('FIS CreateExperimentTemplate returned no template id', {
        kind: 'runtime',
        code: 'FIS_NO_TEMPLATE_ID',
      });
    return id;
  }

  /** DeleteExperimentTemplate; a template that is already gone counts as deleted. */
  async deleteTemplate(id: string, signal?: AbortSignal): Promise<'deleted' | 'already gone'> {
    try {
      await this.client.send(new DeleteExperimentTemplateCommand({ id }), { abortSignal: signal });
      return 'deleted';
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return 'already gone';
      throw error;
    }
  }

  /** Ids of templates whose tags include every pair in `tags`. */
  async findTemplates(tags: Record<string, string>, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(new ListExperimentTemplatesCommand({ maxResults: 100, nextToken }), {
        abortSignal: signal,
      });
      for (const t of out.experimentTemplates ?? []) {
        if (t.id && Object.entries(tags).every(([k, v]) => t.tags?.[k] === v)) ids.push(t.id);
      }
      nextToken = out.nextToken;
    } while (nextToken);
    return ids;
  }

  /** StartExperiment with a client token. */
  async startExperiment(input: StartExperimentInput, signal?: AbortSignal): Promise<FisExperimentView> {
    const request = {
      experimentTemplateId: input.templateId,
      clientToken: input.clientToken,
      ...(input.tags === undefined ? {} : { tags: input.tags }),
      ...(input.actionsMode === undefined ? {} : { experimentOptions: { actionsMode: input.actionsMode } }),
    };
    const out = await this.client.send(new StartExperimentCommand(request), { abortSignal: signal });
    return experimentView(out.experiment);
  }

  async getExperiment(id: string, signal?: AbortSignal): Promise<FisExperimentView> {
    const out = await this.client.send(new GetExperimentCommand({ id }), { abortSignal: signal });
    return experimentView(out.experiment, id);
  }

  /** StopExperiment; stopping one that already ended is not an error. Returns the status after the call. */
  async stopExperiment(id: string, signal?: AbortSignal): Promise<string> {
    try {
      const out = await this.client.send(new StopExperimentCommand({ id }), { abortSignal: signal });
      return experimentView(out.experiment, id).status;
    } catch (error) {
      const name = errorName(error);
      if (name === 'ResourceNotFoundException') return 'not found';
      if (name === 'ValidationException' || name === 'ConflictException') {
        const now = await this.getExperiment(id, signal);
        if (FIS_TERMINAL.includes(now.status)) return now.status;
      }
      throw error;
    }
  }

  /** Experiments started from `templateId` (FIS's ListExperiments has no server-side filter in this SDK). */
  async findExperiments(templateId: string, signal?: AbortSignal): Promise<Array<{ id: string; status: string }>> {
    const found: Array<{ id: string; status: string }> = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(new ListExperimentsCommand({ maxResults: 100, nextToken }), {
        abortSignal: signal,
      });
      for (const e of out.experiments ?? []) {
        if (e.id && e.experimentTemplateId === templateId)
          found.push({ id: e.id, status: e.state?.status ?? 'pending' });
      }
      nextToken = out.nextToken;
    } while (nextToken);
    return found;
  }

  /** The resources FIS resolved each target to. */
  async resolvedTargets(experimentId: string, signal?: AbortSignal): Promise<FisResolvedTarget[]> {
    const targets: FisResolvedTarget[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(
        new ListExperimentResolvedTargetsCommand({ experimentId, maxResults: 100, nextToken }),
        { abortSignal: signal },
      );
      for (const t of out.resolvedTargets ?? []) {
        targets.push({
          targetName: t.targetName ?? '',
          resourceType: t.resourceType ?? '',
          info: t.targetInformation ?? {},
        });
      }
      nextToken = out.nextToken;
    } while (nextToken);
    return targets;
  }

  /** Poll GetExperiment with backoff until `done(view)` or the time runs out (throws FIS_WAIT_TIMEOUT). */
  async waitFor(id: string, done: (v: FisExperimentView) => boolean, opts: PollOptions): Promise<FisExperimentView> {
    const deadline = performance.now() + opts.timeoutMs;
    let interval = opts.intervalMs ?? 1000;
    for (;;) {
      const view = await this.getExperiment(id, opts.signal);
      opts.onPoll?.(view);
      if (done(view)) return view;
      if (performance.now() + interval > deadline) {
        throw new GamedayError(
          `FIS experiment ${id} is still ${view.status} after ${Math.round(opts.timeoutMs / 1000)}s`,
          { kind: 'runtime', code: 'FIS_WAIT_TIMEOUT', target: `fis experiment ${id}` },
        );
      }
      await sleep(interval, opts.signal);
      interval = Math.min(Math.round(interval * 1.5), opts.maxIntervalMs ?? 10_000);
    }
  }

  /** StopExperiment, then wait until FIS reports a terminal state. */
  async stopAndWait(id: string, opts: PollOptions): Promise<string> {
    const after = await this.stopExperiment(id, opts.signal);
    if (FIS_TERMINAL.includes(after) || after === 'not found') return after;
    const view = await this.waitFor(id, (v) => FIS_TERMINAL.includes(v.status), opts);
    return view.status;
  }
}
