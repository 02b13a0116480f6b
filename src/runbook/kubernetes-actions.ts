// Runbook actions on Kubernetes: scale a Deployment (the DR cluster's fleet, usually a second kube
// context). They connect from the step's own arguments (kubeconfig path + context), so the journal
// holds only those names, never a token or a key, and `gameday rollback` can reconnect after a crash.

import type { KubeClient, KubeConnectOptions } from '../drivers/kubernetes/client.js';
import { GamedayError } from '../errors.js';
import type { UndoAction } from '../runner/journal.js';
import { sleep } from '../util/clock.js';
import type { ActionArgs, RunbookAction, VerifyOutcome } from './types.js';

/** Where a Deployment lives: plain data, journaled as is. */
export interface DeploymentRef {
  kubeconfig?: string;
  context: string;
  namespace: string;
  deployment: string;
}

/** Desired and ready replicas of a Deployment, as the API server reports them now. */
export interface DeploymentReplicas {
  desired: number;
  ready: number;
  /** The controller has seen the latest spec (status.observedGeneration >= metadata.generation). */
  observed: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
const MAX_REPLICAS = 10_000;

/** The Deployment a kubernetes-scale step's args name (pure; `gameday rbac` and preflight read it too). */
export function refFrom(args: ActionArgs): DeploymentRef {
  return {
    ...(isStr(args['kubeconfig']) ? { kubeconfig: args['kubeconfig'] } : {}),
    context: String(args['context']),
    namespace: String(args['namespace']),
    deployment: String(args['deployment']),
  };
}

/** Use the cluster of `ref` for one call; the connection is closed afterwards. */
async function withClient<T>(ref: DeploymentRef, fn: (client: KubeClient) => Promise<T>): Promise<T> {
  const opts: KubeConnectOptions = { context: ref.context };
  if (ref.kubeconfig !== undefined) opts.kubeconfig = ref.kubeconfig;
  // Loaded on first use: runbooks without a Kubernetes step never load the client library.
  const { KubeClient } = await import('../drivers/kubernetes/client.js');
  const client = new KubeClient(opts);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Desired / ready replicas of the Deployment (a GET; a missing Deployment is a KubeApiError 404). */
export function deploymentReplicas(ref: DeploymentRef, signal?: AbortSignal): Promise<DeploymentReplicas> {
  return withClient(ref, (client) => client.deploymentReplicas(ref.namespace, ref.deployment, signal));
}

/** Set spec.replicas (idempotent). Returns spec.replicas as the patch left it. */
export function scaleDeployment(ref: DeploymentRef, replicas: number, signal?: AbortSignal): Promise<number> {
  return withClient(ref, (client) => client.setDeploymentReplicas(ref.namespace, ref.deployment, replicas, signal));
}

const verdict = (r: DeploymentReplicas, want: number): VerifyOutcome => ({
  ok: r.desired === want && r.observed && r.ready >= want,
  detail: `${r.ready}/${want} ready${r.desired === want ? '' : ` (spec.replicas ${r.desired})`}`,
});

/**
 * `kubernetes-scale {kubeconfig?, context, namespace, deployment, replicas}`: set the Deployment's
 * replicas. Verified when spec.replicas is `replicas` and at least that many are ready; rolled back
 * (and undone by `gameday rollback`) to the count captured before the step.
 */
export const kubernetesScale: RunbookAction = {
  name: 'kubernetes-scale',
  check(args) {
    const errors: string[] = [];
    if (args['kubeconfig'] !== undefined && !isStr(args['kubeconfig'])) {
      errors.push('args.kubeconfig must be the path of a kubeconfig file');
    }
    if (!isStr(args['context'])) errors.push('args.context must name a kubeconfig context, e.g. "dr-cluster"');
    if (!isStr(args['namespace']) || !DNS_LABEL.test(args['namespace'])) {
      errors.push('args.namespace must name a namespace');
    }
    if (!isStr(args['deployment'])) errors.push('args.deployment must name a Deployment');
    const n = args['replicas'];
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > MAX_REPLICAS) {
      errors.push(`args.replicas must be 0..${MAX_REPLICAS}`);
    }
    return errors;
  },
  describe: (args) =>
    `scale deployment ${String(args['namespace'])}/${String(args['deployment'])} (context ${String(args['context'])}) to ${String(args['replicas'])} replicas`,
  async capture(args, ctx) {
    return { previous: (await deploymentReplicas(refFrom(args), ctx.signal)).desired };
  },
  async execute(args, ctx, state) {
    const ref = refFrom(args);
    const now = await scaleDeployment(ref, Number(args['replicas']), ctx.signal);
    return `deployment ${ref.namespace}/${ref.deployment} scaled ${String(state['previous'])} → ${now}`;
  },
  async verify(args, ctx): Promise<VerifyOutcome> {
    return verdict(await deploymentReplicas(refFrom(args), ctx.signal), Number(args['replicas']));
  },
  async rollback(args, ctx, state) {
    const ref = refFrom(args);
    const previous = Number(state['previous']);
    await scaleDeployment(ref, previous, ctx.signal);
    return `deployment ${ref.namespace}/${ref.deployment} back to ${previous} replicas`;
  },
  undo: (args, state): UndoAction => ({
    driver: 'kubernetes',
    op: 'scale-deployment',
    // Paths and names only: the kubeconfig's credentials stay in the file.
    args: { ...refFrom(args), replicas: state['previous'] },
  }),
};

/**
 * The `kubernetes:scale-deployment` undo (src/faults/undo.ts): scale back to `replicas`, then wait
 * until that many are ready (or `timeoutMs` passes: rollback incomplete). Idempotent.
 */
export async function undoScaleDeployment(
  args: Record<string, unknown>,
  ctx: { signal: AbortSignal; timeoutMs: number },
): Promise<string> {
  const replicas = args['replicas'];
  for (const key of ['context', 'namespace', 'deployment']) {
    if (!isStr(args[key])) {
      throw new GamedayError(`undo argument "${key}" is missing`, { kind: 'runtime', code: 'UNDO_ARGS' });
    }
  }
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    throw new GamedayError('undo argument "replicas" is missing', { kind: 'runtime', code: 'UNDO_ARGS' });
  }
  const ref = refFrom(args);
  const want = replicas as number;
  await scaleDeployment(ref, want, ctx.signal);
  const deadline = performance.now() + ctx.timeoutMs;
  for (;;) {
    const v = verdict(await deploymentReplicas(ref, ctx.signal), want);
    if (v.ok) return `deployment ${ref.namespace}/${ref.deployment} at ${want} replicas: ${v.detail}`;
    if (performance.now() > deadline) {
      throw new GamedayError(
        `deployment ${ref.namespace}/${ref.deployment} not back at ${want} replicas after ${Math.round(ctx.timeoutMs / 1000)}s (${v.detail})`,
        { kind: 'rollback-incomplete', code: 'DEPLOYMENT_NOT_SCALED', phase: 'rollback' },
      );
    }
    await sleep(250, ctx.signal);
  }
}

export const kubernetesActions: readonly RunbookAction[] = [kubernetesScale];
