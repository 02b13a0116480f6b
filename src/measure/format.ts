// How measured values and bounds read in objectives and reports.

import { formatDuration } from '../util/duration.js';

/** A bound as a person would write it in a scenario: "30s", "2m", "500ms", "1.5s". */
export function formatBoundMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms < 1000) return `${trimNumber(ms, 3)}ms`;
  return `${trimNumber(ms / 1000, 3)}s`;
}

/** A measured duration: "850ms", "6.42s", "2m 05s"; exactly zero reads "0s". */
export function formatMeasuredMs(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 10 && !Number.isInteger(ms)) return `${trimNumber(ms, 3)}ms`;
  return formatDuration(ms);
}

/** A number with at most `digits` decimals and no trailing zeros. */
export function trimNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toFixed(digits)));
}

/**
 * A percentage rounded toward `toward` at 3 decimals, so that the shown value never crosses the
 * bound it is compared with (99.4996 % against ">= 99.5%" reads "99.499%", not "99.5%").
 */
export function formatPercent(value: number, toward: 'down' | 'up' = 'down'): string {
  if (!Number.isFinite(value)) return `${value}%`;
  const scaled = value * 1000;
  // Why the epsilon: 99.5 * 1000 is 99499.99999999999 in binary floating point.
  const rounded = toward === 'down' ? Math.floor(scaled + 1e-6) : Math.ceil(scaled - 1e-6);
  return `${trimNumber(rounded / 1000, 3)}%`;
}

/** The RTO when there is none: "not recovered before the abort at +Xs" or "not recovered within Xs". */
export function unrecoveredText(m: { observedMs: number; abortedAtMs?: number }): string {
  return m.abortedAtMs === undefined
    ? `not recovered within ${formatDuration(m.observedMs)}`
    : `not recovered before the abort at +${formatDuration(m.abortedAtMs)}`;
}
