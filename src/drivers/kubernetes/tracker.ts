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
  /** The uid of the replacement matched to it. */
  replacementUid?: string;
}

/** What the watch saw of a replacement pod (run-clock times), kept so that it can be handed to another victim. */
interface Replacement {
  name: string;
  node?: string;
  scheduledAt?: number;
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

/** Matches disrupted pods to the replacements their workloads create, first in first out. */
export class PodTimingTracker {
  private readonly victims: Victim[] = [];
  /** Replacement pod uid → its victim. */
  private readonly byReplacement = new Map<string, Victim>();
  /** Replacement pod uid → what the watch saw of it. */
  private readonly replacements = new Map<string, Replacement>();
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
        this.handOn(victim);
      },
    };
  }

  /**
   * A request refused after its victim was matched (a replacement created by another eviction while this one
   * waited for its 429): the replacement belongs to the oldest other victim of the workload still without one.
   */
  private handOn(cancelled: Victim): void {
    const uid = cancelled.replacementUid;
    if (uid === undefined) return;
    this.byReplacement.delete(uid);
    cancelled.replacementUid = undefined;
    const next = this.unmatched(cancelled.timing.workload, cancelled.timing.namespace, undefined);
    const seen = this.replacements.get(uid);
    if (next === undefined || seen === undefined) return;
    this.assign(next, uid, seen);
  }

  /** The oldest victim of `workload` that is not cancelled and has no replacement (and is not pod `name` itself). */
  private unmatched(workload: string, namespace: string, name: string | undefined): Victim | undefined {
    return this.victims.find(
      (v) =>
        v.state !== 'cancelled' &&
        v.replacementUid === undefined &&
        v.timing.workload === workload &&
        v.timing.namespace === namespace &&
        v.timing.pod !== name,
    );
  }

  /** Match replacement `uid` to `victim`, with what the watch saw of it so far. */
  private assign(victim: Victim, uid: string, seen: Replacement): void {
    victim.replacementUid = uid;
    this.byReplacement.set(uid, victim);
    const t = victim.timing;
    t.replacement = seen.name;
    if (seen.scheduledAt !== undefined) {
      t.rescheduleMs = Math.max(0, seen.scheduledAt - t.deletedAt);
      if (seen.node !== undefined) t.node = seen.node;
    } else {
      delete t.rescheduleMs;
      delete t.node;
    }
    if (seen.readyAt !== undefined) t.readyMs = Math.max(0, seen.readyAt - t.deletedAt);
    else delete t.readyMs;
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
    let seen = this.replacements.get(pod.uid);
    if (seen === undefined) {
      if (c.type !== 'add' || pod.workload === undefined) return;
      // The oldest disrupted pod of the same workload that has no replacement yet.
      const victim = this.unmatched(pod.workload, pod.namespace, pod.name);
      if (victim === undefined) return;
      seen = { name: pod.name };
      this.replacements.set(pod.uid, seen);
      this.assign(victim, pod.uid, seen);
    }
    if (pod.scheduled && seen.scheduledAt === undefined) {
      seen.scheduledAt = c.at;
      if (pod.nodeName !== undefined) seen.node = pod.nodeName;
    }
    if (pod.ready && seen.readyAt === undefined) seen.readyAt = c.at;
    const victim = this.byReplacement.get(pod.uid);
    if (victim !== undefined) this.assign(victim, pod.uid, seen);
  }

  /** Every disrupted pod (refused evictions left out), in the order they were disrupted. */
  timings(): PodTiming[] {
    return this.victims.filter((v) => v.state !== 'cancelled').map((v) => ({ ...v.timing }));
  }
}
