// gameday plan <file|dir…>: the resolved targets and steps. Mutates nothing.

import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { GamedayError } from '../../errors.js';
import { seedFrom } from '../../faults/select.js';
import { describePlan, planChoices } from '../../runner/plan.js';
import { isGameDayText } from '../../suite/gameday/load.js';
import { parseCommandArgs, seedOption, seedValue } from '../args.js';
import type { CliIo } from '../io.js';
import { loadOrExplain } from '../scenarios.js';
import { planScenario, violationText } from './plan-scenario.js';
import { planSuite } from './plan-suite.js';

export const planHelp = `Usage: gameday plan <file|dir…> [--seed N] [--json] [--quiet] [--preview]

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
--quiet prints only guard violations.
A game day file, several files or folders plan every run as \`gameday run <gameday> --seed N\` or
\`gameday gate <same files> --seed N\` makes it: the run at position k gets seed N + k (default N: from
the game day's name, or the files' paths); --json prints { seed, runs: [{ file, scenario, seed, choices,
plan, guardViolations }] }. Against a sandbox shared by the runs, a later run plans on today's inventory.`;

/** Whether `file` is one scenario (not a folder, not a game day): planned alone, as before. */
async function isOneScenario(files: readonly string[]): Promise<boolean> {
  const [file] = files;
  if (files.length !== 1 || file === undefined || statSync(file, { throwIfNoEntry: false })?.isDirectory())
    return false;
  return !isGameDayText(await readFile(file, 'utf8').catch(() => ''));
}

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
  if (positionals.length === 0) {
    throw new GamedayError('plan: give a scenario file, a game day file or folders', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday plan scenarios/sandbox/pod-kill.yaml',
    });
  }
  const seed = seedValue('plan', values);
  const mode = { json: values['json'] === true, quiet: values['quiet'] === true, preview: values['preview'] === true };
  if (!(await isOneScenario(positionals))) return planSuite(positionals, seed, mode, io);
  const [scenario] = await loadOrExplain(positionals, io);
  if (!scenario) return 2;
  const { plan, violations, extra } = await planScenario(scenario, seed ?? seedFrom(scenario.name), mode.preview);
  if (mode.json) {
    io.out(
      JSON.stringify(
        { seed: plan.seed, choices: planChoices(plan), plan, guardViolations: violations.map((v) => v.message) },
        null,
        2,
      ),
    );
  } else if (mode.quiet) {
    for (const v of violations) io.err(`guard: ${v.message}`);
  } else {
    for (const line of describePlan(plan)) io.out(line);
    for (const line of extra) io.out(line);
    for (const v of violations) io.err(violationText(v));
  }
  return violations.length > 0 ? 2 : 0;
}
