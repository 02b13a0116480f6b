// Applying manifests through the API (server-side apply), as `kubectl apply --server-side` would: each
// object at its REST path, in the order given, stopping at the first refusal.

import { GamedayError } from '../../errors.js';
import { KubeClient, type KubeConnectOptions } from './client.js';

export interface ApplyObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** The kinds gameday applies, with their resource names and whether they live in a namespace. */
const RESOURCES: Record<string, { resource: string; namespaced: boolean }> = {
  ServiceAccount: { resource: 'serviceaccounts', namespaced: true },
  ConfigMap: { resource: 'configmaps', namespaced: true },
  Role: { resource: 'roles', namespaced: true },
  RoleBinding: { resource: 'rolebindings', namespaced: true },
  ClusterRole: { resource: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { resource: 'clusterrolebindings', namespaced: false },
  CronJob: { resource: 'cronjobs', namespaced: true },
};

/** The REST path of an object, e.g. /apis/batch/v1/namespaces/gameday/cronjobs/gameday-pod-kill. Pure. */
export function objectPath(obj: ApplyObject): string {
  const r = RESOURCES[obj.kind];
  if (!r) {
    throw new GamedayError(`cannot apply a ${obj.kind}: gameday applies ${Object.keys(RESOURCES).join(', ')}`, {
      kind: 'runtime',
      code: 'K8S_KIND',
    });
  }
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  const ns = r.namespaced ? `/namespaces/${encodeURIComponent(obj.metadata.namespace ?? 'default')}` : '';
  return `${base}${ns}/${r.resource}/${encodeURIComponent(obj.metadata.name)}`;
}

export interface AppliedObject {
  kind: string;
  name: string;
  namespace?: string;
  /** The object's resourceVersion after the apply. */
  resourceVersion: string;
}

/** Server-side apply each object in order (field manager `gameday`); a refusal throws, naming the object. */
export async function applyManifests(
  access: KubeConnectOptions,
  objects: readonly ApplyObject[],
  onApplied?: (o: AppliedObject) => void,
): Promise<{ server: string; context: string; applied: AppliedObject[] }> {
  const client = new KubeClient(access);
  const applied: AppliedObject[] = [];
  try {
    for (const obj of objects) {
      const stored = await client.serverSideApply(objectPath(obj), obj, 'gameday');
      const meta = (stored['metadata'] ?? {}) as { resourceVersion?: string };
      const done: AppliedObject = {
        kind: obj.kind,
        name: obj.metadata.name,
        ...(obj.metadata.namespace === undefined ? {} : { namespace: obj.metadata.namespace }),
        resourceVersion: meta.resourceVersion ?? '',
      };
      applied.push(done);
      onApplied?.(done);
    }
    return { server: client.server, context: client.context, applied };
  } finally {
    client.close();
  }
}
