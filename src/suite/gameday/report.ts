// From a game day's item outcomes to its report: per-item results, hypotheses, score, verdict and the
// exit code (the worst item's), and the retro draft. Pure.

import { metricsFromReport } from '../../history/metrics.js';
import { scoreReport, weightedScore } from '../../history/score.js';
import type { CheckpointOutcome, NoteEntry, TimelineEntry } from '../../report/types.js';
import type { RunResult } from '../../runner/run.js';
import type { Verdict } from '../../runner/events.js';
import { judgeHypothesis } from './hypotheses.js';
import { GAMEDAY_REPORT_VERSION, type GameDayItemResult, type GameDayReport } from './report-types.js';
import { draftRetro } from './retro.js';
import type { GameDay, GameDayItem } from './types.js';

export type ItemOutcome =
  | { item: GameDayItem; result: RunResult }
  | { item: GameDayItem; checkpoint: CheckpointOutcome }
  | { item: GameDayItem; skipped: string };

function itemResult(o: ItemOutcome): GameDayItemResult {
  const { item } = o;
  const weight = item.kind === 'checkpoint' ? 0 : item.weight;
  if ('skipped' in o)
    return { name: item.name, kind: item.kind, status: 'skipped', detail: `not run: ${o.skipped}`, weight };
  if ('checkpoint' in o) {
    const c = o.checkpoint;
    const status = c.decision === 'continue' ? 'pass' : c.decision === 'fail' ? 'fail' : 'aborted';
    return { name: item.name, kind: 'checkpoint', status, detail: c.detail, weight, checkpoint: c };
  }
  const { report, runDir, exitCode } = o.result;
  const failed = report.objectives.filter((x) => !x.pass).map((x) => `${x.name} ${x.actual} (target ${x.target})`);
  const detail =
    report.verdict === 'pass'
      ? `${report.objectives.length} objective(s) held`
      : (report.reason ?? (failed.length > 0 ? failed.join('; ') : report.verdict));
  return {
    name: item.name,
    kind: item.kind,
    status: report.verdict,
    detail,
    weight,
    file: item.kind === 'checkpoint' ? undefined : item.file,
    scenario: report.scenario,
    runId: report.runId,
    ...(report.seed === undefined ? {} : { seed: report.seed }),
    ...(report.choices ? { choices: report.choices } : {}),
    runDir,
    exitCode,
    score: scoreReport(report).score,
    metrics: metricsFromReport(report),
    objectives: report.objectives,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
  } as GameDayItemResult;
}

/** The game day's exit code: the worst item's (rollback incomplete 4 > aborted/error 3 > failed 1 > pass 0). */
function exitCodeOf(items: readonly GameDayItemResult[], aborted: boolean): number {
  let worst = aborted ? 3 : 0;
  for (const i of items) {
    if (i.exitCode !== undefined) worst = Math.max(worst, i.exitCode === 2 ? 3 : i.exitCode);
    else if (i.status === 'fail' || i.status === 'skipped') worst = Math.max(worst, 1);
    else if (i.status === 'aborted') worst = Math.max(worst, 3);
  }
  return worst;
}

export interface GameDayObservations {
  runId: string;
  seed: number;
  runDir: string;
  startedAt: string;
  endedAt: string;
  outcomes: readonly ItemOutcome[];
  aborted: boolean;
  reason?: string;
  notes: readonly NoteEntry[];
  checkpoints: readonly CheckpointOutcome[];
  timeline: TimelineEntry[];
}

/** Build the game day's report from what happened. */
export function buildGameDayReport(g: GameDay, o: GameDayObservations): GameDayReport {
  const items = o.outcomes.map(itemResult);
  const hypotheses = g.hypotheses.map((h) => judgeHypothesis(h, items));
  const runItems = items.filter((i) => i.kind !== 'checkpoint');
  const score = weightedScore(runItems.map((i) => ({ score: i.score ?? null, weight: i.weight })));
  const exitCode = exitCodeOf(items, o.aborted);
  const verdict: Verdict = o.aborted ? 'aborted' : items.every((i) => i.status === 'pass') ? 'pass' : 'fail';
  const notes = [...o.notes];
  const report: GameDayReport = {
    schemaVersion: GAMEDAY_REPORT_VERSION,
    kind: 'GameDay',
    gameday: g.name,
    file: g.file,
    runId: o.runId,
    seed: o.seed,
    startedAt: o.startedAt,
    endedAt: o.endedAt,
    verdict,
    exitCode,
    roles: g.roles,
    links: g.links,
    score,
    items,
    hypotheses,
    notes,
    checkpoints: [...o.checkpoints],
    timeline: o.timeline,
    retro: draftRetro(items, hypotheses, notes),
  };
  if (g.description !== undefined) report.description = g.description;
  if (o.reason !== undefined && verdict !== 'pass') report.reason = o.reason;
  return report;
}
