// Runbook actions by name. Targets register theirs here (the sandbox's are built in); a scenario
// names an action and the planner checks its arguments before anything runs.

import { GamedayError } from '../errors.js';
import { awsActions } from './aws-actions.js';
import { kubernetesActions } from './kubernetes-actions.js';
import { sandboxActions } from './sandbox-actions.js';
import type { RunbookAction, RunbookStep } from './types.js';

const actions = new Map<string, RunbookAction>(
  [...sandboxActions, ...awsActions, ...kubernetesActions].map((a) => [a.name, a]),
);

/** Make an action available to runbooks; a second action with the same name is a programming error. */
export function registerRunbookAction(action: RunbookAction): void {
  if (actions.has(action.name)) throw new Error(`runbook action ${action.name} is registered twice`);
  actions.set(action.name, action);
}

/** Names of every registered action, sorted. */
export function runbookActionNames(): string[] {
  return [...actions.keys()].sort();
}

/** The action called `name`, or an invalid-input error listing the known ones. */
export function runbookAction(name: string): RunbookAction {
  const action = actions.get(name);
  if (!action) {
    throw new GamedayError(`unknown runbook action "${name}"`, {
      kind: 'invalid-input',
      code: 'UNKNOWN_RUNBOOK_ACTION',
      hint: `known actions: ${runbookActionNames().join(', ')}`,
    });
  }
  return action;
}

/** Pure: every problem with `steps` (unknown actions, bad arguments, duplicate names), each with its path. */
export function checkRunbook(steps: readonly RunbookStep[], path = 'runbook'): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  steps.forEach((s, i) => {
    if (seen.has(s.name)) errors.push(`${path}[${i}].name: "${s.name}" is used twice`);
    seen.add(s.name);
    if (!(s.timeoutMs > 0)) errors.push(`${path}[${i}].timeout must be positive`);
    const action = actions.get(s.action);
    if (!action) {
      errors.push(`${path}[${i}].action: unknown action "${s.action}" (known: ${runbookActionNames().join(', ')})`);
      return;
    }
    for (const e of action.check(s.args)) errors.push(`${path}[${i}] (${s.action}): ${e}`);
  });
  return errors;
}
