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

/** Matches disrupted pods to the replacements their workloads create, first in first out. */
export class PodTimingTracker {
  private readonly victims: Victim[] = [];
  /** Replacement pod uid → its victim. */
  private readonly byReplacement = new Map<string, Victim>();
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
        if (victim.state === 'pending') victim.state = 'confirmed';
      },
      cancel: () => {
        victim.state = 'cancelled';
      },
    };
  }

  /**
   * Record a pod disrupted by someone else (a termination handler's drain, its node going away), with
   * `at` = when a watch saw it terminating or gone. False when the pod is already recorded (gameday's own
   * delete or eviction, or an earlier sighting).
   */
  observed(pod: PodInfo, at: number): boolean {
    if (this.victims.some((v) => v.uid === pod.uid && v.state !== 'cancelled')) return false;
    this.victims.push({
      uid: pod.uid,
      state: 'confirmed',
      timing: {
        pod: pod.name,
        namespace: pod.namespace,
        workload: pod.workload ?? `Pod/${pod.name}`,
        deletedAt: at,
      },
    });
    return true;
  }

  private onChange(c: InformerChange<PodInfo>): void {
    const pod = c.obj;
    if (c.type === 'delete') return;
    let victim = this.byReplacement.get(pod.uid);
    if (victim === undefined && c.type === 'add' && pod.workload !== undefined) {
      // The oldest disrupted pod of the same workload that has no replacement yet.
      victim = this.victims.find(
        (v) =>
          v.state !== 'cancelled' &&
          v.timing.replacement === undefined &&
          v.timing.workload === pod.workload &&
          v.timing.namespace === pod.namespace &&
          v.timing.pod !== pod.name,
      );
      if (victim === undefined) return;
      victim.timing.replacement = pod.name;
      this.byReplacement.set(pod.uid, victim);
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
