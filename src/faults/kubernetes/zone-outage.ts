// zone-outage on Kubernetes: every node of one zone is cordoned and made NotReady (in the kwok fixture by
// its stage label; the label is configurable, and false only cordons), and the zone's pods are evicted
// or deleted. Undo restores the zone: label off, uncordoned, leftover pods removed, nodes Ready.

import { ZONE_LABEL } from '../../drivers/kubernetes/objects.js';
import { GamedayError } from '../../errors.js';
import type { ResolvedFault } from '../../scenario/types.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import type { FaultExecution, FaultModule, PlannedFault } from '../types.js';
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
  workloadPools,
} from './common.js';
import { checkLiveNodes, nodeFaultImpact } from './spot-interruption.js';
import { accessArgs, kubernetesUndoHandlers } from './undo.js';

type ZoneOutage = Extract<ResolvedFault, { type: 'zone-outage' }>;

function describe(fault: ZoneOutage): string {
  const k = kubernetesOptions(fault);
  const until = fault.durationMs === undefined ? 'until rollback' : `for ${formatDuration(fault.durationMs)}`;
  const how = k.notReadyLabel ? `cordon and make NotReady (${k.notReadyLabel.key}=${k.notReadyLabel.value})` : 'cordon';
  return `zone ${fault.zone} down ${until}: ${how} its nodes, ${k.podAction} its pods`;
}

export const kubernetesZoneOutage: FaultModule<ZoneOutage> = {
  type: 'zone-outage',

  plan(fault, inventory): PlannedFault {
    const inv = kubernetesInventory(inventory);
    if (!inv || !inv.nodes) return projectedPlan(fault, describe(fault));
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
    return {
      fault,
      target: 'kubernetes',
      description: `${describe(fault)}: ${nodes.length} node(s) (${nodes.map((n) => n.name).join(', ')}), ${pods.length} pod(s)${pods.length ? ` (${pods.map((p) => p.name).join(', ')})` : ''}`,
      affected: [`zone ${fault.zone}`, ...nodes.map((n) => `node/${n.name}`)],
      unavailable: worst.unavailable,
      fleet: worst.fleet,
      pools: workloadPools(
        pods,
        inv.pods.filter((p) => inv.podNamespaces.includes(p.namespace)),
      ),
    };
  },

  async inject(fault, planned, runtime): Promise<FaultExecution> {
    const k8s = kubernetesRuntime(runtime);
    const k = kubernetesOptions(fault);
    const nodeInformer = await k8s.cluster.nodes();
    const nodes = [...nodeInformer.values()].filter((n) => n.zone === fault.zone);
    const names = nodes.map((n) => n.name);
    await checkLiveNodes(runtime, k8s, names, planned);
    const undoArgs = {
      ...accessArgs(k8s.access),
      zone: fault.zone,
      nodes: names,
      cordonedBefore: nodes.filter((n) => n.unschedulable).map((n) => n.name),
      podNamespaces: k8s.podNamespaces,
      ...(k.notReadyLabel ? { labelKey: k.notReadyLabel.key } : {}),
    };
    const id = runtime.journal.intent(
      runtime.step,
      `zone ${fault.zone} down (${names.length} nodes)`,
      `kubernetes ${k8s.cluster.client.server}`,
      {
        driver: 'kubernetes',
        op: 'restore-zone',
        args: undoArgs,
      },
    );
    let t0: number | undefined;
    try {
      const label = k.notReadyLabel;
      await mapLimit(names, MUTATIONS_IN_FLIGHT, async (name) => {
        await k8s.cluster.client.patchNode(name, {
          ...(label ? { metadata: { labels: { [label.key]: label.value } } } : {}),
          spec: { unschedulable: true },
        });
        t0 ??= runtime.clock.now();
      });
      runtime.journal.applied(id, `cordoned${label ? ' and labelled NotReady' : ''}: ${names.join(', ')}`);
    } catch (error) {
      runtime.journal.failed(id, String(error));
      throw error;
    }
    const inZone = new Set(names);
    const informers = await Promise.all(k8s.podNamespaces.map((ns) => k8s.cluster.pods(ns)));
    const pods = informers
      .flatMap((inf) => [...inf.values()])
      .filter((p) => inZone.has(p.nodeName ?? '') && drainable(p));
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
    const detail = `zone ${fault.zone}: ${names.length} node(s) down, ${r.disrupted.length} pod(s) ${verb}`;
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
