// How well a load run kept to its schedule, from the real send times: the rate achieved inside the
// planned window, requests per second by actual send time, and how late each request went out.

import { summarizeLatency } from '../measure/latency.js';
import type { LatencySummary } from '../report/types.js';
import type { LoadOutcomes } from './outcomes.js';

/** A request sent more than this after its slot is "late": a 1,000/s schedule slips by ten slots. */
export const LATE_AFTER_MS = 10;

export interface SendAdherence {
  /** Requests actually sent inside [startT, endT], per second of that window. */
  achievedRatePerSec: number;
  /** Requests by actual send time, one entry per second of the window (the last one may be partial). */
  sentPerSecond: number[];
  /** Actual send time − intended start (ms), over every started request. */
  sendLagMs: LatencySummary | null;
  /** Requests sent more than LATE_AFTER_MS after their intended start. */
  late: number;
}

/**
 * Judge the sender by when requests actually left, not by how many were planned: a sender that falls
 * behind and catches up in a burst keeps its count but shows here as lag, late sends and an uneven
 * per-second rate; one that sends after the window ends achieves less than the target.
 */
export function sendAdherence(outcomes: LoadOutcomes, startT: number, endT: number): SendAdherence {
  const windowMs = Math.max(0, endT - startT);
  const seconds = Math.max(1, Math.ceil((windowMs - 1e-6) / 1000));
  const sentPerSecond = new Array<number>(seconds).fill(0);
  const lag = new Float64Array(outcomes.length);
  let inWindow = 0;
  let late = 0;
  for (let i = 0; i < outcomes.length; i++) {
    const sent = outcomes.sentT[i] as number;
    const behind = Math.max(0, sent - (outcomes.intendedT[i] as number));
    lag[i] = behind;
    if (behind > LATE_AFTER_MS) late++;
    // The nanosecond slack keeps a send at exactly the window's end (float dust) inside it.
    if (sent <= endT + 1e-6) {
      inWindow++;
      const b = Math.min(seconds - 1, Math.max(0, Math.floor((sent - startT + 1e-6) / 1000)));
      sentPerSecond[b] = (sentPerSecond[b] as number) + 1;
    }
  }
  return {
    achievedRatePerSec: windowMs > 0 ? round((inWindow / windowMs) * 1000) : 0,
    sentPerSecond,
    sendLagMs: summarizeLatency(lag),
    late,
  };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
