// Opening a shared lock store from its journaled spec: a Kubernetes Lease store or an S3 store. The
// client libraries load only when a store of their kind is opened.

import type { SharedLockSpec, SharedLockStore } from '../runner/lock/shared.js';

/** Open the store `spec` names (a Lease store checks it reaches the same cluster first). */
export async function openLockStore(spec: SharedLockSpec, signal?: AbortSignal): Promise<SharedLockStore> {
  if (spec.kind === 'kubernetes-lease') {
    const { KubeLeaseStore } = await import('./kubernetes/lease-store.js');
    return KubeLeaseStore.open(spec, signal);
  }
  const { S3LockStore } = await import('./aws/s3-lock-store.js');
  return new S3LockStore(spec);
}
