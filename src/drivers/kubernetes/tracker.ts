// Per-pod recovery times: for every pod a fault deletes or evicts, how long until its workload's
// replacement pod was scheduled and until it was Ready. Fed by the pod informers' watch events, so the
// times have the resolution of the watch (milliseconds), not of a poll.

import type { Informer, InformerChange } from './informer.js';
import type { PodInfo } from './objects.js';

/** One disrupted pod and its replacement. Times are performance.now() milliseconds. */
export interface PodTiming {
  pod: string;
  namespace: string;
  workload: string;
  /** When the delete or eviction call was made, or when a watch saw a pod disrupted by someone else. */
  deletedAt: number;
  replacement?: string;
  node?: string;
  /** Deleted → replacement scheduled (bound to a node). */
  rescheduleMs?: number;
  /** Deleted → replacement Ready. */
  readyMs?: number;
}

/** min / p50 / p95 / max of a set of durations (nearest rank). */
export interface Distribution {
  count: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

interface Victim {
  /** The disrupted pod's uid (a StatefulSet's replacement reuses the name, never the uid). */
  uid: string;
  timing: PodTiming;
  state: 'pending' | 'confirmed' | 'cancelled';
}

/** A new pod of a workload that no confirmed victim has claimed yet, with what the watches saw of it. */
interface Unclaimed {
  uid: string;
  name: string;
  workload: string;
  namespace: string;
  addedAt: number;
  scheduledAt?: number;
  node?: string;
  readyAt?: number;
}

/** Nearest-rank percentiles of `values` (ms, rounded to 0.1 ms); null when empty. */
export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  const r = (v: number): number => Math.round(v * 10) / 10;
  return {
    count: sorted.length,
    min: r(sorted[0] as number),
    p50: r(rank(50)),
    p95: r(rank(95)),
    max: r(sorted[sorted.length - 1] as number),
  };
}

/**
 * Matches disrupted pods to the replacements their workloads create, first in first out. Only a
 * confirmed disruption claims a replacement. Why: a request may still be refused (an eviction the
 * PodDisruptionBudget answers with 429) while the replacement of another pod of the same workload
 * appears; a pending attempt that took it would be cancelled with it, and every later match would be
 * off by one — the last pod would end with no replacement and no readiness. A replacement seen before
 * any confirmed victim needs it (the response of a delete can arrive after the new pod) waits, with
 * its times, until a victim is confirmed.
 */
export class PodTimingTracker {
  private readonly victims: Victim[] = [];
  /** Replacement pod uid → its victim. */
  private readonly byReplacement = new Map<string, Victim>();
  /** New pods of a workload not claimed by a victim (yet), by uid. */
  private readonly unclaimed = new Map<string, Unclaimed>();
  private readonly offs: Array<() => void> = [];
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** Follow the pods of one namespace. */
  attach(informer: Informer<PodInfo>): void {
    this.offs.push(informer.on((c) => this.onChange(c)));
  }

  detach(): void {
    for (const off of this.offs.splice(0)) off();
  }

  /**
   * Call right before the delete or eviction request (a replacement may be created before the response
   * arrives); then `confirm()` on success or `cancel()` when the request was refused.
   */
  expect(pod: PodInfo): { confirm(): void; cancel(): void } {
    const victim: Victim = {
      uid: pod.uid,
      state: 'pending',
      timing: {
        pod: pod.name,
        namespace: pod.namespace,
        workload: pod.workload ?? `Pod/${pod.name}`,
        deletedAt: this.now(),
      },
    };
    this.victims.push(victim);
    return {
      confirm: () => {
        if (victim.state !== 'pending') return;
        victim.state = 'confirmed';
        this.claim(victim);
      },
      cancel: () => {
        victim.state = 'cancelled';
      },
    };
  }

  /** Give `victim` the oldest unclaimed new pod of its workload created since it was disrupted. */
  private claim(victim: Victim): void {
    const t = victim.timing;
    const found = [...this.unclaimed.values()].find(
      (u) => u.workload === t.workload && u.namespace === t.namespace && u.name !== t.pod && u.addedAt >= t.deletedAt,
    );
    if (!found) return;
    this.unclaimed.delete(found.uid);
    t.replacement = found.name;
    this.byReplacement.set(found.uid, victim);
    if (found.scheduledAt !== undefined) {
      t.rescheduleMs = Math.max(0, found.scheduledAt - t.deletedAt);
      if (found.node !== undefined) t.node = found.node;
    }
    if (found.readyAt !== undefined) t.readyMs = Math.max(0, found.readyAt - t.deletedAt);
  }

  /**
   * Record a pod disrupted by someone else (a termination handler's drain, its node going away), with
   * `at` = when a watch saw it terminating or gone. False when the pod is already recorded (gameday's own
   * delete or eviction, or an earlier sighting).
   */
  observed(pod: PodInfo, at: number): boolean {
    if (this.victims.some((v) => v.uid === pod.uid && v.state !== 'cancelled')) return false;
    const victim: Victim = {
      uid: pod.uid,
      state: 'confirmed',
      timing: {
        pod: pod.name,
        namespace: pod.namespace,
        workload: pod.workload ?? `Pod/${pod.name}`,
        deletedAt: at,
      },
    };
    this.victims.push(victim);
    this.claim(victim);
    return true;
  }

  private onChange(c: InformerChange<PodInfo>): void {
    const pod = c.obj;
    if (c.type === 'delete') {
      this.unclaimed.delete(pod.uid);
      return;
    }
    let victim = this.byReplacement.get(pod.uid);
    if (victim === undefined && c.type === 'add' && pod.workload !== undefined) {
      // The oldest confirmed disruption of the same workload that has no replacement yet.
      victim = this.victims.find(
        (v) =>
          v.state === 'confirmed' &&
          v.timing.replacement === undefined &&
          v.timing.workload === pod.workload &&
          v.timing.namespace === pod.namespace &&
          v.timing.pod !== pod.name,
      );
      if (victim === undefined) {
        this.unclaimed.set(pod.uid, {
          uid: pod.uid,
          name: pod.name,
          workload: pod.workload,
          namespace: pod.namespace,
          addedAt: c.at,
        });
      } else {
        victim.timing.replacement = pod.name;
        this.byReplacement.set(pod.uid, victim);
      }
    }
    const waiting = this.unclaimed.get(pod.uid);
    if (waiting) {
      if (pod.scheduled && waiting.scheduledAt === undefined) {
        waiting.scheduledAt = c.at;
        if (pod.nodeName !== undefined) waiting.node = pod.nodeName;
      }
      if (pod.ready && waiting.readyAt === undefined) waiting.readyAt = c.at;
      return;
    }
    if (victim === undefined) return;
    const t = victim.timing;
    const elapsed = c.at - t.deletedAt;
    if (pod.scheduled && t.rescheduleMs === undefined) {
      t.rescheduleMs = Math.max(0, elapsed);
      if (pod.nodeName !== undefined) t.node = pod.nodeName;
    }
    if (pod.ready && t.readyMs === undefined) t.readyMs = Math.max(0, elapsed);
  }

  /** Every disrupted pod (refused evictions left out), in the order they were disrupted. */
  timings(): PodTiming[] {
    return this.victims.filter((v) => v.state !== 'cancelled').map((v) => ({ ...v.timing }));
  }
}
