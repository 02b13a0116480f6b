// zone-outage on Kubernetes, in one of four modes (src/scenario/schema-zone-outage.ts): cordon the zone's
// nodes; cordon and drain them; taint them NoExecute (Kubernetes' taint eviction controller removes their
// pods); or cordon, drain and label them NotReady where a kwok stage honours the label. None of them stops
// a real node's kubelet: on a real cluster the nodes stay Ready (FIS's AZ power interruption, fault az-outage
// on target aws, is what really takes a zone's instances and network away). Undo restores the zone: label
// and taint off, uncordoned, leftover pods removed, nodes Ready.

import { ZONE_LABEL } from '../../drivers/kubernetes/objects.js';
import { GamedayError } from '../../errors.js';
import type { ResolvedFault } from '../../scenario/types.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import type { FaultExecution, FaultModule, PlannedFault } from '../types.js';
import type { Informer } from '../../drivers/kubernetes/informer.js';
import type { PodInfo } from '../../drivers/kubernetes/objects.js';
import type { FaultRuntime } from '../types.js';
import type { KubernetesRuntime } from './types.js';
import {
  disruptPods,
  drainable,
  evictionFindings,
  kubernetesInventory,
  kubernetesOptions,
  kubernetesRuntime,
  mapLimit,
  MUTATIONS_IN_FLIGHT,
  projectedPlan,
  updateTaints,
  workloadPools,
} from './common.js';
import { checkLiveNodes, nodeFaultImpact } from './spot-interruption.js';
import { accessArgs, kubernetesUndoHandlers } from './undo.js';

type ZoneOutage = Extract<ResolvedFault, { type: 'zone-outage' }>;

/** The taint of mode taint-no-execute: no new pod lands, and pods that do not tolerate it are removed. */
export const ZONE_OUTAGE_TAINT = 'gameday.io/zone-outage';

/** What the fault does, stated for a real cluster: `gameday plan` and the run's plan note print it. */
export function describeZoneOutage(fault: ZoneOutage): string {
  const k = kubernetesOptions(fault);
  const mode = k.zoneMode ?? 'not-ready';
  const until = fault.durationMs === undefined ? 'until rollback' : `for ${formatDuration(fault.durationMs)}`;
  const pods = `${k.podAction === 'delete' ? 'delete' : 'evict (PodDisruptionBudgets respected)'} its pods`;
  const stayReady = 'the nodes stay Ready (no kubelet is stopped)';
  const how = {
    cordon: `cordon its nodes: no new pod lands there, running pods stay; ${stayReady}`,
    'cordon+drain': `cordon its nodes and ${pods}; ${stayReady}`,
    'taint-no-execute': `taint its nodes ${ZONE_OUTAGE_TAINT}=${fault.zone}:NoSchedule and :NoExecute: no new pod lands there and Kubernetes' taint eviction controller deletes every pod that does not tolerate the taint (PodDisruptionBudgets do not apply); ${stayReady}`,
    'not-ready': `cordon its nodes, label them ${k.notReadyLabel?.key ?? ''}=${k.notReadyLabel?.value ?? ''} and ${pods}; the label makes nodes NotReady only where a kwok stage honours it (gameday's fixture); on a real cluster ${stayReady}`,
  }[mode];
  return `zone ${fault.zone} down ${until} (mode ${mode}): ${how}`;
}

export const kubernetesZoneOutage: FaultModule<ZoneOutage> = {
  type: 'zone-outage',

  plan(fault, inventory): PlannedFault {
    const inv = kubernetesInventory(inventory);
    if (!inv || !inv.nodes) return projectedPlan(fault, describeZoneOutage(fault));
    const nodes = inv.nodes.filter((n) => n.zone === fault.zone);
    if (nodes.length === 0) {
      const zones = [...new Set(inv.nodes.map((n) => n.zone).filter((z) => z !== undefined))].sort();
      throw new GamedayError(`no node is in zone "${fault.zone}" (label ${ZONE_LABEL})`, {
        kind: 'invalid-input',
        code: 'UNKNOWN_ZONE',
        hint: `zones: ${zones.join(', ') || 'none (nodes carry no zone label)'}`,
      });
    }
    const names = new Set(nodes.map((n) => n.name));
    const { pods, worst } = nodeFaultImpact(inv, names);
    // A cordon leaves every pod running: nothing becomes unavailable.
    const cordonOnly = kubernetesOptions(fault).zoneMode === 'cordon';
    return {
      fault,
      target: 'kubernetes',
      description: `${describeZoneOutage(fault)}: ${nodes.length} node(s) (${nodes.map((n) => n.name).join(', ')}), ${pods.length} pod(s)${pods.length ? ` (${pods.map((p) => p.name).join(', ')})` : ''}`,
      affected: [`zone ${fault.zone}`, ...nodes.map((n) => `node/${n.name}`)],
      unavailable: cordonOnly ? 0 : worst.unavailable,
      fleet: worst.fleet,
      pools: workloadPools(
        cordonOnly ? [] : pods,
        inv.pods.filter((p) => inv.podNamespaces.includes(p.namespace)),
      ),
    };
  },

  async inject(fault, planned, runtime): Promise<FaultExecution> {
    const k8s = kubernetesRuntime(runtime);
    const k = kubernetesOptions(fault);
    const mode = k.zoneMode ?? 'not-ready';
    const taint = mode === 'taint-no-execute';
    const nodeInformer = await k8s.cluster.nodes();
    const nodes = [...nodeInformer.values()].filter((n) => n.zone === fault.zone);
    const names = nodes.map((n) => n.name);
    // A cordon takes no pod out of service: only the modes that remove pods face the live blast-radius check.
    if (mode !== 'cordon') await checkLiveNodes(runtime, k8s, names, planned);
    const undoArgs = {
      ...accessArgs(k8s.access),
      zone: fault.zone,
      nodes: names,
      cordonedBefore: nodes.filter((n) => n.unschedulable).map((n) => n.name),
      podNamespaces: k8s.podNamespaces,
      ...(k.notReadyLabel ? { labelKey: k.notReadyLabel.key } : {}),
      ...(taint ? { taintKey: ZONE_OUTAGE_TAINT } : {}),
    };
    const id = await runtime.journal.intent(
      runtime.step,
      `zone ${fault.zone} down (${names.length} nodes)`,
      `kubernetes ${k8s.cluster.client.server}`,
      {
        driver: 'kubernetes',
        op: 'restore-zone',
        args: undoArgs,
      },
    );
    const inZone = new Set(names);
    const informers = await Promise.all(k8s.podNamespaces.map((ns) => k8s.cluster.pods(ns)));
    // The taint eviction controller removes the pods, not gameday: time them from when the watch sees them go.
    if (taint) followEvictedPods(informers, inZone, runtime, k8s);
    let t0: number | undefined;
    try {
      const label = k.notReadyLabel;
      // Why NoSchedule on every node first: a pod the NoExecute taint evicts from the first node must not be
      // placed on a zone node not tainted yet (the node lifecycle controller sets both effects too).
      if (taint)
        await mapLimit(names, MUTATIONS_IN_FLIGHT, (name) => addZoneTaint(k8s, name, fault.zone, 'NoSchedule'));
      await mapLimit(names, MUTATIONS_IN_FLIGHT, async (name) => {
        if (taint) {
          await addZoneTaint(k8s, name, fault.zone, 'NoExecute');
        } else {
          await k8s.cluster.client.patchNode(name, {
            ...(label ? { metadata: { labels: { [label.key]: label.value } } } : {}),
            spec: { unschedulable: true },
          });
        }
        t0 ??= runtime.clock.now();
      });
      const what = taint
        ? `tainted ${ZONE_OUTAGE_TAINT}:NoExecute`
        : `cordoned${label ? ' and labelled NotReady' : ''}`;
      runtime.journal.applied(id, `${what}: ${names.join(', ')}`);
    } catch (error) {
      runtime.journal.failed(id, String(error));
      throw error;
    }
    const drain = mode === 'cordon+drain' || mode === 'not-ready';
    const pods = drain
      ? informers.flatMap((inf) => [...inf.values()]).filter((p) => inZone.has(p.nodeName ?? '') && drainable(p))
      : [];
    const r = await disruptPods(
      pods,
      {
        mode: k.podAction,
        evictionTimeoutMs: k.evictionTimeoutMs,
        ...(k.graceSeconds === undefined ? {} : { graceSeconds: k.graceSeconds }),
      },
      runtime,
      k8s,
    );
    const findings = evictionFindings(r, k.evictionTimeoutMs);
    const verb = k.podAction === 'evict' ? 'evicted' : 'deleted';
    const podsDone = {
      cordon: 'pods left running',
      'cordon+drain': `${r.disrupted.length} pod(s) ${verb}`,
      'not-ready': `${r.disrupted.length} pod(s) ${verb}`,
      'taint-no-execute': 'pods left to the taint eviction controller',
    }[mode];
    const detail = `zone ${fault.zone}: ${names.length} node(s) down (mode ${mode}), ${podsDone}`;
    if (fault.durationMs === undefined) {
      return {
        t0: t0 ?? runtime.clock.now(),
        detail: `${detail} until rollback`,
        affected: [`zone ${fault.zone}`],
        findings,
      };
    }
    await sleep(fault.durationMs, runtime.signal);
    const handler = kubernetesUndoHandlers['kubernetes:restore-zone'];
    const restored = await handler?.(undoArgs, { signal: runtime.signal, timeoutMs: 2 * 60_000 });
    const endT = runtime.clock.now();
    runtime.journal.undone(id, `zone restored after its duration: ${restored ?? ''}`);
    return {
      t0: t0 ?? runtime.clock.now(),
      endT,
      detail: `${detail}; restored after ${formatDuration(endT - (t0 ?? endT))}`,
      affected: [`zone ${fault.zone}`],
      findings,
    };
  },
};

/**
 * Follow the zone's pods until the run's connection closes: each one the taint eviction controller
 * terminates or deletes is timed, with its replacement, as if gameday had evicted it.
 */
function followEvictedPods(
  informers: ReadonlyArray<Informer<PodInfo>>,
  inZone: ReadonlySet<string>,
  runtime: FaultRuntime,
  k8s: KubernetesRuntime,
): void {
  const seen = new Set<string>();
  const offs = informers.map((inf) =>
    inf.on((c) => {
      const pod = c.obj;
      if (!inZone.has(pod.nodeName ?? '') || !drainable({ ...pod, terminating: false }) || seen.has(pod.uid)) return;
      if (c.type !== 'delete' && !pod.terminating) return;
      seen.add(pod.uid);
      if (k8s.tracker.observed(pod, c.at)) {
        runtime.log(`pod ${pod.namespace}/${pod.name} on node ${pod.nodeName ?? '?'} evicted by the NoExecute taint`);
      }
    }),
  );
  const stop = (): void => offs.forEach((off) => off());
  if (k8s.closed?.aborted) stop();
  else k8s.closed?.addEventListener('abort', stop, { once: true });
}

/** Add the zone-outage taint with `effect` to a node (each effect once). */
async function addZoneTaint(k8s: KubernetesRuntime, name: string, zone: string, effect: string): Promise<void> {
  await updateTaints(k8s.cluster, name, (taints) => [
    ...taints.filter((t) => t.key !== ZONE_OUTAGE_TAINT || t.effect !== effect),
    { key: ZONE_OUTAGE_TAINT, value: zone, effect },
  ]);
}
