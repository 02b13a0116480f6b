// The blast radius over a whole run, planned without any server (pure).

import { describe, expect, it } from 'vitest';
import { projectedSandboxStatus } from '../drivers/sandbox/index.js';
import { loadScenarioText } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { checkGuards } from './guards.js';
import { planRun } from './plan.js';

function scenario(steps: string, guards = 'maxUnavailable: 50%'): Scenario {
  const text = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: blast }
targets: { sandbox: { replicas: 6, zones: [a, b, c] } }
guards: { ${guards} }
probes: { fleet: { sandbox: {} } }
steps:
${steps}`;
  const { scenario: s, diagnostics } = loadScenarioText(text, 'blast.yaml');
  if (!s) throw new Error(JSON.stringify(diagnostics));
  return s;
}

const inventory = () => ({
  sandbox: projectedSandboxStatus({ replicas: 6, zones: ['a', 'b', 'c'], database: false }),
});

function violations(s: Scenario): string[] {
  return checkGuards(s, planRun(s, inventory(), 1)).map((e) => e.message);
}

const threeZones = (between = ''): string =>
  ['a', 'b', 'c'].map((z) => `  - fault: pod-kill\n    select: { zone: ${z}, count: 2 }\n${between}`).join('');

describe('blast radius over the whole run', () => {
  it('adds up steps without a wait for recovery between them, and names the step and the numbers', () => {
    const found = violations(scenario(threeZones()));
    expect(found[0]).toBe(
      'step pod-kill #2: would have 4 of 6 in the sandbox fleet out of service at once (2 from this step, 2 from step pod-kill #1, not recovered yet), above guards.maxUnavailable (50% of 6 = 3)',
    );
    expect(found[1]).toMatch(/^step pod-kill #3: would have 6 of 6 .* from steps pod-kill #1, pod-kill #2/);
  });

  it('starts counting again after a wait for recovery', () => {
    expect(violations(scenario(threeZones('  - wait: { for: fleet }\n')))).toEqual([]);
  });

  it('caps one step on its own too', () => {
    expect(violations(scenario('  - fault: pod-kill\n    select: { count: 4 }\n'))).toEqual([
      'step pod-kill #1: would have 4 of 6 in the sandbox fleet out of service at once (4 from this step), above guards.maxUnavailable (50% of 6 = 3)',
    ]);
  });

  it('counts a zone outage until rollback against every later step', () => {
    const s = scenario('  - fault: zone-outage\n    zone: a\n  - fault: pod-kill\n    select: { zone: b, count: 2 }\n');
    expect(violations(s)).toEqual([expect.stringMatching(/^step pod-kill #1: would have 4 of 6/)]);
  });

  it('never chooses one replica twice in a plan', () => {
    const s = scenario('  - fault: pod-kill\n    select: { count: 3 }\n  - wait: { for: fleet }\n'.repeat(2));
    const plan = planRun(s, inventory(), 7);
    const chosen = plan.steps.flatMap((st) => (st.kind === 'fault' ? st.planned.affected : []));
    expect(chosen).toHaveLength(6);
    expect(new Set(chosen).size).toBe(6);
  });

  it('refuses a zone taken down twice without recovery in between', () => {
    const s = scenario(
      '  - fault: zone-outage\n    zone: a\n    duration: 5s\n  - fault: zone-outage\n    zone: a\n',
      'maxUnavailable: 100%',
    );
    expect(violations(s)).toEqual(['step zone-outage #2: zone a is already taken down by step zone-outage #1']);
  });

  it('refuses a count larger than the selection can give, naming the step (not a clamp)', () => {
    const s = scenario('  - fault: pod-kill\n    select: { zone: a, count: 4 }\n');
    expect(() => planRun(s, inventory(), 1)).toThrow(
      'step pod-kill #1: select.count 4 is more than the 2 candidate(s) the selection (zone a) can give',
    );
  });
});
