// zone-outage on target kubernetes: what the fault does to the zone's nodes. Part of the scenario schema
// (schema.ts spreads it into the zone-outage step); resolved into KubernetesFaultOptions.zoneMode.

import { z } from 'zod';

/**
 * - cordon: the zone's nodes take no new pods; running pods stay.
 * - cordon+drain: cordon, then evict (or delete, podAction) the zone's pods; the nodes stay Ready.
 * - taint-no-execute: a NoExecute taint; Kubernetes' taint eviction controller deletes every pod that does not
 *   tolerate it (PodDisruptionBudgets do not apply), as it does for unreachable nodes; the nodes stay Ready.
 * - not-ready: cordon+drain plus a node label that makes a node NotReady where a kwok stage honours it
 *   (gameday's fixture); on a real cluster the label changes nothing and this is cordon+drain.
 */
export const ZONE_OUTAGE_MODES = ['cordon', 'cordon+drain', 'taint-no-execute', 'not-ready'] as const;
export type ZoneOutageMode = (typeof ZONE_OUTAGE_MODES)[number];

export const ZoneOutageKubernetesFields = {
  mode: z.enum(ZONE_OUTAGE_MODES).optional().meta({
    description:
      "Kubernetes: what happens to the zone's nodes. cordon (no new pods; running pods stay) · cordon+drain (cordon, then evict or delete the zone's pods) · taint-no-execute (a NoExecute taint: the taint eviction controller deletes the pods that do not tolerate it, PodDisruptionBudgets do not apply) · not-ready (cordon+drain plus notReadyLabel, which makes nodes NotReady only where kwok honours it). No mode stops a real node's kubelet: the nodes stay Ready on a real cluster. Default not-ready (cordon+drain when notReadyLabel is false).",
  }),
};
