// The resilience score: one number per run (and per game day) that can be trended.
//
// Like Krkn's and Litmus's, it is a weighted share of what held: every objective carries a weight by
// what it protects, and
//
//     score = 100 × Σ weight(o) · pass(o) / Σ weight(o)        (over the run's objectives)
//
// Weights: 3 for recovery and data (rto, rpo, rpo lost writes, restoreTime, validations, a step that
// did not complete, steady state after recovery), 2 for availability, 1 for latency, load and
// sourceAge. An objective that was not measured counts as not held. A run that was aborted, ended in
// an error or left its rollback incomplete scores 0: it proved nothing. A run with no objectives
// scores 100 when it passed.
//
// A game day's score is the weighted mean of its items' scores (item `weight`, default 1, as Litmus
// weighs faults); an item that did not run scores 0.

import type { ObjectiveResult, Report } from '../report/types.js';

/** The weight of one objective, by what it protects. */
export function objectiveWeight(o: Pick<ObjectiveResult, 'name'>): number {
  const n = o.name;
  if (/^(rto|rpo|rpo lost writes|restoreTime|validations|steady state after recovery)$/.test(n)) return 3;
  if (n.startsWith('step ')) return 3;
  if (n.startsWith('availability')) return 2;
  return 1;
}

export interface RunScore {
  /** 0..100, one decimal. */
  score: number;
  /** Σ weights of the objectives that held, and of all of them. */
  points: number;
  total: number;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** The score of one run (see the formula above). */
export function scoreReport(report: Pick<Report, 'verdict' | 'objectives' | 'rollback'>): RunScore {
  const total = report.objectives.reduce((s, o) => s + objectiveWeight(o), 0);
  const points = report.objectives.reduce((s, o) => s + (o.pass ? objectiveWeight(o) : 0), 0);
  if (report.verdict === 'aborted' || report.verdict === 'error' || !report.rollback.complete) {
    return { score: 0, points: 0, total };
  }
  if (total === 0) return { score: report.verdict === 'pass' ? 100 : 0, points, total };
  return { score: round1((100 * points) / total), points, total };
}

/** The weighted mean of item scores; items that did not run count with score 0. */
export function weightedScore(items: ReadonlyArray<{ score: number | null; weight: number }>): number {
  const total = items.reduce((s, i) => s + i.weight, 0);
  if (total === 0) return 0;
  return round1(items.reduce((s, i) => s + i.weight * (i.score ?? 0), 0) / total);
}
