// A minimal Kubernetes REST client for the fixture: HTTPS with client certificates via
// undici, server-side apply of YAML manifests, and kubeconfig reading/writing.
// The harness itself uses @kubernetes/client-node; this only sets the test bed up.

import fs from 'node:fs';
import { Agent, fetch } from 'undici';
import YAML from 'yaml';

/** kind -> [plural, namespaced]; apiVersion picks /api/v1 or /apis/<group>/<version>. */
const RESOURCES = {
  Namespace: ['namespaces', false],
  Node: ['nodes', false],
  Pod: ['pods', true],
  Service: ['services', true],
  ServiceAccount: ['serviceaccounts', true],
  ConfigMap: ['configmaps', true],
  Deployment: ['deployments', true],
  ReplicaSet: ['replicasets', true],
  PodDisruptionBudget: ['poddisruptionbudgets', true],
  Role: ['roles', true],
  RoleBinding: ['rolebindings', true],
  ClusterRole: ['clusterroles', false],
  ClusterRoleBinding: ['clusterrolebindings', false],
  FlowSchema: ['flowschemas', false],
  PriorityLevelConfiguration: ['prioritylevelconfigurations', false],
  CustomResourceDefinition: ['customresourcedefinitions', false],
};

export class KubeError extends Error {
  constructor(method, path, status, body) {
    const reason = body && typeof body === 'object' ? body.message || body.reason : String(body).slice(0, 300);
    super(`${method} ${path} -> ${status}${reason ? `: ${reason}` : ''}`);
    this.status = status;
    this.body = body;
  }
}

/** The collection path of a resource kind (namespace may be omitted for cluster-scoped). */
export function collectionPath(apiVersion, kind, namespace) {
  const entry = RESOURCES[kind];
  if (!entry) throw new Error(`the fixture's client does not know kind ${kind}`);
  const [plural, namespaced] = entry;
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  if (namespaced && !namespace) throw new Error(`${kind} needs a namespace`);
  return namespaced ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}

export function objectPath(obj) {
  return `${collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace)}/${obj.metadata.name}`;
}

/** Parse a multi-document YAML file into objects (empty documents skipped). */
export function readManifests(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((obj) => obj && obj.kind);
}

export class KubeClient {
  /**
   * @param {{server: string, ca: string|Buffer, cert: string|Buffer, key: string|Buffer, connections?: number}} opts
   */
  constructor({ server, ca, cert, key, connections = 16 }) {
    this.server = server.replace(/\/$/, '');
    this.agent = new Agent({ connect: { ca, cert, key }, connections, keepAliveTimeout: 10_000 });
  }

  /** A client for one context of a kubeconfig file with embedded data (as the fixture writes). */
  static fromKubeconfig(file, contextName) {
    const config = YAML.parse(fs.readFileSync(file, 'utf8'));
    const name = contextName ?? config['current-context'];
    const context = config.contexts.find((c) => c.name === name)?.context;
    if (!context) throw new Error(`${file}: no context ${name}`);
    const cluster = config.clusters.find((c) => c.name === context.cluster).cluster;
    const user = config.users.find((u) => u.name === context.user).user;
    const data = (inline, filePath) => (inline ? Buffer.from(inline, 'base64') : fs.readFileSync(filePath));
    return new KubeClient({
      server: cluster.server,
      ca: data(cluster['certificate-authority-data'], cluster['certificate-authority']),
      cert: data(user['client-certificate-data'], user['client-certificate']),
      key: data(user['client-key-data'], user['client-key']),
    });
  }

  /**
   * Send a request. Returns the parsed JSON body (or text). Throws KubeError on a status
   * outside 2xx unless it is listed in `allow`, in which case `{status, body}` is returned.
   */
  async request(method, path, { body, contentType = 'application/json', allow = [], timeoutMs = 30_000 } = {}) {
    const res = await fetch(this.server + path, {
      method,
      dispatcher: this.agent,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (e.g. /readyz)
    }
    if (allow.includes(res.status)) return { status: res.status, body: parsed };
    if (res.status < 200 || res.status > 299) throw new KubeError(method, path, res.status, parsed);
    return parsed;
  }

  get(path, opts) {
    return this.request('GET', path, opts);
  }

  /** Server-side apply (idempotent create-or-update) of one object. */
  apply(obj, fieldManager = 'gameday-fixture') {
    return this.request('PATCH', `${objectPath(obj)}?fieldManager=${fieldManager}&force=true`, {
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
  }

  /** Create an object; an existing one (409) is left as it is. */
  async create(obj) {
    const res = await this.request('POST', collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace), {
      body: obj,
      allow: [409],
    });
    return res && res.status === 409 ? null : res;
  }

  close() {
    return this.agent.close();
  }
}

/** A kubeconfig document with embedded credentials. users: [{name, cert, key}] (PEM). */
export function kubeconfigYaml({ server, caPem, users, currentContext, namespace, clusterName = 'gameday-k8s' }) {
  const b64 = (pem) => Buffer.from(pem).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: users.map((u) => ({
      name: u.name,
      user: { 'client-certificate-data': b64(u.cert), 'client-key-data': b64(u.key) },
    })),
    contexts: users.map((u) => ({
      name: u.name,
      context: { cluster: clusterName, user: u.name, ...(namespace ? { namespace } : {}) },
    })),
    'current-context': currentContext ?? users[0].name,
    preferences: {},
  });
}

/** A kubeconfig for a component that points at PEM files on disk. */
export function componentKubeconfigYaml({ server, caFile, certFile, keyFile, name }) {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'gameday-k8s', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name, user: { 'client-certificate': certFile, 'client-key': keyFile } }],
    contexts: [{ name, context: { cluster: 'gameday-k8s', user: name } }],
    'current-context': name,
  });
}
