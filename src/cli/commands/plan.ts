// gameday plan <file>: the resolved targets and steps. Mutates nothing.

import { SandboxClient, projectedSandboxStatus } from '../../drivers/sandbox/index.js';
import { GamedayError } from '../../errors.js';
import { seedFrom } from '../../faults/select.js';
import { checkGuards } from '../../runner/guards.js';
import { connectKubernetes } from '../../faults/kubernetes/connect.js';
import { kubernetesGuardViolations } from '../../faults/kubernetes/guards.js';
import { describePlan, planRun } from '../../runner/plan.js';
import { describeInspection } from '../../load/k6-inspect.js';
import { describeK6Operator } from '../../load/k6-operator-manifest.js';
import { preflightTools } from '../../runner/preflight.js';
import { parseCommandArgs, seedOption, seedValue } from '../args.js';
import type { CliIo } from '../io.js';
import { loadOrExplain } from '../scenarios.js';
import { awsPlanTarget, previewLines } from './plan-aws.js';

export const planHelp = `Usage: gameday plan <file> [--seed N] [--json] [--quiet] [--preview]

Print the resolved targets and steps of a scenario without changing anything. With GAMEDAY_SANDBOX_URL
set (or targets.sandbox.url), the plan is made against that running sandbox's live inventory (read only);
otherwise against the sandbox gameday would start. With targets.aws, the caller identity is verified and the
databases the faults name are described (read only); --preview also lets FIS resolve each FIS step's targets
with actionsMode skip-all (a template is created and deleted again; no action runs). With
targets.kubernetes, the permission preflight runs and the pods and nodes a fault would act on are listed.
With k6 load, \`k6 inspect\` shows the script's options and thresholds (a script error exits 2); every
PromQL expression is checked against its Prometheus (bad PromQL exits 2).
--seed N shows the choices \`gameday run --seed N\` will make on the same inventory (default seed: from the
scenario name); --json prints { seed, choices: [{ step, target, affected }], plan, guardViolations };
--quiet prints only guard violations.`;

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('plan', argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    preview: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    ...seedOption,
  });
  if (values['help']) {
    io.out(planHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new GamedayError('plan: give exactly one scenario file', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday plan scenarios/sandbox/pod-kill.yaml',
    });
  }
  const [scenario] = await loadOrExplain(positionals, io);
  if (!scenario) return 2;
  const inventory: Parameters<typeof planRun>[1] = {};
  let note = '';
  const sb = scenario.targets.sandbox;
  if (sb) {
    const url = process.env['GAMEDAY_SANDBOX_URL'] ?? sb.url;
    if (url) {
      inventory.sandbox = await new SandboxClient(url).status(AbortSignal.timeout(5000));
    } else {
      inventory.sandbox = projectedSandboxStatus(sb);
      note = 'note: the sandbox is started at run time; replica names are projected and choices are made then';
    }
  }
  const signal = AbortSignal.timeout(5 * 60_000);
  // Read-only: the permission preflight (SelfSubjectAccessReview) and the watch caches, nothing else.
  const k8s = scenario.targets.kubernetes
    ? await connectKubernetes(scenario, { signal, log: () => undefined })
    : undefined;
  let aws: Awaited<ReturnType<typeof awsPlanTarget>>;
  let plan: ReturnType<typeof planRun>;
  const extra: string[] = [];
  try {
    if (k8s) inventory.kubernetes = k8s.inventory();
    aws = await awsPlanTarget(scenario, signal);
    if (aws) inventory.aws = aws.inventory;
    plan = planRun(scenario, inventory, seedValue('plan', values) ?? seedFrom(scenario.name));
    if (aws && values['preview']) extra.push(...(await previewLines(plan, aws, signal)));
  } finally {
    aws?.conn.close();
    await k8s?.close();
  }
  const vars: Record<string, string> = {};
  if (inventory.sandbox?.apiUrl) vars['SANDBOX_API_URL'] = inventory.sandbox.apiUrl;
  const tools = await preflightTools(scenario, { vars, signal });
  if (tools.k6 && scenario.load?.engine === 'k6') {
    extra.push(...describeInspection(scenario.load, tools.k6.found, tools.k6.inspection));
  }
  const load = scenario.load;
  if (load?.engine === 'k6' && load.operator) extra.push(...describeK6Operator({ ...load, operator: load.operator }));
  if (tools.promql.length > 0) extra.push(`promql: ${tools.promql.length} expression(s) parse on their Prometheus`);
  const violations = [...checkGuards(scenario, plan), ...kubernetesGuardViolations(scenario, plan)];
  if (values['json']) {
    const choices = plan.steps.flatMap((s) =>
      s.kind === 'fault' ? [{ step: s.name, target: s.planned.target, affected: s.planned.affected }] : [],
    );
    io.out(
      JSON.stringify({ seed: plan.seed, choices, plan, guardViolations: violations.map((v) => v.message) }, null, 2),
    );
  } else if (values['quiet']) {
    for (const v of violations) io.err(`guard: ${v.message}`);
  } else {
    for (const line of describePlan(plan)) io.out(line);
    if (note) io.out(note);
    for (const line of extra) io.out(line);
    for (const v of violations) io.err(`guard: ${v.message}${v.hint ? `\n  hint: ${v.hint}` : ''}`);
  }
  return violations.length > 0 ? 2 : 0;
}
