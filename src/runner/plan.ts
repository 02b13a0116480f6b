// Planning is pure: scenario + discovered inventory → ordered steps. No I/O, no mutation.

import { faultModule } from '../faults/registry.js';
import { describeAwsTarget } from '../faults/aws/inventory.js';
import { seededRandom } from '../faults/select.js';
import type { Inventory, PlannedFault } from '../faults/types.js';
import type { ResolvedStep, Scenario } from '../scenario/types.js';
import type { RunChoice } from '../report/types.js';
import { GamedayError, isGamedayError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { describeInteractiveStep } from '../actions/describe.js';

export type PlannedStep =
  | {
      kind: 'fault';
      index: number;
      name: string;
      step: Extract<ResolvedStep, { kind: 'fault' }>;
      planned: PlannedFault;
    }
  | {
      kind: 'wait-probe' | 'sleep' | 'verify' | 'checkpoint' | 'action';
      index: number;
      name: string;
      step: ResolvedStep;
      description: string;
    };

export interface Plan {
  scenario: string;
  seed: number;
  targets: string[];
  probes: string[];
  steps: PlannedStep[];
}

function describeStep(step: ResolvedStep): string {
  switch (step.kind) {
    case 'wait-probe':
      return `wait until probe ${step.probe} is healthy (timeout ${formatDuration(step.timeoutMs)})`;
    case 'sleep':
      return `wait ${formatDuration(step.durationMs)}`;
    case 'verify':
      return `verify probe ${step.probe} is healthy (timeout ${formatDuration(step.timeoutMs)})`;
    case 'fault':
      return step.fault.type;
    case 'checkpoint':
    case 'action':
      return describeInteractiveStep(step);
  }
}

/** Resolve each step against the inventory. Throws GamedayError (invalid-input) when a fault cannot apply. */
export function planRun(scenario: Scenario, inventory: Inventory, seed: number): Plan {
  const rng = seededRandom(seed);
  // Each step plans against what earlier steps left: no replica, pod or node is chosen twice in one plan.
  let left = inventory;
  const steps = scenario.steps.map((step, index): PlannedStep => {
    if (step.kind === 'fault') {
      let planned: PlannedFault;
      try {
        planned = faultModule(step.fault, step.target).plan(step.fault, left, rng);
      } catch (error) {
        throw inStep(step.name, error);
      }
      left = withoutChosen(left, planned.affected);
      return { kind: 'fault', index, name: step.name, step, planned };
    }
    return { kind: step.kind, index, name: step.name, step, description: describeStep(step) };
  });
  const targets: string[] = [];
  const sb = scenario.targets.sandbox;
  if (sb) {
    const status = inventory.sandbox;
    const where = sb.url ?? 'started for this run';
    targets.push(
      status
        ? `sandbox (${where}): ${status.ready}/${status.desired} replicas ready in zones ${Object.keys(status.zones).join(', ')}${status.db ? `, database primary ${status.db.primary?.name ?? '(stopped)'}${status.db.standby ? ` + standby ${status.db.standby.name}` : ''}` : ''}`
        : `sandbox (${where}): ${sb.replicas} replicas in zones ${sb.zones.join(', ')}${sb.database ? ', PostgreSQL primary + standby' : ''}`,
    );
  }
  const k8s = inventory.kubernetes;
  if (scenario.targets.kubernetes) {
    const cfg = scenario.targets.kubernetes;
    const zones = [...new Set((k8s?.nodes ?? []).map((n) => n.zone ?? '?'))].sort();
    targets.push(
      `kubernetes (${cfg.inCluster ? 'in-cluster' : `context ${cfg.context ?? '(current)'}`}, namespace ${cfg.namespace})` +
        (k8s
          ? `: ${k8s.pods.length} pod(s) watched${k8s.nodes ? `, ${k8s.nodes.filter((n) => n.ready).length}/${k8s.nodes.length} nodes Ready in zones ${zones.join(', ')}` : ''}`
          : ''),
    );
  }
  if (scenario.targets.aws) targets.push(describeAwsTarget(scenario.targets.aws, inventory.aws));
  const probes = Object.values(scenario.probes).map(
    (p) => `${p.name}: ${p.kind} every ${formatDuration(p.intervalMs)}`,
  );
  return { scenario: scenario.name, seed, targets, probes, steps };
}

/**
 * Each fault step's choice of targets (`plan --json` and report.json `choices`); with the steps' outcomes,
 * also what each fault acted on once it ran.
 */
export function planChoices(plan: Plan, outcomes?: ReadonlyArray<{ index: number; affected?: string[] }>): RunChoice[] {
  return plan.steps.flatMap((s): RunChoice[] => {
    if (s.kind !== 'fault') return [];
    const actedOn = outcomes?.find((o) => o.index === s.index)?.affected;
    return [
      { step: s.name, target: s.planned.target, affected: [...s.planned.affected], ...(actedOn ? { actedOn } : {}) },
    ];
  });
}

/** A planning error, naming the step it belongs to. */
function inStep(name: string, error: unknown): unknown {
  if (!isGamedayError(error) || error.message.startsWith('step ')) return error;
  return new GamedayError(`step ${name}: ${error.message}`, {
    kind: error.kind,
    code: error.code,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.phase === undefined ? {} : { phase: error.phase }),
    ...(error.target === undefined ? {} : { target: error.target }),
    cause: error.cause,
  });
}

/** Pure: the inventory with what a step chose marked as going away (replicas, pods, nodes and their pods). */
export function withoutChosen(inventory: Inventory, affected: readonly string[]): Inventory {
  const chosen = new Set(affected);
  const out: Inventory = { ...inventory };
  if (inventory.sandbox) {
    const sb = inventory.sandbox;
    out.sandbox = {
      ...sb,
      replicas: sb.replicas.map((r) => (chosen.has(r.id) ? { ...r, state: 'terminating' as const } : r)),
    };
  }
  const k8s = inventory.kubernetes;
  if (k8s) {
    const nodes = new Set(affected.filter((a) => a.startsWith('node/')).map((a) => a.slice('node/'.length)));
    out.kubernetes = {
      ...k8s,
      nodes: k8s.nodes ? k8s.nodes.map((n) => (nodes.has(n.name) ? { ...n, unschedulable: true } : n)) : null,
      pods: k8s.pods.map((p) =>
        chosen.has(`${p.namespace}/${p.name}`) || nodes.has(p.nodeName ?? '') ? { ...p, terminating: true } : p,
      ),
    };
  }
  return out;
}

/** The planned steps as lines for people (`gameday plan`). */
export function describePlan(plan: Plan): string[] {
  const lines = [`scenario ${plan.scenario}`, 'targets:'];
  for (const t of plan.targets) lines.push(`  ${t}`);
  lines.push('probes:');
  for (const p of plan.probes) lines.push(`  ${p}`);
  lines.push('steps:');
  for (const s of plan.steps) {
    lines.push(`  ${s.index + 1}. ${s.name}: ${s.kind === 'fault' ? s.planned.description : s.description}`);
  }
  return lines;
}
