// Undo handlers of the Kubernetes faults. They take only the journal's plain data (kubeconfig path,
// context, names, the saved Node object — never a token), so `gameday rollback <run-dir>` can replay
// them in a new process after a crash. All are idempotent and verify their result.

import type { KubeCluster } from '../../drivers/kubernetes/cluster.js';
import type { NodeInfo } from '../../drivers/kubernetes/objects.js';
import { matchesLabels } from '../../drivers/kubernetes/objects.js';
import { GamedayError } from '../../errors.js';
import { formatDuration } from '../../util/duration.js';
import { drainable, mapLimit, updateTaints } from './common.js';
import type { KubernetesAccess } from './types.js';

interface UndoContext {
  signal: AbortSignal;
  timeoutMs: number;
}

type Args = Record<string, unknown>;

/** Taints the node lifecycle controller puts on a NotReady node; gone again once it is Ready. */
const NOT_READY_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** The journal form of how to reach the cluster. */
export function accessArgs(access: KubernetesAccess): Args {
  const out: Args = { inCluster: access.inCluster };
  if (access.kubeconfig !== undefined) out['kubeconfig'] = access.kubeconfig;
  if (access.context !== undefined) out['context'] = access.context;
  if (access.identity !== undefined) {
    out['server'] = access.identity.server;
    out['caSha256'] = access.identity.caSha256;
  }
  return out;
}

function accessFrom(args: Args): KubernetesAccess {
  const a: KubernetesAccess = { inCluster: args['inCluster'] === true };
  if (typeof args['kubeconfig'] === 'string') a.kubeconfig = args['kubeconfig'];
  if (typeof args['context'] === 'string') a.context = args['context'];
  // Journals written before identities were recorded have no server: they are not checked.
  if (typeof args['server'] === 'string') {
    a.identity = { server: args['server'], caSha256: typeof args['caSha256'] === 'string' ? args['caSha256'] : null };
  }
  return a;
}

function str(args: Args, key: string): string {
  const v = args[key];
  if (typeof v !== 'string') {
    throw new GamedayError(`undo argument "${key}" is missing`, { kind: 'runtime', code: 'UNDO_ARGS' });
  }
  return v;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

async function withCluster<T>(args: Args, fn: (c: KubeCluster) => Promise<T>): Promise<T> {
  // Loaded on first use: a rollback of a journal without Kubernetes entries never loads the client library.
  const { reconnectCluster } = await import('./connect.js');
  const cluster = await reconnectCluster(accessFrom(args));
  try {
    return await fn(cluster);
  } finally {
    await cluster.close();
  }
}

function incomplete(message: string, code: string): GamedayError {
  return new GamedayError(message, { kind: 'rollback-incomplete', code, phase: 'rollback' });
}

/** Nodes Ready, schedulable unless they were cordoned before, and without NotReady or gameday taints. */
function nodeRestored(n: NodeInfo | undefined, keepCordoned: boolean, extraTaint?: string): boolean {
  return (
    n !== undefined &&
    n.ready &&
    (keepCordoned || !n.unschedulable) &&
    !n.taints.some((t) => NOT_READY_TAINTS.includes(t.key) || t.key === extraTaint)
  );
}

async function waitNodes(
  cluster: KubeCluster,
  names: string[],
  keepCordoned: ReadonlySet<string>,
  ctx: UndoContext,
  extraTaint?: string,
): Promise<string> {
  const nodes = await cluster.nodes();
  const pending = (): string[] => names.filter((n) => !nodeRestored(nodes.get('', n), keepCordoned.has(n), extraTaint));
  const ok = await cluster.until([nodes], () => pending().length === 0, ctx.timeoutMs, ctx.signal);
  if (!ok) {
    throw incomplete(
      `node(s) ${pending().join(', ')} not Ready and untainted within ${formatDuration(ctx.timeoutMs)}`,
      'K8S_NODES_NOT_RESTORED',
    );
  }
  return `${names.length} node(s) Ready, schedulable, untainted`;
}

export const kubernetesUndoHandlers: Record<string, (args: Args, ctx: UndoContext) => Promise<string>> = {
  /** After load.k6.operator created a TestRun: it and its script ConfigMap deleted, and gone. */
  async 'kubernetes:delete-k6-testrun'(args, ctx) {
    const ref = { namespace: str(args, 'namespace'), testRun: str(args, 'testRun'), configMap: str(args, 'configMap') };
    const { deleteK6TestRun } = await import('../../drivers/kubernetes/k6-testrun.js');
    return withCluster(args, (cluster) => deleteK6TestRun(cluster.client, ref, ctx.timeoutMs, ctx.signal));
  },

  /** After pod-kill: as many matching pods Ready as before the fault. */
  async 'kubernetes:ensure-pods-ready'(args, ctx) {
    return withCluster(args, async (cluster) => {
      const namespace = str(args, 'namespace');
      const labels = (args['labels'] ?? {}) as Record<string, string>;
      const want = Number(args['ready'] ?? 0);
      const pods = await cluster.pods(namespace);
      const ready = (): number =>
        [...pods.values()].filter((p) => p.ready && !p.terminating && matchesLabels(p.labels, labels)).length;
      const ok = await cluster.until([pods], () => ready() >= want, ctx.timeoutMs, ctx.signal);
      if (!ok) {
        throw incomplete(
          `only ${ready()}/${want} pods Ready in ${namespace} after ${formatDuration(ctx.timeoutMs)}`,
          'K8S_PODS_NOT_READY',
        );
      }
      return `${ready()}/${want} pods Ready in ${namespace}`;
    });
  },

  /** After spot-interruption: the node back (re-created from the saved object if deleted), uncordoned, taint and annotation removed. */
  async 'kubernetes:restore-node'(args, ctx) {
    return withCluster(args, async (cluster) => {
      const saved = (args['node'] ?? {}) as Record<string, unknown>;
      const name = String((saved.metadata as { name?: unknown } | undefined)?.name ?? '');
      const taint = str(args, 'taint');
      const annotation = str(args, 'annotation');
      const wasCordoned = args['unschedulable'] === true;
      let action = 'restored';
      const exists = await updateTaints(cluster, name, (taints) => taints.filter((t) => t.key !== taint), {
        metadata: { annotations: { [annotation]: null } },
        spec: { unschedulable: wasCordoned ? true : null },
      });
      if (!exists) {
        // Why re-create: the instance went away with the interruption; the Node object is what the
        // scheduler needs to place pods there again (in the fixture kwok then plays its kubelet).
        await cluster.client.createNode(saved);
        action = 're-created';
      }
      const verified = await waitNodes(cluster, [name], new Set(wasCordoned ? [name] : []), ctx, taint);
      return `node ${name} ${action}: ${verified}`;
    });
  },

  /**
   * After gameday drained a node for a cloud spot interruption: uncordoned (unless it was cordoned before),
   * taint and annotation removed. A node that is gone went with its instance and is never re-created.
   */
  async 'kubernetes:release-node'(args, ctx) {
    return withCluster(args, async (cluster) => {
      const name = str(args, 'name');
      const taint = str(args, 'taint');
      const annotation = str(args, 'annotation');
      const wasCordoned = args['unschedulable'] === true;
      const exists = await updateTaints(cluster, name, (taints) => taints.filter((t) => t.key !== taint), {
        metadata: { annotations: { [annotation]: null } },
        spec: { unschedulable: wasCordoned ? true : null },
      });
      if (!exists) return `node ${name} is gone with its instance: nothing to release`;
      // Why not wait for Ready: the instance may be terminating; releasing is all gameday owes the node.
      const nodes = await cluster.nodes();
      const released = (): boolean => {
        const n = nodes.get('', name);
        return n === undefined || ((wasCordoned || !n.unschedulable) && !n.taints.some((t) => t.key === taint));
      };
      if (!(await cluster.until([nodes], released, ctx.timeoutMs, ctx.signal))) {
        throw incomplete(
          `node ${name} still cordoned or tainted ${taint} after ${formatDuration(ctx.timeoutMs)}`,
          'K8S_NODE_NOT_RELEASED',
        );
      }
      return `node ${name} released: ${wasCordoned ? 'left cordoned as before' : 'uncordoned'}, taint ${taint} removed`;
    });
  },

  /** After zone-outage: NotReady label off, nodes uncordoned, leftover pods deleted, nodes Ready again. */
  async 'kubernetes:restore-zone'(args, ctx) {
    return withCluster(args, async (cluster) => {
      const names = strings(args['nodes']);
      const cordonedBefore = new Set(strings(args['cordonedBefore']));
      const labelKey = typeof args['labelKey'] === 'string' ? args['labelKey'] : undefined;
      const taintKey = typeof args['taintKey'] === 'string' ? args['taintKey'] : undefined;
      await mapLimit(names, 32, async (name) => {
        const patch: Record<string, unknown> = {};
        if (labelKey !== undefined) patch['metadata'] = { labels: { [labelKey]: null } };
        if (!cordonedBefore.has(name)) patch['spec'] = { unschedulable: null };
        try {
          await cluster.client.patchNode(name, patch);
          if (taintKey !== undefined)
            await updateTaints(cluster, name, (taints) => taints.filter((t) => t.key !== taintKey));
        } catch (error) {
          if ((error as { status?: number }).status !== 404) throw error;
        }
      });
      // Pods left on a node that was NotReady stay Ready=False until deleted: remove them so their
      // controllers replace them.
      const inZone = new Set(names);
      let removed = 0;
      for (const ns of strings(args['podNamespaces'])) {
        const pods = await cluster.pods(ns);
        const leftovers = [...pods.values()].filter((p) => inZone.has(p.nodeName ?? '') && drainable(p) && !p.ready);
        await mapLimit(leftovers, 32, async (p) => {
          if ((await cluster.client.deletePod(p.namespace, p.name)) === 'deleted') removed += 1;
        });
      }
      const verified = await waitNodes(cluster, names, cordonedBefore, ctx, taintKey);
      return `zone ${String(args['zone'] ?? '')} restored: ${verified}${removed ? `; ${removed} leftover pod(s) deleted` : ''}`;
    });
  },
};
