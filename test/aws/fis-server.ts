// A FIS endpoint on loopback for runs of the real CLI in child processes. moto stores experiment templates
// but does not run experiments, so this tiny HTTP server speaks FIS's REST-JSON protocol (API reference
// 2020-12-01) itself:
// - template operations (/experimentTemplates…) are forwarded to moto unchanged, signature headers included;
// - StartExperiment (POST /experiments), GetExperiment (GET /experiments/{id}), StopExperiment
//   (DELETE /experiments/{id}), ListExperiments (GET /experiments) and ListExperimentResolvedTargets
//   (GET /experiments/{id}/resolvedTargets) are answered here, with the documented shapes: Experiment,
//   ExperimentState {status, reason}, ExperimentAction {actionId, state, startTime, endTime}, ResolvedTarget
//   {resourceType, targetName, targetInformation}; timestamps as epoch seconds (restJson1).
// gameday reaches it as a plain endpoint (targets.aws.endpoints.fis); nothing in gameday knows it is a fake.
// With moto enforcing IAM (`iam`), every experiment request is first sent to moto as it came, signature
// intact, so moto authorizes it against the caller's policies; a refusal is passed back unchanged, and
// only an authorized request is answered here (moto's own answer to it is not used).
// Options let a test choose the instances an experiment resolves to, how long it runs (a spot
// interruption's notice) and what happens when it ends (what AWS does to an interrupted instance).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FisClient, GetExperimentTemplateCommand } from '@aws-sdk/client-fis';
import { forwardToMoto } from './forward.js';
import type { AddressInfo } from 'node:net';

/** How an experiment moves on successive GetExperiment calls. */
export type FisScript = 'complete' | 'run-until-stopped';

export interface FakeExperiment {
  id: string;
  templateId: string;
  status: string;
  reason: string;
  actions: Record<string, { actionId: string; targets?: Record<string, string> }>;
  targets: Record<string, { resourceType?: string }>;
  tags: Record<string, string>;
  actionsMode: string;
  clientToken: string;
  startTime?: number;
  endTime?: number;
  /** EC2 instance ids the targets resolved to, when the test chose them (FisServerOptions.resolveInstances). */
  instances?: string[];
  /** The region the StartExperiment request was signed for (its ARNs name it). */
  region?: string;
}

export interface FisServerOptions {
  /** The EC2 instances a new experiment's targets resolve to (default: one made-up instance per target). */
  resolveInstances?(e: FakeExperiment): string[] | Promise<string[]>;
  /** A run-all experiment completes this long after it started running (default: at the next GetExperiment). */
  runMs?: number;
  /** Called once when a run-all experiment starts running (a spot interruption: the notice goes out). */
  onRunning?(e: FakeExperiment): void;
  /** Called once when a run-all experiment completes (a spot interruption: the notice elapsed). */
  onCompleted?(e: FakeExperiment): void;
  /** moto enforces IAM: authorize each experiment request there; read templates as this admin. */
  iam?: { admin(): { accessKeyId: string; secretAccessKey: string } };
}

export interface FisServer {
  endpoint: string;
  /** Every request as "METHOD /path" (query stripped), in order. */
  calls: string[];
  experiments: FakeExperiment[];
  close(): Promise<void>;
}

const TERMINAL = ['completed', 'stopped', 'failed', 'cancelled'];
const REGION = 'us-west-2';
const ACCOUNT = '123456789012';

/** The region a SigV4 request was signed for (`Credential=<key>/<date>/<region>/fis/aws4_request`). */
function signedRegion(req: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? '')?.[1];
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, payload: unknown, errorType?: string): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function view(e: FakeExperiment) {
  const actionStatus = e.status === 'initiating' ? 'pending' : e.actionsMode === 'skip-all' ? 'skipped' : e.status;
  return {
    id: e.id,
    arn: `arn:aws:fis:${e.region ?? REGION}:${ACCOUNT}:experiment/${e.id}`,
    experimentTemplateId: e.templateId,
    state: { status: e.status, reason: e.reason },
    targets: Object.fromEntries(
      Object.entries(e.targets).map(([n, t]) => [n, { resourceType: t.resourceType, selectionMode: 'ALL' }]),
    ),
    actions: Object.fromEntries(
      Object.entries(e.actions).map(([n, a]) => [
        n,
        {
          actionId: a.actionId,
          targets: a.targets,
          state: { status: actionStatus, reason: `Action ${actionStatus}.` },
          ...(e.startTime && actionStatus !== 'pending' ? { startTime: secs(e.startTime) } : {}),
          ...(e.endTime ? { endTime: secs(e.endTime) } : {}),
        },
      ]),
    ),
    stopConditions: [{ source: 'none' }],
    creationTime: secs(e.startTime ?? Date.now()),
    ...(e.startTime ? { startTime: secs(e.startTime) } : {}),
    ...(e.endTime ? { endTime: secs(e.endTime) } : {}),
    tags: e.tags,
    experimentOptions: { accountTargeting: 'single-account', actionsMode: e.actionsMode },
  };
}

/** One step along the script per GetExperiment. */
function advance(e: FakeExperiment, script: FisScript, opts: FisServerOptions): void {
  const runAll = e.actionsMode !== 'skip-all';
  if (e.status === 'stopping') {
    Object.assign(e, { status: 'stopped', reason: 'Experiment stopped by user.', endTime: Date.now() });
  } else if (e.status === 'initiating') {
    Object.assign(e, { status: 'running', reason: 'Experiment is running.', startTime: Date.now() });
    if (runAll) opts.onRunning?.(e);
  } else if (
    e.status === 'running' &&
    (!runAll || (script === 'complete' && (opts.runMs === undefined || Date.now() - (e.startTime ?? 0) >= opts.runMs)))
  ) {
    Object.assign(e, { status: 'completed', reason: 'Experiment completed.', endTime: Date.now() });
    if (runAll) opts.onCompleted?.(e);
  }
}

/** Start the fake on 127.0.0.1; template calls go to `motoEndpoint`. */
export async function startFisServer(
  motoEndpoint: string,
  script: FisScript = 'complete',
  opts: FisServerOptions = {},
): Promise<FisServer> {
  const calls: string[] = [];
  const experiments: FakeExperiment[] = [];
  const forward = async (req: IncomingMessage, res: ServerResponse, text: string): Promise<void> => {
    const r = await forwardToMoto(motoEndpoint, req, text);
    const pass: Record<string, string> = { 'content-type': r.headers['content-type'] ?? 'application/json' };
    const type = r.headers['x-amzn-errortype'];
    if (type) pass['x-amzn-errortype'] = type;
    res.writeHead(r.status, pass);
    res.end(r.text);
  };
  /** Ask moto whether the caller may make this request; false (and moto's refusal sent) when not. */
  const authorized = async (req: IncomingMessage, res: ServerResponse, text: string): Promise<boolean> => {
    const r = await forwardToMoto(motoEndpoint, req, text);
    if (r.status !== 401 && r.status !== 403) return true;
    res.writeHead(r.status, { 'content-type': r.headers['content-type'] ?? 'application/json' });
    res.end(r.text);
    return false;
  };
  /** The template as moto has it (undefined when it has none of that id). */
  const template = async (req: IncomingMessage, id: string): Promise<Record<string, unknown> | undefined> => {
    if (opts.iam) {
      const client = new FisClient({
        region: signedRegion(req) ?? REGION,
        endpoint: motoEndpoint,
        credentials: opts.iam.admin(),
      });
      try {
        const t = await client.send(new GetExperimentTemplateCommand({ id }));
        return t.experimentTemplate as Record<string, unknown> | undefined;
      } catch {
        return undefined;
      } finally {
        client.destroy();
      }
    }
    // Without IAM, moto checks no signature: the caller's own headers do.
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && ['authorization', 'x-amz-date', 'x-amz-security-token'].includes(k)) headers[k] = v;
    const t = await fetch(`${motoEndpoint}/experimentTemplates/${encodeURIComponent(id)}`, { headers });
    if (t.status !== 200) return undefined;
    return ((await t.json()) as { experimentTemplate?: Record<string, unknown> }).experimentTemplate ?? {};
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fis');
    const method = req.method ?? 'GET';
    calls.push(`${method} ${url.pathname}`);
    const text = await body(req);
    if (url.pathname.startsWith('/experimentTemplates')) return forward(req, res, text);
    if (opts.iam && !(await authorized(req, res, text))) return;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'experiments') return send(res, 404, { message: 'unknown path' }, 'ResourceNotFoundException');
    if (method === 'POST' && parts.length === 1) {
      const input = JSON.parse(text || '{}') as {
        experimentTemplateId: string;
        clientToken: string;
        tags?: Record<string, string>;
        experimentOptions?: { actionsMode?: string };
      };
      const again = experiments.find((e) => e.clientToken === input.clientToken);
      if (again) return send(res, 200, { experiment: view(again) });
      // The template must exist, as FIS checks.
      const tpl = await template(req, input.experimentTemplateId);
      if (!tpl) {
        return send(
          res,
          404,
          { message: `Experiment template ${input.experimentTemplateId} not found` },
          'ResourceNotFoundException',
        );
      }
      const e: FakeExperiment = {
        id: `EXP${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
        templateId: input.experimentTemplateId,
        status: 'initiating',
        reason: 'Experiment is initiating.',
        actions: (tpl['actions'] ?? {}) as FakeExperiment['actions'],
        targets: (tpl['targets'] ?? {}) as FakeExperiment['targets'],
        tags: input.tags ?? {},
        actionsMode: input.experimentOptions?.actionsMode ?? 'run-all',
        clientToken: input.clientToken,
      };
      const region = signedRegion(req);
      if (region !== undefined) e.region = region;
      if (opts.resolveInstances) e.instances = await opts.resolveInstances(e);
      experiments.push(e);
      return send(res, 200, { experiment: view(e) });
    }
    if (method === 'GET' && parts.length === 1) {
      return send(res, 200, {
        experiments: experiments.map((e) => ({
          id: e.id,
          arn: `arn:aws:fis:${e.region ?? REGION}:${ACCOUNT}:experiment/${e.id}`,
          experimentTemplateId: e.templateId,
          state: { status: e.status, reason: e.reason },
          tags: e.tags,
        })),
      });
    }
    const e = experiments.find((x) => x.id === parts[1]);
    if (!e) return send(res, 404, { message: `Experiment ${parts[1]} not found` }, 'ResourceNotFoundException');
    if (method === 'GET' && parts[2] === 'resolvedTargets') {
      if (e.instances) {
        const [name, target] = Object.entries(e.targets)[0] ?? ['Instances', {}];
        return send(res, 200, {
          resolvedTargets: e.instances.map((id) => ({
            resourceType: target.resourceType,
            targetName: name,
            targetInformation: { arn: `arn:aws:ec2:${e.region ?? REGION}:${ACCOUNT}:instance/${id}` },
          })),
        });
      }
      return send(res, 200, {
        resolvedTargets: Object.entries(e.targets).map(([n, t], i) => ({
          resourceType: t.resourceType,
          targetName: n,
          targetInformation: { arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0${i}abcdef0123456789` },
        })),
      });
    }
    if (method === 'GET') {
      advance(e, script, opts);
      return send(res, 200, { experiment: view(e) });
    }
    if (method === 'DELETE') {
      if (TERMINAL.includes(e.status)) {
        return send(
          res,
          400,
          { message: `Experiment ${e.id} is ${e.status} and cannot be stopped` },
          'ValidationException',
        );
      }
      Object.assign(e, { status: 'stopping', reason: 'Stopping experiment.' });
      return send(res, 200, { experiment: view(e) });
    }
    return send(res, 405, { message: 'method not allowed' }, 'ValidationException');
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }, 'InternalServerError'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    experiments,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
