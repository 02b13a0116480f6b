// Run-time guards for Kubernetes fault steps, next to the generic ones in runner/guards.ts (allow-listed
// zones, blast radius): the namespace allow-list, checked against what the plan actually touches.

import { GamedayError } from '../../errors.js';
import type { Plan } from '../../runner/plan.js';
import type { Scenario } from '../../scenario/types.js';

/** Pure: every namespace a kubernetes fault step would act in that guards.allowedNamespaces does not list. */
export function kubernetesGuardViolations(scenario: Scenario, plan: Plan): GamedayError[] {
  const allowed = scenario.guards.allowedNamespaces;
  if (!allowed) return [];
  const errors: GamedayError[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'fault' || step.planned.target !== 'kubernetes') continue;
    const namespaces = new Set<string>();
    const f = step.planned.fault;
    if (f.type === 'pod-kill' && f.select.namespace) namespaces.add(f.select.namespace);
    for (const a of step.planned.affected) {
      const ns = /^([^/]+)\/[^/]+$/.exec(a)?.[1];
      if (ns && ns !== 'node') namespaces.add(ns);
    }
    for (const ns of namespaces) {
      if (allowed.includes(ns)) continue;
      errors.push(
        new GamedayError(
          `step ${step.name}: namespace ${ns} is not in guards.allowedNamespaces (${allowed.join(', ')})`,
          {
            kind: 'invalid-input',
            code: 'GUARD_NAMESPACE',
            hint: 'add the namespace to guards.allowedNamespaces or act on an allowed one',
          },
        ),
      );
    }
  }
  return errors;
}
