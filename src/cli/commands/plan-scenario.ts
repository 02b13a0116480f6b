// One scenario planned read-only, as `gameday plan` shows it: the live (or projected) inventory, the
// plan with its seed, guard violations, and what the preflight found (k6, PromQL, FIS previews).

import { SandboxClient, projectedSandboxStatus } from '../../drivers/sandbox/index.js';
import type { GamedayError } from '../../errors.js';
import { checkGuards } from '../../runner/guards.js';
import { connectKubernetes } from '../../faults/kubernetes/connect.js';
import { kubernetesGuardViolations } from '../../faults/kubernetes/guards.js';
import { planRun, type Plan } from '../../runner/plan.js';
import { describeInspection } from '../../load/k6-inspect.js';
import { describeK6Operator } from '../../load/k6-operator-manifest.js';
import { preflightTools } from '../../runner/preflight.js';
import type { RUNTIME_VARIABLES, Scenario } from '../../scenario/types.js';
import { awsPlanTarget, previewLines } from './plan-aws.js';

/** One scenario planned read-only against its live (or projected) inventory, with its guard violations. */
export interface ScenarioPlan {
  plan: Plan;
  violations: GamedayError[];
  /** Lines after the plan: the projected-sandbox note, FIS previews, k6 inspection, PromQL checks. */
  extra: string[];
}

/**
 * What a sandbox started at run time will provide, stood in for at plan time: a k6 script that reads them in
 * its init code, and PromQL that names them, are checked as they will run (nothing connects to them).
 */
const PROJECTED_SANDBOX_VARS: Record<(typeof RUNTIME_VARIABLES)[number], string> = {
  SANDBOX_URL: 'http://127.0.0.1:1',
  SANDBOX_API_URL: 'http://127.0.0.1:1',
  SANDBOX_DATABASE_URL: 'postgres://127.0.0.1:1/gameday',
};

export async function planScenario(scenario: Scenario, seed: number, preview: boolean): Promise<ScenarioPlan> {
  const inventory: Parameters<typeof planRun>[1] = {};
  const extra: string[] = [];
  const sb = scenario.targets.sandbox;
  if (sb) {
    const url = process.env['GAMEDAY_SANDBOX_URL'] ?? sb.url;
    if (url) {
      inventory.sandbox = await new SandboxClient(url).status(AbortSignal.timeout(5000));
    } else {
      inventory.sandbox = projectedSandboxStatus(sb);
      extra.push('note: the sandbox is started at run time; replica names are projected and choices are made then');
    }
  }
  const signal = AbortSignal.timeout(5 * 60_000);
  // Read-only: the permission preflight (SelfSubjectAccessReview) and the watch caches, nothing else.
  const k8s = scenario.targets.kubernetes
    ? await connectKubernetes(scenario, { signal, log: () => undefined })
    : undefined;
  let aws: Awaited<ReturnType<typeof awsPlanTarget>>;
  let plan: Plan;
  try {
    if (k8s) inventory.kubernetes = k8s.inventory();
    aws = await awsPlanTarget(scenario, signal);
    if (aws) inventory.aws = aws.inventory;
    plan = planRun(scenario, inventory, seed);
    if (aws && preview) extra.push(...(await previewLines(plan, aws, signal)));
  } finally {
    aws?.conn.close();
    await k8s?.close();
  }
  const vars: Record<string, string> = {};
  if (inventory.sandbox?.apiUrl) vars['SANDBOX_API_URL'] = inventory.sandbox.apiUrl;
  else if (sb) Object.assign(vars, PROJECTED_SANDBOX_VARS);
  const tools = await preflightTools(scenario, { vars, signal });
  if (tools.k6 && scenario.load?.engine === 'k6') {
    extra.push(...describeInspection(scenario.load, tools.k6.found, tools.k6.inspection));
  }
  const load = scenario.load;
  if (load?.engine === 'k6' && load.operator) extra.push(...describeK6Operator({ ...load, operator: load.operator }));
  if (tools.promql.length > 0) extra.push(`promql: ${tools.promql.length} expression(s) parse on their Prometheus`);
  const violations = [...checkGuards(scenario, plan), ...kubernetesGuardViolations(scenario, plan)];
  return { plan, violations, extra };
}

/** A guard violation for people, with its hint. */
export function violationText(v: GamedayError): string {
  return `guard: ${v.message}${v.hint ? `\n  hint: ${v.hint}` : ''}`;
}
