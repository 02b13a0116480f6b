// The arrival schedule of an open-model load: the integral of a piecewise-linear rate, inverted to
// give each arrival's intended start time. Pure; times are milliseconds from the start of the load.

export interface Stage {
  fromRatePerSec: number;
  toRatePerSec: number;
  durationMs: number;
}

interface Segment {
  startMs: number;
  durationMs: number;
  /** Rate at the segment start, per ms. */
  a: number;
  /** Rate change per ms, per ms. */
  k: number;
  /** Arrivals before the segment starts (the integral so far). */
  before: number;
}

/** Arrival n (0-based) is due at the time t where the cumulative rate integral N(t) reaches n. */
export class ArrivalSchedule {
  readonly totalMs: number;
  /** Number of arrivals in the whole schedule: every n with N(t_n) = n and t_n < totalMs. */
  readonly total: number;
  /** Mean target rate over the whole schedule, per second. */
  readonly meanRatePerSec: number;
  private readonly segments: Segment[] = [];

  constructor(stages: readonly Stage[]) {
    let startMs = 0;
    let before = 0;
    for (const s of stages) {
      const d = Math.max(0, s.durationMs);
      if (d === 0) continue;
      const a = Math.max(0, s.fromRatePerSec) / 1000;
      const b = Math.max(0, s.toRatePerSec) / 1000;
      this.segments.push({ startMs, durationMs: d, a, k: (b - a) / d, before });
      startMs += d;
      before += ((a + b) / 2) * d;
    }
    this.totalMs = startMs;
    // Round away floating-point dust so "10/s for 1s" is exactly 10 arrivals.
    const integral = Math.round(before * 1e9) / 1e9;
    this.total = Math.ceil(integral);
    this.meanRatePerSec = startMs === 0 ? 0 : (integral / startMs) * 1000;
  }

  /** N(t): arrivals owed by time t (fractional). */
  integral(t: number): number {
    const seg = this.segmentAt(t);
    if (!seg) return t <= 0 ? 0 : this.total;
    const x = Math.min(Math.max(0, t - seg.startMs), seg.durationMs);
    return seg.before + seg.a * x + (seg.k * x * x) / 2;
  }

  /** How many arrivals are due at or before t (so arrivals 0 … dueBy(t) − 1 may start). */
  dueBy(t: number): number {
    if (t < 0) return 0;
    return Math.min(this.total, Math.floor(Math.round(this.integral(t) * 1e9) / 1e9) + 1);
  }

  /** Intended start of arrival n, in ms from the start of the load. */
  timeOf(n: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    // Last segment whose `before` is <= n.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.segments[mid] as Segment).before <= n) lo = mid;
      else hi = mid - 1;
    }
    const seg = this.segments[lo];
    if (!seg) return 0;
    const m = n - seg.before;
    if (m <= 0) return seg.startMs;
    // Solve a·x + k·x²/2 = m in the stable form x = 2m / (a + √(a² + 2km)).
    const disc = Math.max(0, seg.a * seg.a + 2 * seg.k * m);
    const denom = seg.a + Math.sqrt(disc);
    const x = denom > 0 ? (2 * m) / denom : seg.durationMs;
    return seg.startMs + Math.min(x, seg.durationMs);
  }

  /** Target rate at t, per second. */
  rateAt(t: number): number {
    const seg = this.segmentAt(t);
    if (!seg || t >= this.totalMs) return 0;
    return (seg.a + seg.k * Math.min(Math.max(0, t - seg.startMs), seg.durationMs)) * 1000;
  }

  private segmentAt(t: number): Segment | undefined {
    if (t < 0) return undefined;
    for (const seg of this.segments) if (t < seg.startMs + seg.durationMs) return seg;
    return this.segments[this.segments.length - 1];
  }
}
