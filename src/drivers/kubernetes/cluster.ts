// One cluster as gameday sees it during a run: the API client plus informers started on demand
// (pods per namespace, nodes, Deployments, StatefulSets, PodDisruptionBudgets). Probes, selection and
// waits read the caches, so sampling costs no request; waits wake on watch events, not on a poll.

import { GamedayError } from '../../errors.js';
import { KubeClient, type KubeConnectOptions } from './client.js';
import { Informer } from './informer.js';
import {
  matchesLabels,
  nodeInfo,
  pdbInfo,
  podInfo,
  workloadInfo,
  type NodeInfo,
  type PdbInfo,
  type PodInfo,
  type WorkloadInfo,
} from './objects.js';

const enc = encodeURIComponent;

/** A cluster connection with lazily started, shared informers. */
export class KubeCluster {
  readonly client: KubeClient;
  private readonly informers = new Map<string, Promise<Informer<unknown>>>();
  /** Informers whose cache is synced, by key ("pods/<ns>", "nodes", "deployments/<ns>" …). */
  private readonly started = new Map<string, Informer<unknown>>();
  private readonly log: (message: string) => void;

  constructor(client: KubeClient, opts: { log?(message: string): void } = {}) {
    this.client = client;
    this.log = opts.log ?? (() => undefined);
  }

  /** Connect from a kubeconfig context or in-cluster config (no request is made yet). */
  static open(opts: KubeConnectOptions, log?: (message: string) => void): KubeCluster {
    return new KubeCluster(new KubeClient(opts), log ? { log } : {});
  }

  private informer<T>(key: string, make: () => Informer<T>): Promise<Informer<T>> {
    let p = this.informers.get(key) as Promise<Informer<T>> | undefined;
    if (!p) {
      p = (async () => {
        const inf = make();
        await inf.start();
        this.started.set(key, inf as Informer<unknown>);
        return inf;
      })();
      this.informers.set(key, p as Promise<Informer<unknown>>);
      p.catch(() => this.informers.delete(key));
    }
    return p;
  }

  pods(namespace: string): Promise<Informer<PodInfo>> {
    return this.informer(
      `pods/${namespace}`,
      () =>
        new Informer(this.client, {
          name: `pods in ${namespace}`,
          path: `/api/v1/namespaces/${enc(namespace)}/pods`,
          list: this.client.listPods(namespace),
          project: podInfo,
          log: this.log,
        }),
    );
  }

  nodes(): Promise<Informer<NodeInfo>> {
    return this.informer(
      'nodes',
      () =>
        new Informer(this.client, {
          name: 'nodes',
          path: '/api/v1/nodes',
          list: this.client.listNodes(),
          project: nodeInfo,
          log: this.log,
        }),
    );
  }

  workloads(namespace: string, kind: WorkloadInfo['kind']): Promise<Informer<WorkloadInfo>> {
    const plural = kind === 'Deployment' ? 'deployments' : 'statefulsets';
    return this.informer(
      `${plural}/${namespace}`,
      () =>
        new Informer(this.client, {
          name: `${plural} in ${namespace}`,
          path: `/apis/apps/v1/namespaces/${enc(namespace)}/${plural}`,
          list:
            kind === 'Deployment' ? this.client.listDeployments(namespace) : this.client.listStatefulSets(namespace),
          project: (raw) => workloadInfo(kind, raw),
          log: this.log,
        }),
    );
  }

  pdbs(namespace: string): Promise<Informer<PdbInfo>> {
    return this.informer(
      `pdbs/${namespace}`,
      () =>
        new Informer(this.client, {
          name: `poddisruptionbudgets in ${namespace}`,
          path: `/apis/policy/v1/namespaces/${enc(namespace)}/poddisruptionbudgets`,
          list: this.client.listPdbs(namespace),
          project: pdbInfo,
          log: this.log,
        }),
    );
  }

  /** An informer that is already started (for synchronous cache reads), or undefined. */
  private peek<T>(key: string): Informer<T> | undefined {
    return this.started.get(key) as Informer<T> | undefined;
  }

  // ---------- cache reads for probes (no request) ----------

  /** Desired / ready / available replicas of a workload from the cache. */
  workload(namespace: string, kind: WorkloadInfo['kind'], name: string): WorkloadInfo | undefined {
    const plural = kind === 'Deployment' ? 'deployments' : 'statefulsets';
    return this.peek<WorkloadInfo>(`${plural}/${namespace}`)?.get(namespace, name);
  }

  pdb(namespace: string, name: string): PdbInfo | undefined {
    return this.peek<PdbInfo>(`pdbs/${namespace}`)?.get(namespace, name);
  }

  /** Pods matching `labels` (not terminating) and their restarts in all. */
  podRestarts(namespace: string, labels: Record<string, string>): { pods: number; restarts: number } {
    const inf = this.peek<PodInfo>(`pods/${namespace}`);
    let pods = 0;
    let restarts = 0;
    for (const p of inf?.values() ?? []) {
      if (!matchesLabels(p.labels, labels)) continue;
      pods += 1;
      restarts += p.restarts;
    }
    return { pods, restarts };
  }

  /** Nodes (of one zone) and how many are Ready. */
  nodesReady(zone?: string): { total: number; ready: number } {
    const inf = this.peek<NodeInfo>('nodes');
    let total = 0;
    let ready = 0;
    for (const n of inf?.values() ?? []) {
      if (zone !== undefined && n.zone !== zone) continue;
      total += 1;
      if (n.ready) ready += 1;
    }
    return { total, ready };
  }

  /**
   * Resolve true as soon as `check()` holds, re-checking on every change of `informers`, or false when
   * `timeoutMs` passes. Event-driven: no request is made while waiting.
   */
  async until(
    informers: ReadonlyArray<{ on(listener: () => void): () => void }>,
    check: () => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (check()) return true;
    return new Promise<boolean>((resolve, reject) => {
      const offs: Array<() => void> = [];
      const finish = (value: boolean | Error): void => {
        clearTimeout(timer);
        for (const off of offs) off();
        signal?.removeEventListener('abort', onAbort);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      const onChange = (): void => {
        if (check()) finish(true);
      };
      const onAbort = (): void =>
        finish(
          signal?.reason instanceof Error
            ? signal.reason
            : new GamedayError('aborted', { kind: 'aborted', code: 'ABORTED' }),
        );
      const timer = setTimeout(() => finish(check()), timeoutMs);
      for (const inf of informers) offs.push(inf.on(onChange));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stop every informer. */
  async close(): Promise<void> {
    await Promise.all([...this.started.values()].map((i) => i.stop()));
    this.client.close();
  }
}
