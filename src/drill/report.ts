// A drill's result as report.json parts: measurements.restore, measurements.rpo and objectives[].
// Pure functions; the runner writes the report.

import type { ObjectiveResult, RestoreMeasurement, RestoreRpoMeasurement } from '../report/types.js';

export type { RestoreMeasurement, RestoreRpoMeasurement };
import { formatDuration } from '../util/duration.js';
import type { DrillObjectives, DrillResult } from './types.js';

/** The report measurements of a drill. */
export function drillMeasurements(result: DrillResult): {
  restore: RestoreMeasurement;
  rpo: RestoreRpoMeasurement | null;
} {
  const passed = result.validations.filter((v) => v.pass).length;
  return {
    restore: {
      source: result.source,
      target: result.restore?.target ?? null,
      startedAt: result.restore?.startedAt ?? null,
      durationMs: result.restore?.durationMs ?? null,
      toolMs: result.restore?.toolMs ?? null,
      jobs: result.restore?.jobs ?? null,
      databaseBytes: result.restore?.databaseBytes ?? null,
      validations: { passed, total: result.validations.length },
      cleanupComplete: result.cleanup.complete,
    },
    rpo:
      result.rpoSeconds === null
        ? null
        : { kind: 'restore', seconds: result.rpoSeconds, newestSurvivingAt: result.newestMarkerAt, lostWrites: null },
  };
}

/** Evaluate a drill's objectives: restoreTime, rpo, sourceAge, validations. */
export function drillObjectives(
  result: Pick<DrillResult, 'restore' | 'rpoSeconds' | 'source' | 'validations'>,
  objectives: DrillObjectives,
): ObjectiveResult[] {
  const out: ObjectiveResult[] = [];
  if (objectives.restoreTimeMaxMs !== undefined) {
    const ms = result.restore?.durationMs ?? null;
    out.push({
      name: 'restoreTime',
      target: `<= ${formatDuration(objectives.restoreTimeMaxMs)}`,
      actual: ms === null ? 'no restore' : formatDuration(ms),
      pass: ms !== null && ms <= objectives.restoreTimeMaxMs,
      targetValue: objectives.restoreTimeMaxMs,
      actualValue: ms,
      unit: 'ms',
    });
  }
  if (objectives.rpoMaxMs !== undefined) {
    const s = result.rpoSeconds;
    out.push({
      name: 'rpo',
      target: `<= ${formatDuration(objectives.rpoMaxMs)}`,
      actual: s === null ? 'no marker in the restored copy' : formatDuration(s * 1000),
      pass: s !== null && s * 1000 <= objectives.rpoMaxMs,
      targetValue: objectives.rpoMaxMs / 1000,
      actualValue: s,
      unit: 's',
    });
  }
  if (objectives.sourceAgeMaxMs !== undefined) {
    const s = result.source.ageSeconds;
    out.push({
      name: 'sourceAge',
      target: `<= ${formatDuration(objectives.sourceAgeMaxMs)}`,
      actual: s === null ? 'unknown' : formatDuration(s * 1000),
      pass: s !== null && s * 1000 <= objectives.sourceAgeMaxMs,
      targetValue: objectives.sourceAgeMaxMs / 1000,
      actualValue: s,
      unit: 's',
    });
  }
  if (objectives.validations === 'all') {
    const total = result.validations.length;
    const passed = result.validations.filter((v) => v.pass).length;
    const failedNames = result.validations.filter((v) => !v.pass).map((v) => v.name);
    out.push({
      name: 'validations',
      target: 'all pass',
      actual: `${passed}/${total} passed${failedNames.length ? ` (failed: ${failedNames.join(', ')})` : ''}`,
      pass: total > 0 && passed === total,
      targetValue: total,
      actualValue: passed,
      unit: 'count',
    });
  }
  return out;
}
