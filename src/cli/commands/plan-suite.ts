// gameday plan <gameday.yaml | files | dirs…>: every run a game day or a gate would make, each with the
// seed it would get (src/suite/seeds.ts), so `plan --seed N --json` lists the choices of `--seed N`.

import { relative, resolve } from 'node:path';
import { seedFrom } from '../../faults/select.js';
import { describePlan, planChoices } from '../../runner/plan.js';
import type { RunChoice } from '../../report/types.js';
import type { Scenario } from '../../scenario/types.js';
import { gateFiles } from '../../suite/gate/discover.js';
import { entrySeeds, itemSeeds } from '../../suite/seeds.js';
import type { CliIo } from '../io.js';
import { loadEntries } from './gate.js';
import { planScenario, violationText, type ScenarioPlan } from './plan-scenario.js';

interface SuiteRun {
  file: string;
  scenario: Scenario;
  seed: number;
  gameday?: string;
  item?: string;
}

/** The runs in the order a gate (or a game day) makes them, each with its seed. */
async function suiteRuns(
  args: string[],
  seed: number | undefined,
  io: CliIo,
): Promise<{ seed: number; runs: SuiteRun[] }> {
  const entries = await loadEntries(gateFiles(args), io);
  const first = entries[0];
  // The default mirrors `plan <scenario>`: from the name of the one game day or scenario, else the paths.
  const only =
    entries.length === 1 && first ? ('gameday' in first ? first.gameday.name : first.scenario.name) : undefined;
  const suiteSeed = seed ?? seedFrom(only ?? args.join(' '));
  const shown = (f: string): string => relative(process.cwd(), resolve(f)) || f;
  const runs: SuiteRun[] = [];
  const seeds = entrySeeds(entries, suiteSeed);
  for (const [i, entry] of entries.entries()) {
    const at = seeds[i] as number;
    if ('scenario' in entry) {
      runs.push({ file: shown(entry.file), scenario: entry.scenario, seed: at });
      continue;
    }
    const items = itemSeeds(entry.gameday.items, at);
    for (const [j, item] of entry.gameday.items.entries()) {
      if (item.kind === 'checkpoint') continue;
      const s = items[j] as number;
      runs.push({
        file: shown(item.file),
        scenario: item.scenario,
        seed: s,
        gameday: entry.gameday.name,
        item: item.name,
      });
    }
  }
  return { seed: suiteSeed, runs };
}

export async function planSuite(
  args: string[],
  seed: number | undefined,
  mode: { json: boolean; quiet: boolean; preview: boolean },
  io: CliIo,
): Promise<number> {
  const suite = await suiteRuns(args, seed, io);
  const planned: Array<SuiteRun & ScenarioPlan> = [];
  for (const run of suite.runs) planned.push({ ...run, ...(await planScenario(run.scenario, run.seed, mode.preview)) });
  const violations = planned.flatMap((p) => p.violations);
  if (mode.json) {
    const runs = planned.map((p) => ({
      file: p.file,
      scenario: p.scenario.name,
      ...(p.gameday === undefined ? {} : { gameday: p.gameday, item: p.item }),
      seed: p.seed,
      choices: planChoices(p.plan) satisfies RunChoice[],
      plan: p.plan,
      guardViolations: p.violations.map((v) => v.message),
    }));
    io.out(JSON.stringify({ seed: suite.seed, runs }, null, 2));
  } else if (mode.quiet) {
    for (const v of violations) io.err(`guard: ${v.message}`);
  } else {
    io.out(`seed ${suite.seed}: ${suite.runs.length} run(s), the run at position k with seed ${suite.seed} + k`);
    for (const p of planned) {
      io.out('');
      io.out(`${p.gameday ? `${p.gameday} / ${p.item}: ` : ''}${p.file}, seed ${p.seed}`);
      for (const line of describePlan(p.plan)) io.out(`  ${line}`);
      for (const line of p.extra) io.out(`  ${line}`);
      for (const v of p.violations) io.err(violationText(v));
    }
  }
  return violations.length > 0 ? 2 : 0;
}
