// Kubernetes faults by type, their undo handlers, and what a scenario needs from the cluster.

import { kubernetesPodKill } from './pod-kill.js';
import { kubernetesSpotInterruption } from './spot-interruption.js';
import { kubernetesZoneOutage } from './zone-outage.js';

export const kubernetesFaults = {
  'pod-kill': kubernetesPodKill,
  'spot-interruption': kubernetesSpotInterruption,
  'zone-outage': kubernetesZoneOutage,
} as const;

export { kubernetesUndoHandlers } from './undo.js';
export type { KubernetesAccess, KubernetesInventory, KubernetesRuntime, SelfPod } from './types.js';
