// The runner's FaultModule interface for target aws: unwraps the AWS config a resolved fault carries under
// `aws`, plans against the AWS inventory, injects with the AWS runtime (a FIS spot interruption also with
// its Kubernetes side), and hands the FIS / RDS record back on the execution for the timeline and the report.

import { GamedayError } from '../../errors.js';
import type { ResolvedFault } from '../../scenario/types.js';
import type { FaultExecution, FaultModule, PlannedFault } from '../types.js';
import type { FisResolvedTarget } from '../../drivers/aws/types.js';
import type { AwsFault } from './config.js';
import { awsFaultModule } from './index.js';
import { instanceIdsOf, spotKubernetesSide } from './spot-kubernetes.js';
import type { AwsFaultExecution } from './types.js';

function internal(message: string, code: string): GamedayError {
  return new GamedayError(message, { kind: 'runtime', code });
}

/** The AWS config of a fault resolved for target aws. */
export function awsConfigOf(fault: ResolvedFault): AwsFault {
  const config = 'aws' in fault ? fault.aws : undefined;
  if (!config) throw internal(`fault ${fault.type} was not resolved for target aws`, 'AWS_FAULT_UNRESOLVED');
  return config;
}

/** Plan and inject AWS faults through src/faults/aws. */
export const awsFaultAdapter: FaultModule = {
  type: 'fis-experiment',

  plan(fault, inventory): PlannedFault {
    const config = awsConfigOf(fault);
    if (!inventory.aws) throw internal('the AWS inventory was not discovered before planning', 'AWS_NO_INVENTORY');
    const planned = awsFaultModule(config).plan(config, inventory.aws);
    return {
      fault,
      target: 'aws',
      description: planned.description,
      affected: planned.affected,
      unavailable: planned.unavailable,
      fleet: planned.fleet,
      aws: planned,
    };
  },

  async inject(fault, planned, runtime): Promise<FaultExecution> {
    const config = awsConfigOf(fault);
    if (!planned.aws || !runtime.aws) throw internal('target aws is not connected', 'AWS_NOT_CONNECTED');
    // A FIS spot interruption with a kubernetes target: the instances' nodes are followed from the moment
    // FIS resolves them, and drained when the scenario asks.
    const nodes = spotKubernetesSide(config, runtime);
    let exec: AwsFaultExecution;
    try {
      exec = await awsFaultModule(config).inject(config, planned.aws, {
        step: runtime.step,
        runId: runtime.aws.runId,
        journal: runtime.journal,
        clock: runtime.clock,
        signal: runtime.signal,
        aws: runtime.aws.driver,
        ...(runtime.aws.preview ? { preview: true } : {}),
        log: runtime.log,
        ...(nodes ? { onResolvedTargets: (t: FisResolvedTarget[]) => nodes.interrupted(instanceIdsOf(t)) } : {}),
      });
    } catch (error) {
      // Whatever the drain journaled is undone by rollback; its own outcome must not hide the FIS error.
      await nodes?.outcome().catch(() => undefined);
      throw error;
    }
    const k8s = nodes ? await nodes.outcome() : undefined;
    const { timeline, resolvedTargets, fis, ...base } = exec;
    return {
      ...base,
      ...(k8s ? { affected: [...base.affected, ...k8s.affected], findings: [...base.findings, ...k8s.findings] } : {}),
      aws: { step: runtime.step, timeline, resolvedTargets, ...(fis ? { fis } : {}) },
    };
  },
};
