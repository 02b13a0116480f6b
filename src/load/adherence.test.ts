import { describe, expect, it } from 'vitest';
import { sendAdherence } from './adherence.js';
import { LoadOutcomes } from './outcomes.js';

/** 1,000 arrivals over 1 s (one per ms), each sent `lag(i)` ms after its slot. */
function outcomesWithLag(lag: (i: number) => number): LoadOutcomes {
  const o = new LoadOutcomes();
  for (let i = 0; i < 1000; i++) o.add(i, i + lag(i));
  return o;
}

describe('sendAdherence', () => {
  it('a sender on schedule achieves the target, every second, with no late sends', () => {
    const a = sendAdherence(
      outcomesWithLag(() => 0.2),
      0,
      1000,
    );
    expect(a.achievedRatePerSec).toBe(1000);
    expect(a.sentPerSecond).toEqual([1000]);
    expect(a.late).toBe(0);
    expect(a.sendLagMs?.max).toBeCloseTo(0.2, 3);
  });

  it('a sender that stalls and catches up in bursts keeps its count but shows the lag', () => {
    // Every request waits for the next 100 ms boundary, then all go out at once.
    const a = sendAdherence(
      outcomesWithLag((i) => 99 - (i % 100)),
      0,
      1000,
    );
    expect(a.achievedRatePerSec).toBe(1000);
    expect(a.late).toBe(890);
    expect(a.sendLagMs?.p99).toBeGreaterThanOrEqual(98);
  });

  it('a sender that falls behind achieves less than the target inside the window', () => {
    // 20 % slower than the schedule: request i leaves at 1.2·i ms.
    const a = sendAdherence(
      outcomesWithLag((i) => 0.2 * i),
      0,
      1000,
    );
    expect(a.achievedRatePerSec).toBe(834);
    expect(a.sentPerSecond).toEqual([834]);
    expect(a.late).toBe(949);
    expect(a.sendLagMs?.max).toBeCloseTo(199.8, 0);
  });

  it('counts per-second rates by actual send time over a multi-second window', () => {
    const o = new LoadOutcomes();
    for (let i = 0; i < 3000; i++) o.add(i, i < 1000 ? i : i + 500);
    const a = sendAdherence(o, 0, 3000);
    expect(a.sentPerSecond).toEqual([1000, 500, 1001]); // a send at exactly the end counts in the window
    expect(a.achievedRatePerSec).toBeCloseTo(2501 / 3, 2);
  });
});
