// spot-interruption on AWS: FIS aws:ec2:send-spot-instance-interruptions on the spot node group's instances,
// found by tags (e.g. eks:nodegroup-name, eks.amazonaws.com/capacityType: SPOT) and filters.

import { GamedayError } from '../../errors.js';
import { formatDuration } from '../../util/duration.js';
import { injectViaFis } from './inject-fis.js';
import { isoDuration, roleArnFor, selectionMode } from './template.js';
import type { AwsFaultModule, AwsSpotInterruptionFault, FisExperimentSpec, PlannedAwsFault } from './types.js';

/** FIS accepts a notice of 2 to 15 minutes. */
export const SPOT_NOTICE_MIN_MS = 2 * 60_000;
export const SPOT_NOTICE_MAX_MS = 15 * 60_000;

/** Pure: the experiment for a spot interruption. */
export function spotInterruptionExperiment(fault: AwsSpotInterruptionFault): FisExperimentSpec {
  const notice = fault.durationBeforeInterruptionMs;
  if (notice < SPOT_NOTICE_MIN_MS || notice > SPOT_NOTICE_MAX_MS) {
    throw new GamedayError(`spot interruption notice ${formatDuration(notice)} is outside FIS's 2m–15m`, {
      kind: 'invalid-input',
      code: 'FIS_SPOT_NOTICE',
      hint: 'set notice between 2m and 15m (AWS gives 2m for real interruptions)',
    });
  }
  if (Object.keys(fault.tags).length === 0) {
    throw new GamedayError('spot-interruption on aws needs instance tags to find the spot node group', {
      kind: 'invalid-input',
      code: 'FIS_SPOT_TAGS',
      hint: 'e.g. tags: { "eks:nodegroup-name": "spot", "eks.amazonaws.com/capacityType": "SPOT" }',
    });
  }
  return {
    description: 'gameday spot interruption',
    targets: {
      SpotInstances: {
        resourceType: 'aws:ec2:spot-instance',
        tags: fault.tags,
        // Only running instances can be interrupted; the scenario's own filters narrow further.
        filters: [{ path: 'State.Name', values: ['running'] }, ...(fault.filters ?? [])],
        selection: fault.selection,
      },
    },
    actions: {
      interrupt: {
        actionId: 'aws:ec2:send-spot-instance-interruptions',
        description: 'interrupt spot instances with a notice',
        parameters: { durationBeforeInterruption: isoDuration(notice) },
        targets: { SpotInstances: 'SpotInstances' },
      },
    },
  };
}

/** What `gameday plan` says about the Kubernetes side ('' without a kubernetes target). */
function kubernetesSideDescription(fault: AwsSpotInterruptionFault): string {
  if (!fault.kubernetes) return '';
  const follow =
    "; Kubernetes: the instances' nodes (by spec.providerID) are tracked — taint, cordon, evictions, removal — and their pods' replacements timed";
  return fault.kubernetes.drain
    ? `${follow}; gameday drains them itself on the notice (taint, cordon, evictions respecting PodDisruptionBudgets; rollback uncordons)`
    : `${follow}; draining them is left to the cluster's termination handler`;
}

export const awsSpotInterruption: AwsFaultModule<AwsSpotInterruptionFault> = {
  type: 'spot-interruption',

  plan(fault, inventory): PlannedAwsFault<AwsSpotInterruptionFault> {
    const tags = Object.entries(fault.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const k8s = kubernetesSideDescription(fault);
    const base = {
      fault,
      target: 'aws' as const,
      description: `FIS spot interruption (${formatDuration(fault.durationBeforeInterruptionMs)} notice) of ${selectionMode(fault.selection)} running spot instances tagged ${tags}${k8s}`,
      affected: [`spot instances tagged ${tags}`],
      unavailable: fault.selection.mode === 'count' ? fault.selection.n : 0,
      fleet: 0,
    };
    if (fault.fis.templateId) return { ...base, description: `FIS template ${fault.fis.templateId}${k8s}` };
    return {
      ...base,
      experiment: spotInterruptionExperiment(fault),
      roleArn: roleArnFor(fault.fis, inventory.fisRoleArn),
    };
  },

  inject(fault, planned, runtime) {
    return injectViaFis(fault.fis, planned, runtime);
  },
};
