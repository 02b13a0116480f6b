// One line of the history index: a run (or drill, or game day) with the numbers it is trended on.

import type { Report } from '../report/types.js';
import type { Verdict } from '../runner/events.js';
import { metricsFromReport, type RunMetrics } from './metrics.js';

export const INDEX_VERSION = 1;

export interface HistoryEntry {
  v: number;
  scenario: string;
  runId: string;
  kind: 'run' | 'drill' | 'gameday';
  /** The run directory relative to the report directory, with "/" separators. */
  dir: string;
  startedAt: string;
  endedAt: string;
  verdict: Verdict;
  metrics: RunMetrics;
  objectives: { passed: number; total: number };
  /** The gate found this run regressed against its baseline: never a baseline itself. */
  regressed?: boolean;
}

/** The index entry of a run's report. */
export function entryFromReport(report: Report, dir: string): HistoryEntry {
  const entry: HistoryEntry = {
    v: INDEX_VERSION,
    scenario: report.scenario,
    runId: report.runId,
    kind: report.measurements.restore ? 'drill' : 'run',
    dir,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    verdict: report.verdict,
    metrics: metricsFromReport(report),
    objectives: { passed: report.objectives.filter((o) => o.pass).length, total: report.objectives.length },
  };
  if (report.regression) entry.regressed = report.regression.regressed;
  return entry;
}

/** Entries in time order, the last line written for a run winning (a report written again is indexed again). */
export function latestPerRun(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const byRun = new Map<string, HistoryEntry>();
  for (const e of entries) byRun.set(`${e.scenario}/${e.runId}`, e);
  return [...byRun.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
}

/** Whether a parsed line is an index entry this version understands. */
export function isHistoryEntry(value: unknown): value is HistoryEntry {
  const e = value as Partial<HistoryEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.scenario === 'string' &&
    typeof e.runId === 'string' &&
    typeof e.startedAt === 'string' &&
    typeof e.verdict === 'string' &&
    typeof e.metrics === 'object' &&
    e.metrics !== null
  );
}
