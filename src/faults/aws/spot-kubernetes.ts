// spot-interruption on aws with a kubernetes target: the instances FIS resolved go to the Kubernetes side
// (src/faults/kubernetes/interrupted-nodes.ts), which follows their Nodes and, when asked, drains them.

import type { FisResolvedTarget } from '../../drivers/aws/types.js';
import { InterruptedNodes } from '../kubernetes/interrupted-nodes.js';
import type { FaultRuntime } from '../types.js';
import type { AwsFault } from './config.js';

/** The EC2 instance ids among FIS resolved targets (targetInformation `arn: arn:aws:ec2:…:instance/i-…`, or an id). */
export function instanceIdsOf(targets: readonly FisResolvedTarget[]): string[] {
  const ids: string[] = [];
  for (const t of targets) {
    for (const value of Object.values(t.info)) {
      const id = /(?:^|:instance\/)(i-[0-9a-f]{8,17})$/.exec(value)?.[1];
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/** The Kubernetes side of `config`, when it has one and the kubernetes target is connected (never in a preview). */
export function spotKubernetesSide(config: AwsFault, runtime: FaultRuntime): InterruptedNodes | undefined {
  if (config.type !== 'spot-interruption' || !config.kubernetes || !runtime.kubernetes || runtime.aws?.preview) {
    return undefined;
  }
  const side = config.kubernetes;
  return new InterruptedNodes(runtime, runtime.kubernetes, {
    noticeMs: config.durationBeforeInterruptionMs,
    ...(side.drain ? { drain: { evictionTimeoutMs: side.evictionTimeoutMs } } : {}),
  });
}
