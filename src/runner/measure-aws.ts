// The report's FIS measurements, from the executions of steps on target aws. Pure.

import type { FaultExecution } from '../faults/types.js';
import type { FisExperimentMeasurement } from '../report/types.js';
import type { StepOutcome } from './steps.js';

const iso = (d: Date | undefined): string | null => (d === undefined ? null : new Date(d).toISOString());

/** One entry per FIS experiment the run's steps ran (steps that never ran one are left out). */
export function fisMeasurements(
  outcomes: readonly StepOutcome[],
  faults: readonly FaultExecution[],
): FisExperimentMeasurement[] {
  const ran = new Set(outcomes.filter((o) => o.startT !== null).map((o) => o.name));
  return faults.flatMap((f): FisExperimentMeasurement[] => {
    const rec = f.aws;
    if (!rec?.fis || !ran.has(rec.step)) return [];
    return [
      {
        step: rec.step,
        templateId: rec.fis.templateId,
        experimentId: rec.fis.experimentId ?? null,
        status: rec.fis.status,
        ...(rec.fis.reason ? { reason: rec.fis.reason } : {}),
        actions: (rec.fis.actions ?? []).map((a) => ({
          name: a.name,
          actionId: a.actionId,
          status: a.status,
          startedAt: iso(a.startTime),
          endedAt: iso(a.endTime),
          ...(a.reason ? { reason: a.reason } : {}),
        })),
        resolvedTargets: rec.resolvedTargets.map((t) => ({
          targetName: t.targetName,
          resourceType: t.resourceType,
          resource: t.info['arn'] ?? t.info['id'] ?? JSON.stringify(t.info),
        })),
      },
    ];
  });
}
