// The Kubernetes API client: the only module that imports @kubernetes/client-node. It loads a kubeconfig
// context or the in-cluster config, counts every request (for the bench), and retries throttling (429)
// and server errors (5xx) with backoff, honouring Retry-After.

import type { AgentOptions } from 'node:https';
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  HttpMethod,
  KubeConfig,
  PatchStrategy,
  ServerConfiguration,
  createConfiguration,
  RequestContext,
  setHeaderOptions,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { delimiter } from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import { GamedayError } from '../../errors.js';
import { defaultKubeconfig } from './kubeconfig-path.js';
import { readList } from './list-stream.js';
import { sleep } from '../../util/clock.js';
import { backoffMs, errorStatus } from './retry.js';

export { backoffMs, errorStatus } from './retry.js';

export interface KubeConnectOptions {
  /** Kubeconfig file; undefined → $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  /** The pod's service account (gameday running in the cluster). */
  inCluster?: boolean;
}

/** How many requests of each kind went to the API server. */
export interface RequestStats {
  total: number;
  byVerb: Record<string, number>;
  /** Requests repeated after a 429, a 5xx or a dropped connection. */
  retries: number;
}

/** One page of a list: plain objects, and where to continue. */
export interface ListPage {
  items: unknown[];
  resourceVersion: string;
  continue?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export type ListFn = (opts: ListOptions) => Promise<ListPage>;

/** A watch event as the API server sends it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

/** The outcome of an eviction: done, the pod was already gone, or refused (429: a PodDisruptionBudget). */
export type EvictionResult = { status: 'evicted' } | { status: 'gone' } | { status: 'refused'; message: string };

/** An API error with its HTTP status and the Status object's reason and message. */
export class KubeApiError extends GamedayError {
  readonly status: number;
  readonly reason: string | undefined;

  constructor(what: string, status: number, reason: string | undefined, message: string, cause?: unknown) {
    super(`${what}: HTTP ${status}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`, {
      kind: 'runtime',
      code: status === 403 ? 'K8S_FORBIDDEN' : `K8S_HTTP_${status}`,
      cause,
      target: what,
      ...(status === 403
        ? { hint: 'the Kubernetes user lacks a permission; `gameday rbac <scenario>` prints the Role it needs' }
        : {}),
    });
    this.status = status;
    this.reason = reason;
  }
}

const RETRYABLE_NETWORK = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|other side closed|EAI_AGAIN/;
const MAX_ATTEMPTS = 6;

function statusBody(error: unknown): { reason?: string; message?: string } {
  let body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return { message: String(body).slice(0, 300) };
    }
  }
  const b = (body ?? {}) as { reason?: unknown; message?: unknown };
  const out: { reason?: string; message?: string } = {};
  if (typeof b.reason === 'string') out.reason = b.reason;
  if (typeof b.message === 'string') out.message = b.message;
  return out;
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, string> } | null)?.headers;
  const v = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const s = v === undefined ? NaN : Number(v);
  return Number.isFinite(s) ? s * 1000 : undefined;
}

/** A non-2xx answer to a direct request, shaped like the library's ApiException (code, body, headers). */
class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP ${code}`);
  }

  /** From undici's answer: its headers flattened to strings. */
  static of(code: number, body: string, headers: Record<string, string | string[] | undefined>): HttpStatusError {
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k] = String(v);
    return new HttpStatusError(code, body, flat);
  }
}

const enc = encodeURIComponent;

/** Time one direct request may stay silent (socket inactivity) before it fails. */
const DIRECT_TIMEOUT_MS = 60_000;

/** Time a watch may stay silent before it is ended (the informer watches again); bookmarks keep it alive. */
const WATCH_IDLE_MS = 30_000;

/**
 * One keep-alive undici agent for a kubeconfig's https cluster, with the TLS options (CA, client
 * certificate, server name, skip-verify) that the library would give each request's own agent.
 */
async function sharedDispatcher(kc: KubeConfig): Promise<Dispatcher> {
  const tls: AgentOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const options = kc.createDispatcherOptions(kc.getCurrentCluster(), tls);
  return new Agent({ connections: 64, ...(options.type === 'agent' ? { connect: options.connect } : {}) });
}

const processStats: RequestStats = { total: 0, byVerb: {}, retries: 0 };

/** Requests made by every client in this process since it started (for the bench). */
export function processRequestStats(): RequestStats {
  return { total: processStats.total, byVerb: { ...processStats.byVerb }, retries: processStats.retries };
}

/** A connection to one cluster. Cheap to create; makes no request until used. */
export class KubeClient {
  readonly config: KubeConfig;
  /** API server URL, e.g. https://127.0.0.1:6443. */
  readonly server: string;
  readonly context: string;
  /** The kubeconfig file(s) loaded (a path list), undefined in a pod's in-cluster config. */
  readonly kubeconfig: string | undefined;
  /** True when the pod's service account is used: asked for, or no kubeconfig inside a pod. */
  readonly inCluster: boolean;
  readonly stats: RequestStats = { total: 0, byVerb: {}, retries: 0 };
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly authz: AuthorizationV1Api;
  /** One keep-alive dispatcher for every request (the library makes a new one, so a new TLS handshake, per call). */
  private dispatcher: Promise<Dispatcher> | undefined;
  private readonly auth: SecurityAuthentication;

  constructor(opts: KubeConnectOptions) {
    const kc = new KubeConfig();
    // Why resolved here and not by loadFromDefault: without any kubeconfig that falls back to an invented
    // "loaded-context" on localhost:8080, and every later message would name that instead of the cause.
    const files = opts.inCluster ? undefined : (opts.kubeconfig ?? defaultKubeconfig());
    const podConfig = files === undefined && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
    if (!opts.inCluster && files === undefined && !podConfig) {
      throw new GamedayError('no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist', {
        kind: 'invalid-input',
        code: 'K8S_CONFIG',
        hint: 'set KUBECONFIG or targets.kubernetes.kubeconfig to a kubeconfig file (or inCluster: true inside a pod)',
      });
    }
    this.inCluster = opts.inCluster === true || files === undefined;
    try {
      if (this.inCluster || files === undefined) kc.loadFromCluster();
      else {
        // A KUBECONFIG-style list: the first file, then the others merged in, as kubectl does.
        const [first, ...rest] = files.split(delimiter).filter((f) => f !== '');
        kc.loadFromFile(first ?? files);
        for (const f of rest) {
          const more = new KubeConfig();
          more.loadFromFile(f);
          kc.mergeConfig(more);
        }
      }
      this.kubeconfig = files;
    } catch (error) {
      throw new GamedayError(
        opts.inCluster
          ? 'cannot load the in-cluster Kubernetes config'
          : `cannot load kubeconfig ${files ?? '(in-cluster)'}`,
        {
          kind: 'invalid-input',
          code: 'K8S_CONFIG',
          cause: error,
          hint: opts.inCluster
            ? 'inCluster needs a pod with a service account token'
            : 'set targets.kubernetes.kubeconfig or KUBECONFIG to a readable kubeconfig file',
        },
      );
    }
    if (opts.context !== undefined && !opts.inCluster) {
      if (this.inCluster) {
        throw new GamedayError(
          `no kubeconfig has context "${opts.context}": this pod has none, only its service account`,
          {
            kind: 'invalid-input',
            code: 'K8S_CONTEXT',
            hint: 'inside a pod, leave targets.kubernetes.context out (the service account is used), or mount a kubeconfig and set KUBECONFIG',
          },
        );
      }
      const names = kc.getContexts().map((c) => c.name);
      if (!names.includes(opts.context)) {
        throw new GamedayError(`kubeconfig has no context "${opts.context}"`, {
          kind: 'invalid-input',
          code: 'K8S_CONTEXT',
          hint: `contexts in ${files ?? 'the kubeconfig'}: ${names.join(', ') || 'none'}`,
        });
      }
      kc.setCurrentContext(opts.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new GamedayError('the kubeconfig context names no cluster', { kind: 'invalid-input', code: 'K8S_CONFIG' });
    }
    this.config = kc;
    this.server = cluster.server;
    this.context = kc.getCurrentContext();
    // The kubeconfig still authenticates every request (tokens, exec plugins, client certificates);
    // only the connection is shared, so hundreds of evictions cost one handshake, not hundreds.
    const shareAgent = cluster.server.startsWith('https:') && !cluster.proxyUrl;
    const auth: SecurityAuthentication = {
      getName: () => 'kubeconfig with a shared keep-alive dispatcher',
      applySecurityAuthentication: async (context: RequestContext): Promise<void> => {
        await kc.applySecurityAuthentication(context);
        if (!shareAgent) return;
        this.dispatcher ??= sharedDispatcher(kc);
        context.setDispatcher(await this.dispatcher);
      },
    };
    this.auth = auth;
    const config = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: auth },
    });
    this.core = new CoreV1Api(config);
    this.apps = new AppsV1Api(config);
    this.authz = new AuthorizationV1Api(config);
  }

  /** Close the pooled connections (an idle keep-alive socket would keep the process alive). */
  close(): void {
    void this.dispatcher?.then((d) => d.destroy()).catch(() => undefined);
    this.dispatcher = undefined;
  }

  private count(verb: string): void {
    for (const s of [this.stats, processStats]) {
      s.total += 1;
      s.byVerb[verb] = (s.byVerb[verb] ?? 0) + 1;
    }
  }

  /**
   * One request without the generated client, answering the body's text. The hot calls (evictions,
   * pod deletes, node patches, list pages) go this way: at hundreds of calls a second the library's
   * object (de)serialisation and its per-call agent cost more CPU than the request itself, CPU the
   * API server needs. Authentication and the shared agent are the same as the library's requests;
   * a non-2xx answer throws an error shaped like its ApiException, so `call` retries and maps it alike.
   */
  private async direct(
    method: HttpMethod,
    path: string,
    opts: { body?: unknown; contentType?: string; signal?: AbortSignal } = {},
  ): Promise<string> {
    return (await this.send(method, path, opts)).text();
  }

  /** One request; a 2xx answer's body to read, or an HttpStatusError carrying the status. */
  private async send(
    method: HttpMethod,
    path: string,
    opts: { body?: unknown; contentType?: string; signal?: AbortSignal } = {},
  ): Promise<Dispatcher.ResponseData['body']> {
    const context = new RequestContext(`${this.server.replace(/\/+$/, '')}${path}`, method);
    await this.auth.applySecurityAuthentication(context);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...context.getHeaders(), accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const dispatcher = context.getDispatcher();
    const res = await request(context.getUrl(), {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      ...(dispatcher ? { dispatcher } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      // An API server that accepts the connection and never answers must not hold a fault or an undo forever.
      headersTimeout: DIRECT_TIMEOUT_MS,
      bodyTimeout: DIRECT_TIMEOUT_MS,
    });
    if (res.statusCode >= 200 && res.statusCode < 300) return res.body;
    throw HttpStatusError.of(res.statusCode, await res.body.text(), res.headers);
  }

  /**
   * Make one request with retries: 429 (API priority and fairness), 5xx and dropped connections are
   * retried with backoff; anything else becomes a KubeApiError. `retry429: false` hands every 429 back
   * to the caller (evictions: there a 429 is a PodDisruptionBudget's answer, not throttling).
   */
  async call<T>(
    verb: string,
    what: string,
    fn: () => Promise<T>,
    opts: { signal?: AbortSignal; retry429?: boolean } = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.count(verb);
      try {
        return await fn();
      } catch (error) {
        const status = errorStatus(error);
        const network = status === undefined && RETRYABLE_NETWORK.test(String((error as Error)?.message ?? error));
        const retryable =
          network || (status !== undefined && (status >= 500 || (status === 429 && opts.retry429 !== false)));
        if (!retryable || attempt + 1 >= MAX_ATTEMPTS || opts.signal?.aborted) {
          if (status === undefined) {
            throw new GamedayError(`${what}: ${String((error as Error)?.message ?? error)}`, {
              kind: 'runtime',
              code: 'K8S_REQUEST',
              cause: error,
              target: what,
            });
          }
          const body = statusBody(error);
          throw new KubeApiError(what, status, body.reason, body.message ?? '', error);
        }
        this.stats.retries += 1;
        processStats.retries += 1;
        await sleep(retryAfterMs(error) ?? backoffMs(attempt), opts.signal);
      }
    }
  }

  /**
   * One JSON request for objects without a typed helper here (Leases, ConfigMaps): the parsed answer, or
   * a KubeApiError carrying the status (404 gone, 409 conflict: a stale resourceVersion).
   */
  async json<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    what: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const verb = { GET: 'get', POST: 'create', PUT: 'update', DELETE: 'delete' }[method];
    const text = await this.call(
      verb,
      what,
      () =>
        this.direct(HttpMethod[method], path, {
          ...(body === undefined ? {} : { body }),
          ...(signal ? { signal } : {}),
        }),
      signal ? { signal } : {},
    );
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  // ---------- lists and watches ----------

  listPods(namespace: string): ListFn {
    return this.list(`list pods in ${namespace}`, `/api/v1/namespaces/${enc(namespace)}/pods`);
  }

  listNodes(): ListFn {
    return this.list('list nodes', '/api/v1/nodes');
  }

  listDeployments(namespace: string): ListFn {
    return this.list(`list deployments in ${namespace}`, `/apis/apps/v1/namespaces/${enc(namespace)}/deployments`);
  }

  listStatefulSets(namespace: string): ListFn {
    return this.list(`list statefulsets in ${namespace}`, `/apis/apps/v1/namespaces/${enc(namespace)}/statefulsets`);
  }

  listPdbs(namespace: string): ListFn {
    return this.list(
      `list poddisruptionbudgets in ${namespace}`,
      `/apis/policy/v1/namespaces/${enc(namespace)}/poddisruptionbudgets`,
    );
  }

  /**
   * Pages of a list as plain JSON, each item parsed on its own as the answer arrives (list-stream.ts says
   * why). Why not the generated client: it copies each page into its model classes (timestamps into Dates)
   * only for the informer to project it again. At 5,000 pods that copy was about a third of a sync's
   * garbage and ~40 % of its time.
   */
  private list(what: string, path: string): ListFn {
    return async (o) => {
      const { items, members } = await this.call('list', what, async () =>
        readList(await this.send(HttpMethod.GET, `${path}${listQuery(o)}`)),
      );
      const metadata = (members.metadata ?? {}) as { resourceVersion?: unknown; continue?: unknown };
      const out: ListPage = {
        items,
        resourceVersion: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '',
      };
      if (typeof metadata.continue === 'string' && metadata.continue !== '') out.continue = metadata.continue;
      return out;
    };
  }

  /**
   * Open a watch; resolves once the server accepted it. `onDone` gets null on a normal close, the error
   * otherwise (a non-200 answer carries its status, as `errorStatus` reads it). Why not the library's
   * Watch: it reads the body as a web stream converted back to a Node stream, which at 5,000 pods roughly
   * doubled the harness's peak heap; undici's `request` gives the Node stream directly.
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (e: WatchEvent) => void,
    onDone: (err: unknown) => void,
  ): Promise<{ abort(): void }> {
    this.count('watch');
    const q = new URLSearchParams({ watch: 'true' });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const context = new RequestContext(`${this.server.replace(/\/+$/, '')}${path}?${q.toString()}`, HttpMethod.GET);
    await this.auth.applySecurityAuthentication(context);
    const controller = new AbortController();
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const end = (err: unknown): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      controller.abort();
      onDone(err);
    };
    const idle = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () => end(new DOMException('the watch was silent too long', 'TimeoutError')),
        WATCH_IDLE_MS,
      ).unref();
    };
    try {
      idle();
      const dispatcher = context.getDispatcher();
      const res = await request(context.getUrl(), {
        method: 'GET',
        headers: { ...context.getHeaders(), accept: 'application/json' },
        ...(dispatcher ? { dispatcher } : {}),
        signal: controller.signal,
        headersTimeout: WATCH_IDLE_MS,
        // The idle timer above ends a silent watch; undici's own body timeout would race it.
        bodyTimeout: 0,
      });
      if (res.statusCode !== 200) {
        const text = await res.body.text().catch(() => '');
        throw HttpStatusError.of(res.statusCode, text, res.headers);
      }
      idle();
      const body = res.body;
      body.on('data', idle);
      body.on('error', end);
      body.on('end', () => end(null));
      body.on('close', () => end(null));
      const lines = createInterface({ input: body, crlfDelay: Infinity });
      // readline passes the body's errors on (an abort among them): handled here, never thrown.
      lines.on('error', end);
      lines.on('line', (line) => {
        if (ended || line === '') return;
        let data: { type?: unknown; object?: unknown };
        try {
          data = JSON.parse(line) as { type?: unknown; object?: unknown };
        } catch {
          return; // not JSON: a torn line of a closing connection
        }
        onEvent({ type: data.type as WatchEvent['type'], object: data.object });
      });
    } catch (error) {
      end(error);
    }
    return { abort: () => controller.abort() };
  }

  // ---------- pods ----------

  /** Delete a pod; "gone" when it no longer exists. */
  async deletePod(namespace: string, name: string, graceSeconds?: number): Promise<'deleted' | 'gone'> {
    try {
      const query = graceSeconds === undefined ? '' : `?gracePeriodSeconds=${graceSeconds}`;
      await this.call('delete', `delete pod ${namespace}/${name}`, () =>
        this.direct(HttpMethod.DELETE, `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}${query}`),
      );
      return 'deleted';
    } catch (error) {
      if (errorStatus(error) === 404) return 'gone';
      throw error;
    }
  }

  /** Evict a pod through policy/v1 Eviction. A 429 is returned as "refused", never retried here. */
  async evictPod(namespace: string, name: string, graceSeconds?: number): Promise<EvictionResult> {
    try {
      await this.call(
        'create',
        `evict pod ${namespace}/${name}`,
        () =>
          this.direct(HttpMethod.POST, `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}/eviction`, {
            body: {
              apiVersion: 'policy/v1',
              kind: 'Eviction',
              metadata: { name, namespace },
              ...(graceSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds: graceSeconds } }),
            },
          }),
        { retry429: false },
      );
      return { status: 'evicted' };
    } catch (error) {
      const status = errorStatus(error);
      if (status === 404) return { status: 'gone' };
      if (status === 429) return { status: 'refused', message: (error as Error).message };
      throw error;
    }
  }

  // ---------- nodes ----------

  /** The Node as plain JSON (as the API serves it), or undefined when it does not exist. */
  async getNode(name: string): Promise<Record<string, unknown> | undefined> {
    try {
      const text = await this.call('get', `get node ${name}`, () =>
        this.direct(HttpMethod.GET, `/api/v1/nodes/${enc(name)}`),
      );
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      if (errorStatus(error) === 404) return undefined;
      throw error;
    }
  }

  /** JSON merge patch of a node (labels, annotations, spec.unschedulable, spec.taints with resourceVersion). */
  async patchNode(name: string, patch: Record<string, unknown>): Promise<void> {
    await this.call('patch', `patch node ${name}`, () =>
      this.direct(HttpMethod.PATCH, `/api/v1/nodes/${enc(name)}`, {
        body: patch,
        contentType: PatchStrategy.MergePatch,
      }),
    );
  }

  /** Desired and ready replicas of a Deployment, and whether the controller has seen its latest spec. */
  async deploymentReplicas(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<{ desired: number; ready: number; observed: boolean }> {
    const d = await this.call(
      'get',
      `get deployment ${namespace}/${name}`,
      () => this.apps.readNamespacedDeployment({ namespace, name }),
      signal ? { signal } : {},
    );
    const generation = d.metadata?.generation ?? 0;
    return {
      desired: d.spec?.replicas ?? 1,
      ready: d.status?.readyReplicas ?? 0,
      observed: (d.status?.observedGeneration ?? 0) >= generation,
    };
  }

  /**
   * Set spec.replicas through the scale subresource (a JSON merge patch of deployments/scale): it needs
   * patch on deployments/scale only, which cannot change anything else of the Deployment (its image).
   */
  async setDeploymentReplicas(
    namespace: string,
    name: string,
    replicas: number,
    signal?: AbortSignal,
  ): Promise<number> {
    const scale = await this.call(
      'patch',
      `scale deployment ${namespace}/${name}`,
      () =>
        this.apps.patchNamespacedDeploymentScale(
          { namespace, name, body: { spec: { replicas } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      signal ? { signal } : {},
    );
    return scale.spec?.replicas ?? replicas;
  }

  async createNode(node: Record<string, unknown>): Promise<'created' | 'exists'> {
    try {
      const name = String((node.metadata as { name?: unknown } | undefined)?.name ?? '');
      await this.call('create', `create node ${name}`, () => this.core.createNode({ body: node as never }));
      return 'created';
    } catch (error) {
      if (errorStatus(error) === 409) return 'exists';
      throw error;
    }
  }

  async deleteNode(name: string): Promise<'deleted' | 'gone'> {
    try {
      await this.call('delete', `delete node ${name}`, () => this.core.deleteNode({ name }));
      return 'deleted';
    } catch (error) {
      if (errorStatus(error) === 404) return 'gone';
      throw error;
    }
  }

  // ---------- any object ----------

  /**
   * Server-side apply of one object at its REST path (created when missing), as field manager `manager`,
   * taking over fields another manager set (force). Answers the object as the server stored it.
   */
  async serverSideApply(path: string, obj: object, manager: string): Promise<Record<string, unknown>> {
    const query = `?fieldManager=${enc(manager)}&force=true`;
    const text = await this.call('patch', `apply ${path}`, () =>
      this.direct(HttpMethod.PATCH, `${path}${query}`, { body: obj, contentType: 'application/apply-patch+yaml' }),
    );
    return JSON.parse(text) as Record<string, unknown>;
  }

  /** Create an object in its collection (POST); 'exists' when one of that name is there already (409). */
  async createObject(collectionPath: string, obj: object): Promise<Record<string, unknown> | 'exists'> {
    try {
      const text = await this.call('create', `create ${collectionPath}`, () =>
        this.direct(HttpMethod.POST, collectionPath, { body: obj }),
      );
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      if (errorStatus(error) === 409) return 'exists';
      throw error;
    }
  }

  /** One object as the API serves it, or undefined when it does not exist. */
  async getObject(path: string, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
    try {
      const text = await this.call(
        'get',
        `get ${path}`,
        () => this.direct(HttpMethod.GET, path),
        signal ? { signal } : {},
      );
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      if (errorStatus(error) === 404) return undefined;
      throw error;
    }
  }

  /** Delete an object, and what it owns with it (background propagation); 'gone' when it did not exist. */
  async deleteObject(path: string): Promise<'deleted' | 'gone'> {
    try {
      await this.call('delete', `delete ${path}`, () =>
        this.direct(HttpMethod.DELETE, `${path}?propagationPolicy=Background`),
      );
      return 'deleted';
    } catch (error) {
      if (errorStatus(error) === 404) return 'gone';
      throw error;
    }
  }

  // ---------- authorization ----------

  /** SelfSubjectAccessReview: may the current user do `verb` on `resource` (in `namespace`; object `name`)? */
  async canI(attrs: {
    verb: string;
    group: string;
    resource: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  }): Promise<boolean> {
    const review = await this.call('create', 'selfsubjectaccessreview', () =>
      this.authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { ...attrs } },
        },
      }),
    );
    return review.status?.allowed === true;
  }
}

function listQuery(o: ListOptions): string {
  const q = new URLSearchParams();
  if (o.labelSelector !== undefined) q.set('labelSelector', o.labelSelector);
  if (o.fieldSelector !== undefined) q.set('fieldSelector', o.fieldSelector);
  if (o.limit !== undefined) q.set('limit', String(o.limit));
  if (o.continue !== undefined) q.set('continue', o.continue);
  const query = q.toString();
  return query === '' ? '' : `?${query}`;
}
