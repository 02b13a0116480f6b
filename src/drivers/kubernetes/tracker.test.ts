import { describe, expect, it } from 'vitest';
import type { InformerChange } from './informer.js';
import type { PodInfo } from './objects.js';
import { PodTimingTracker } from './tracker.js';

/** A tracker on a hand-driven informer and clock. */
function harness() {
  let now = 0;
  const listeners: Array<(c: InformerChange<PodInfo>) => void> = [];
  const tracker = new PodTimingTracker(() => now);
  tracker.attach({ on: (l: (c: InformerChange<PodInfo>) => void) => (listeners.push(l), () => undefined) } as never);
  const pod = (name: string, extra: Partial<PodInfo> = {}): PodInfo => ({
    uid: `uid-${name}`,
    name,
    namespace: 'production',
    labels: { app: 'connectkit' },
    phase: 'Running',
    scheduled: true,
    ready: true,
    createdAt: 0,
    terminating: false,
    restarts: 0,
    mirror: false,
    workload: 'Deployment/connectkit-app',
    ...extra,
  });
  return {
    tracker,
    pod,
    at(t: number) {
      now = t;
    },
    /** A new pod of the workload appears, is scheduled and becomes Ready. */
    add(name: string, t: number) {
      now = t;
      for (const l of listeners) l({ type: 'add', obj: pod(name, { scheduled: false, ready: false }), at: t });
    },
    update(name: string, t: number, state: Partial<PodInfo>) {
      now = t;
      const obj = pod(name, state);
      for (const l of listeners) l({ type: 'update', obj, old: obj, at: t });
    },
  };
}

describe('PodTimingTracker', () => {
  it('an eviction refused (429) while another pod’s replacement appears never takes that replacement', () => {
    // As seen on a spot interruption of three pods under a budget allowing two disruptions: evictions of
    // a, c and b go out together; c's is refused and retried until the budget allows it.
    const h = harness();
    h.at(0);
    const a = h.tracker.expect(h.pod('a'));
    const c0 = h.tracker.expect(h.pod('c'));
    const b = h.tracker.expect(h.pod('b'));
    h.at(40);
    b.confirm();
    h.add('r1', 55); // a replacement: b is the oldest confirmed disruption without one
    h.add('r2', 590); // another, while a's eviction is still answering: it waits for a confirmed victim
    h.at(591);
    a.confirm();
    h.at(605);
    c0.cancel(); // 429: the budget allows no more disruptions
    h.update('r1', 4000, { scheduled: true, ready: true, nodeName: 'on-demand-0' });
    h.update('r2', 600, { scheduled: true, ready: false, nodeName: 'on-demand-1' });
    h.update('r2', 4600, { scheduled: true, ready: true, nodeName: 'on-demand-1' });
    h.at(5000);
    h.tracker.expect(h.pod('c')).cancel(); // refused again
    h.at(7000);
    h.tracker.expect(h.pod('c')).confirm();
    h.add('r3', 7050);
    h.update('r3', 7100, { scheduled: true, ready: false, nodeName: 'on-demand-2' });
    h.update('r3', 11000, { scheduled: true, ready: true, nodeName: 'on-demand-2' });

    const timings = h.tracker.timings();
    expect(timings.map((t) => [t.pod, t.replacement, t.rescheduleMs, t.readyMs, t.deletedAt])).toEqual([
      ['a', 'r2', 600, 4600, 0],
      ['b', 'r1', 4000, 4000, 0],
      ['c', 'r3', 100, 4000, 7000],
    ]);
    // Every disrupted pod has its readiness: what the report's pods.readiness.count is made of.
    expect(timings.filter((t) => t.readyMs !== undefined)).toHaveLength(3);
  });

  it('a replacement already scheduled and Ready before the disruption is confirmed keeps its times', () => {
    const h = harness();
    h.at(100);
    const v = h.tracker.expect(h.pod('v'));
    h.add('n', 120);
    h.update('n', 130, { scheduled: true, ready: false, nodeName: 'node-1' });
    h.update('n', 900, { scheduled: true, ready: true, nodeName: 'node-1' });
    h.at(950);
    v.confirm();
    expect(h.tracker.timings()).toEqual([
      {
        pod: 'v',
        namespace: 'production',
        workload: 'Deployment/connectkit-app',
        deletedAt: 100,
        replacement: 'n',
        node: 'node-1',
        rescheduleMs: 30,
        readyMs: 800,
      },
    ]);
  });

  it('a pod that appeared before a disruption is never taken for its replacement', () => {
    const h = harness();
    h.add('older', 10);
    h.at(20);
    h.tracker.expect(h.pod('v')).confirm();
    expect(h.tracker.timings()[0]?.replacement).toBeUndefined();
  });
});
