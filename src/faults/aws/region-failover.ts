// region-failover on target aws: the scenario's runbook (Route 53 record change, RDS replica
// promotion, …) run with the AWS driver. No outage is caused: AWS regions cannot be switched off, so
// this is the planned failover of the DR plan; RTO runs from the first mutating call.

import { runbookContextOf } from '../runbook-context.js';
import { GamedayError } from '../../errors.js';
import { checkRunbook, runRunbook, runbookTimings } from '../../runbook/index.js';
import type { RegionFailoverFault } from '../../runbook/index.js';
import type { ResolvedFault } from '../../scenario/types.js';
import { formatDuration } from '../../util/duration.js';
import { RunbookFailedError, type RegionFailoverExecution } from '../sandbox/region-failover.js';
import type { FaultExecution, FaultRuntime, PlannedFault } from '../types.js';

function bad(message: string, hint: string): GamedayError {
  return new GamedayError(message, { kind: 'invalid-input', code: 'INVALID_RUNBOOK', hint });
}

export const awsRegionFailover = {
  type: 'region-failover' as const,

  plan(fault: RegionFailoverFault): PlannedFault {
    const steps = fault.runbook;
    if (!steps || steps.length === 0) {
      throw bad(
        'region-failover on target aws needs a runbook',
        'list the steps, e.g. route53-change then rds-promote-read-replica',
      );
    }
    if (fault.outage) {
      throw bad('region-failover on target aws cannot cause an outage', 'remove `outage:` (a planned failover)');
    }
    const errors = checkRunbook(steps);
    if (errors.length > 0) throw bad(`invalid runbook: ${errors.join('; ')}`, 'fix the runbook steps');
    const route = `${fault.from ?? 'primary region'} → ${fault.to ?? 'DR region'}`;
    return {
      fault: fault as unknown as ResolvedFault,
      target: 'aws',
      description: `fail over ${route}: ${steps.map((s) => s.name).join(' → ')}`,
      affected: steps.map((s) => `${s.name} (${s.action})`),
      unavailable: 0,
      fleet: 0,
    };
  },

  async inject(fault: RegionFailoverFault, _planned: PlannedFault, runtime: FaultRuntime): Promise<FaultExecution> {
    if (!runtime.aws) {
      throw new GamedayError('target aws is not connected', { kind: 'runtime', code: 'AWS_NOT_CONNECTED' });
    }
    const steps = fault.runbook ?? [];
    const result = await runRunbook(steps, {
      ...runbookContextOf(runtime, fault.pollMs),
      aws: runtime.aws.driver,
      ...(runtime.sandbox ? { sandbox: runtime.sandbox } : {}),
    });
    const where = `aws ${runtime.aws.driver.config.region}`;
    if (!result.ok) throw new RunbookFailedError(result, result.firstMutationT, where);
    const timings = runbookTimings(result);
    const total = result.steps.reduce((n, s) => n + (s.durationMs ?? 0), 0);
    const lines = timings.map((s) => `${s.step} (${s.action}) ${formatDuration(s.durationMs ?? 0)}`);
    const execution: RegionFailoverExecution = {
      t0: result.firstMutationT ?? runtime.clock.now(),
      detail: `failed over ${fault.from ?? '?'} → ${fault.to ?? '?'} in ${formatDuration(total)}: ${lines.join(', ')}`,
      affected: [fault.from, fault.to].filter((r): r is string => r !== undefined).map((r) => `region ${r}`),
      findings: [`runbook timings: ${lines.join(', ')}`],
      runbook: timings,
    };
    return execution;
  },
};
