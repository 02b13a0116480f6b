// Shared by every FIS-backed fault: render the template, run the experiment, map its end state to an outcome.

import { GamedayError } from '../../errors.js';
import { runExperiment } from './experiment.js';
import { buildTemplate } from './template.js';
import type { AwsFault, AwsFaultExecution, AwsFaultRuntime, FisOptions, PlannedAwsFault } from './types.js';
import { experimentOutcome } from './experiment.js';

/** Run the planned FIS experiment (built from `planned.experiment`, or `fis.templateId`) and report it. */
export async function injectViaFis(
  fis: FisOptions,
  planned: PlannedAwsFault<AwsFault>,
  runtime: AwsFaultRuntime,
): Promise<AwsFaultExecution> {
  let source: Parameters<typeof runExperiment>[0];
  if (fis.templateId) {
    source = { templateId: fis.templateId };
  } else {
    if (!planned.experiment || !planned.roleArn) {
      throw new GamedayError('the planned FIS fault has neither a template id nor an experiment to build', {
        kind: 'runtime',
        code: 'FIS_NOTHING_TO_RUN',
      });
    }
    source = {
      template: buildTemplate(planned.experiment, fis, {
        runId: runtime.runId,
        step: runtime.step,
        roleArn: planned.roleArn,
      }),
    };
  }
  const result = await runExperiment(
    source,
    {
      timeoutMs: fis.timeoutMs,
      pollIntervalMs: fis.pollIntervalMs,
      ...(runtime.preview ? { actionsMode: 'skip-all' as const } : {}),
      ...(fis.tags ? { extraTags: fis.tags } : {}),
      ...(runtime.onResolvedTargets ? { onResolvedTargets: runtime.onResolvedTargets } : {}),
    },
    runtime,
  );
  const outcome = experimentOutcome(result);
  const resolved = result.resolvedTargets.map((t) => t.info['arn'] ?? t.info['id'] ?? JSON.stringify(t.info));
  const detail = `FIS experiment ${result.experimentId} (template ${result.templateId}): ${outcome.detail}`;
  if (outcome.status !== 'ok') {
    throw new GamedayError(detail, {
      kind: outcome.status === 'aborted' ? 'aborted' : 'runtime',
      code: outcome.status === 'aborted' ? 'FIS_EXPERIMENT_STOPPED' : 'FIS_EXPERIMENT_FAILED',
      phase: 'inject',
      target: `fis experiment ${result.experimentId}`,
      hint:
        outcome.status === 'aborted'
          ? 'a stop-condition alarm fired or someone stopped the experiment; see the FIS experiment log'
          : 'see the FIS experiment log and the reason above',
    });
  }
  return {
    t0: result.t0,
    endT: result.endT,
    detail,
    affected: resolved.length ? resolved : planned.affected,
    findings: runtime.preview ? ['preview: FIS ran with actionsMode skip-all, nothing was injected'] : [],
    timeline: result.timeline,
    resolvedTargets: result.resolvedTargets,
    fis: {
      templateId: result.templateId,
      experimentId: result.experimentId,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
      actions: result.actions,
    },
  };
}
