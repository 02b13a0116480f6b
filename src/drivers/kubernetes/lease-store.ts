// The shared target lock of a Kubernetes target: a coordination.k8s.io/v1 Lease in the target namespace
// (holder = run id and host, renewTime renewed while the run lives, leaseDurationSeconds = its lease),
// compare-and-swap through metadata.resourceVersion; the holder's journal is mirrored to a ConfigMap next
// to it. Opening the store checks it is the cluster the run acted on (API server and CA).

import { createHash } from 'node:crypto';
import { GamedayError } from '../../errors.js';
import { holderFrom } from '../../runner/lock/holder.js';
import type { LockHolder, LockRecord } from '../../runner/lock/types.js';
import type { SharedLockSpec, SharedLockStore } from '../../runner/lock/shared.js';
import { KubeClient } from './client.js';
import { describeKubeIdentity, kubeconfigExists, kubeIdentity } from './identity.js';
import { errorStatus } from './retry.js';

type LeaseSpec = Extract<SharedLockSpec, { kind: 'kubernetes-lease' }>;

const MANAGED = { 'app.kubernetes.io/managed-by': 'gameday' };
const KEY = 'gameday.dev/key';
const HOLDER = 'gameday.dev/holder';
const JOURNAL_FILE = 'journal.ndjson';

interface LeaseObject {
  metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; renewTime?: string; acquireTime?: string; leaseDurationSeconds?: number };
}

/** A Lease's MicroTime: RFC 3339 with six fractional digits. */
const micro = (iso: string): string =>
  iso.replace(/(\.\d{3})?Z$/, (_m, ms: string | undefined) => `${ms ?? '.000'}000Z`);
const leaseName = (key: string): string =>
  `gameday-lock-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
/** Run ids are "20261206T134500Z-ab12": lowercased they are valid object names. */
const journalName = (runId: string): string => `gameday-journal-${runId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;

const absent = (error: unknown): boolean => errorStatus(error) === 404;
const conflict = (error: unknown): boolean => errorStatus(error) === 409;

export class KubeLeaseStore implements SharedLockStore {
  readonly kind = 'kubernetes-lease';
  readonly location: string;
  private readonly leases: string;
  private readonly configMaps: string;

  private constructor(
    readonly spec: LeaseSpec,
    private readonly client: KubeClient,
  ) {
    this.location = `Lease namespace ${spec.namespace} on ${spec.server}`;
    const ns = encodeURIComponent(spec.namespace);
    this.leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    this.configMaps = `/api/v1/namespaces/${ns}/configmaps`;
  }

  /**
   * Open the store; refuses (TARGET_IDENTITY) when the credentials reach another cluster than the spec's.
   * The spec's kubeconfig while it exists here, else the current one (another machine, a container's
   * kubeconfig path): the identity check decides, as for the undos (faults/kubernetes/connect.ts).
   */
  static async open(spec: LeaseSpec, signal?: AbortSignal): Promise<KubeLeaseStore> {
    const kubeconfig = spec.kubeconfig !== undefined && kubeconfigExists(spec.kubeconfig) ? spec.kubeconfig : undefined;
    const client = new KubeClient({
      ...(kubeconfig === undefined ? {} : { kubeconfig }),
      ...(spec.context === undefined ? {} : { context: spec.context }),
      ...(spec.inCluster ? { inCluster: true } : {}),
    });
    try {
      const found = await kubeIdentity(client, signal);
      if (found.server !== spec.server || found.caSha256 !== spec.caSha256) {
        throw new GamedayError(
          `refusing to use the lock on ${describeKubeIdentity(found)}: it belongs to ${describeKubeIdentity({ server: spec.server, caSha256: spec.caSha256 })}`,
          {
            kind: 'invalid-input',
            code: 'TARGET_IDENTITY',
            target: found.server,
            hint: `point KUBECONFIG (context ${spec.context ?? '(current)'}) at the cluster the run acted on`,
          },
        );
      }
      return new KubeLeaseStore(spec, client);
    } catch (error) {
      client.close();
      throw error;
    }
  }

  describe(key: string): string {
    return `Lease ${this.spec.namespace}/${leaseName(key)} on ${this.spec.server}`;
  }

  private body(key: string, holder: LockHolder, renewedAt: string, resourceVersion?: string): LeaseObject {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: leaseName(key),
        ...(resourceVersion === undefined ? {} : { resourceVersion }),
        labels: { ...MANAGED, 'gameday.dev/lock': 'true' },
        annotations: { [KEY]: key, [HOLDER]: JSON.stringify(holder) },
      },
      spec: {
        holderIdentity: `${holder.runId}@${holder.host}`,
        acquireTime: micro(holder.since || renewedAt),
        renewTime: micro(renewedAt),
        ...((holder.leaseMs ?? holder.deadmanMs) === undefined
          ? {}
          : { leaseDurationSeconds: Math.ceil((holder.leaseMs ?? holder.deadmanMs ?? 0) / 1000) }),
      },
    } as LeaseObject;
  }

  private record(lease: LeaseObject): LockRecord | undefined {
    const a = lease.metadata.annotations ?? {};
    const key = a[KEY];
    if (key === undefined) return undefined;
    let stored: unknown;
    try {
      stored = JSON.parse(a[HOLDER] ?? '{}');
    } catch {
      // Edited by hand into something else: read as a holder that is gone (as a torn lock file).
    }
    const holder = holderFrom(stored);
    const renewed = Date.parse(lease.spec?.renewTime ?? '');
    return {
      key,
      holder,
      renewedAt: Number.isFinite(renewed) ? new Date(renewed).toISOString() : '',
      version: lease.metadata.resourceVersion ?? '',
    };
  }

  async create(key: string, holder: LockHolder, renewedAt: string): Promise<LockRecord | undefined> {
    try {
      const made = await this.client.json<LeaseObject>('POST', this.leases, `create ${this.describe(key)}`, {
        ...this.body(key, holder, renewedAt),
      });
      return this.record(made);
    } catch (error) {
      if (conflict(error)) return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<LockRecord | undefined> {
    try {
      const lease = await this.client.json<LeaseObject>(
        'GET',
        `${this.leases}/${leaseName(key)}`,
        `get ${this.describe(key)}`,
      );
      return this.record(lease);
    } catch (error) {
      if (absent(error)) return undefined;
      throw error;
    }
  }

  async replace(key: string, version: string, holder: LockHolder, renewedAt: string): Promise<LockRecord | undefined> {
    try {
      // Why the resourceVersion in the body: the API server answers 409 when the Lease changed since we read it.
      const lease = await this.client.json<LeaseObject>(
        'PUT',
        `${this.leases}/${leaseName(key)}`,
        `update ${this.describe(key)}`,
        this.body(key, holder, renewedAt, version),
      );
      return this.record(lease);
    } catch (error) {
      if (conflict(error) || absent(error)) return undefined;
      throw error;
    }
  }

  async remove(key: string, version: string): Promise<void> {
    try {
      await this.client.json('DELETE', `${this.leases}/${leaseName(key)}`, `delete ${this.describe(key)}`, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        preconditions: { resourceVersion: version },
      });
    } catch (error) {
      if (!conflict(error) && !absent(error)) throw error;
    }
  }

  async list(): Promise<LockRecord[]> {
    const list = await this.client.json<{ items?: LeaseObject[] }>(
      'GET',
      `${this.leases}?labelSelector=${encodeURIComponent('gameday.dev/lock=true')}`,
      `list gameday Leases in ${this.spec.namespace}`,
    );
    return (list.items ?? []).flatMap((l) => this.record(l) ?? []);
  }

  journalRef(runId: string): string {
    return `ConfigMap ${this.spec.namespace}/${journalName(runId)}`;
  }

  async writeJournal(runId: string, text: string, signal?: AbortSignal): Promise<void> {
    const path = `${this.configMaps}/${journalName(runId)}`;
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: journalName(runId), labels: { ...MANAGED, 'gameday.dev/journal': 'true' } },
      data: { [JOURNAL_FILE]: text },
    };
    // Only this run writes its journal: a plain update, or a create the first time.
    try {
      await this.client.json('PUT', path, `update ${this.journalRef(runId)}`, body, signal);
    } catch (error) {
      if (!absent(error)) throw error;
      await this.client.json('POST', this.configMaps, `create ${this.journalRef(runId)}`, body, signal);
    }
  }

  async readJournal(runId: string): Promise<string | undefined> {
    try {
      const cm = await this.client.json<{ data?: Record<string, string> }>(
        'GET',
        `${this.configMaps}/${journalName(runId)}`,
        `get ${this.journalRef(runId)}`,
      );
      return cm.data?.[JOURNAL_FILE];
    } catch (error) {
      if (absent(error)) return undefined;
      throw error;
    }
  }

  async removeJournal(runId: string): Promise<void> {
    try {
      await this.client.json('DELETE', `${this.configMaps}/${journalName(runId)}`, `delete ${this.journalRef(runId)}`);
    } catch (error) {
      if (!absent(error)) throw error;
    }
  }

  close(): void {
    this.client.close();
  }
}
