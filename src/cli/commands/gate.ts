// gameday gate <files|dirs…>: the CI gate — scenarios and game days one after another under one lock,
// a combined junit.xml, one summary (also GitHub's job summary), annotations at the objectives' lines,
// and, with --baseline, a regression against earlier runs fails the gate too.

import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GamedayError } from '../../errors.js';
import { DEFAULT_TOLERANCES, parseBaseline, parseTolerances } from '../../history/baseline.js';
import { Notifier } from '../../notify/send.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { gateFiles, githubEscape } from '../../suite/gate/discover.js';
import { runGate, type GateEntry, type GateResult } from '../../suite/gate/run.js';
import { gateHtml, gateMarkdown, gateVerdict } from '../../suite/gate/summary.js';
import { loadGameDayIfOne } from '../../suite/gameday/load.js';
import { outputMode, outputOptions, parseCommandArgs, seedOption, seedValue } from '../args.js';
import { paint, verdictTone } from '../colour.js';
import type { CliIo } from '../io.js';
import { consoleProgress } from '../progress.js';
import { printDiagnostics } from '../scenarios.js';
import { abortOnSignals } from '../signals.js';
import { parseNotify, suiteOptions, suiteServices, terminalCheckpoints } from '../suite-options.js';

export const gateHelp = `Usage: gameday gate <files|dirs…> [--report-dir D] [--junit FILE] [--summary FILE]
                    [--baseline last-pass|median:N] [--tolerance rto=25%,p95=20%]
                    [--seed N] [--history S3_URL] [--notify KIND=URL|ENV]… [--quiet] [--json]

Run scenarios and game days one after another under one lock (folders: their .yaml files, sorted).
Writes one combined junit.xml (a testsuite per scenario run, measured values as properties and
system-out; "not measured" is an error, a missed objective a failure), one summary.md (appended to
$GITHUB_STEP_SUMMARY when set), report.html (every run, linked to its own report.html) and gate.json; on GitHub Actions every failure is an ::error
annotation at the objective's line in the YAML.
--baseline compares each run with the last passing run (last-pass) or the median of the last N
passing runs from the history (the report dir's index, or --history); a run that passes its
objectives but is worse than its baseline by more than --tolerance (default rto=25%,p95=25%,
restore=25%) fails the gate: "RTO 5.2 s vs baseline 3.1 s, +68 %, tolerance 25 %".
Metrics: rto, p95, availability, restore, rpo, errors, score.
--seed N repeats a gate's random choices (which replicas, pods, nodes, zones, instances): the gate's seed
is printed first and recorded in gate.json; the run at position k (scenarios and game day items in order)
gets N + k, recorded in its report.json. \`gameday plan <same files> --seed N --json\` lists the choices.
Exit: 0 all pass · 1 an objective failed or a run regressed · 2 invalid input · 3 aborted or error · 4 rollback incomplete.`;

/** Load scenario and game day files (as the gate and `plan` of several files do); any error exits 2. */
export async function loadEntries(files: string[], io: CliIo): Promise<GateEntry[]> {
  const entries: GateEntry[] = [];
  let errors = 0;
  for (const file of files) {
    const loaded = (await loadGameDayIfOne(file)) ?? (await loadScenarioFile(file));
    printDiagnostics(loaded.diagnostics, io);
    errors += loaded.diagnostics.filter((d) => d.severity === 'error').length;
    if ('gameday' in loaded && loaded.gameday) entries.push({ file, gameday: loaded.gameday });
    if ('scenario' in loaded && loaded.scenario) entries.push({ file, scenario: loaded.scenario });
  }
  if (errors > 0) {
    throw new GamedayError(
      `${errors} error${errors === 1 ? '' : 's'} in ${files.length} file(s); the gate ran nothing`,
      {
        kind: 'invalid-input',
        code: 'INVALID_SCENARIO',
        hint: 'fix the problems above; `gameday validate` checks files without running them',
      },
    );
  }
  return entries;
}

/** gate.json and --json: the gate's outcome, each run by reference (its report.json holds the rest). */
function gateJson(g: GateResult, junit: string, summary: string): Record<string, unknown> {
  return {
    gateId: g.gateId,
    seed: g.seed,
    startedAt: g.startedAt,
    endedAt: g.endedAt,
    exitCode: g.exitCode,
    verdict: gateVerdict(g.exitCode),
    junit,
    summary,
    runs: g.runs.map((r) => ({
      file: r.file,
      scenario: r.report.scenario,
      ...(r.gameday ? { gameday: r.gameday } : {}),
      runId: r.report.runId,
      ...(r.report.seed === undefined ? {} : { seed: r.report.seed }),
      ...(r.report.choices ? { choices: r.report.choices } : {}),
      runDir: r.runDir,
      verdict: r.report.verdict,
      exitCode: r.exitCode,
      score: r.score,
      ...(r.report.regression ? { regression: r.report.regression } : {}),
    })),
    gamedays: g.gamedays,
    annotations: g.annotations,
    notRun: g.notRun,
  };
}

/** The gate's result for people: its verdict, then each run (PASS, FAIL, REGRESSED… in colour on a terminal). */
export function printResult(g: GateResult, io: CliIo, quiet: boolean): void {
  const verdict = gateVerdict(g.exitCode);
  io.out('');
  io.out(
    `gate: ${paint(io.colour, verdictTone(g.exitCode === 0 ? 'pass' : 'fail'), verdict)} (${g.runs.filter((r) => r.exitCode === 0).length}/${g.runs.length} passed)`,
  );
  if (quiet) return;
  for (const r of g.runs) {
    const regressed = r.report.regression?.regressed === true;
    const word =
      r.exitCode === 0
        ? 'PASS'
        : regressed && r.report.verdict === 'pass'
          ? 'REGRESSED'
          : r.report.verdict.toUpperCase();
    const tone = r.exitCode === 0 ? 'pass' : r.report.verdict === 'aborted' ? 'aborted' : 'fail';
    io.out(
      `  ${paint(io.colour, verdictTone(tone), word.padEnd(9))} ${r.report.scenario.padEnd(28)} score ${String(r.score).padStart(5)}  ${r.runDir}`,
    );
    for (const c of r.report.regression?.checks ?? []) if (c.regressed) io.out(`            ${c.explanation}`);
  }
}

export async function gateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('gate', argv, {
    ...outputOptions,
    ...suiteOptions,
    ...seedOption,
    junit: { type: 'string' },
    summary: { type: 'string' },
    baseline: { type: 'string' },
    tolerance: { type: 'string' },
  });
  if (values['help']) {
    io.out(gateHelp);
    return 0;
  }
  if (positionals.length === 0) {
    throw new GamedayError('gate: give scenario files, game day files or folders', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday gate scenarios/sandbox',
    });
  }
  const mode = outputMode(values);
  const seed = seedValue('gate', values);
  const reportDir = String(values['report-dir'] ?? 'reports');
  const baseline = typeof values['baseline'] === 'string' ? parseBaseline(values['baseline']) : undefined;
  const tolerances =
    typeof values['tolerance'] === 'string' ? parseTolerances(values['tolerance']) : DEFAULT_TOLERANCES;
  const entries = await loadEntries(gateFiles(positionals), io);
  const services = await suiteServices(values, reportDir, io, false);
  const checkpoints = terminalCheckpoints(values, io);
  const notify = parseNotify(values);
  const notifier = new Notifier(notify);
  const startedAt = new Date().toISOString();
  notifier.send('start', {
    kind: 'gate',
    name: 'gate',
    runId: startedAt,
    startedAt,
    description: `${entries.length} file(s): ${entries.map((e) => e.file).join(', ')}`,
  });
  const signals = abortOnSignals(io, () => undefined);
  const quiet = mode.quiet || mode.json;
  let result: GateResult;
  try {
    const sandboxUrl = process.env['GAMEDAY_SANDBOX_URL'];
    result = await runGate(entries, {
      reportDir,
      signal: signals.signal,
      reporters: [consoleProgress(io, { timeoutMs: 15 * 60_000, quiet })],
      services,
      ...(notify.length > 0 ? { notify } : {}),
      ...(checkpoints ? { checkpoints } : {}),
      ...(sandboxUrl ? { sandboxUrl } : {}),
      ...(baseline ? { baseline, tolerances } : {}),
      ...(seed === undefined ? {} : { seed }),
      onProgress: (m) => (quiet ? undefined : io.err(`gameday: ${m}`)),
    });
  } finally {
    signals.dispose();
  }
  const junitPath = typeof values['junit'] === 'string' ? values['junit'] : join(reportDir, 'junit.xml');
  const summaryPath = typeof values['summary'] === 'string' ? values['summary'] : join(reportDir, 'summary.md');
  const summary = gateMarkdown(result);
  for (const [path, text] of [
    [junitPath, result.junit],
    [summaryPath, summary],
    [join(reportDir, 'report.html'), gateHtml(result, reportDir)],
    [join(reportDir, 'gate.json'), `${JSON.stringify(gateJson(result, junitPath, summaryPath), null, 2)}\n`],
  ] as const) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  const stepSummary = process.env['GITHUB_STEP_SUMMARY'];
  if (stepSummary) appendFileSync(stepSummary, `${summary}\n`);
  if (process.env['GITHUB_ACTIONS'] === 'true') {
    for (const a of result.annotations) {
      io.out(
        `::error file=${githubEscape(a.file, true)},line=${a.line},col=${a.col},title=${githubEscape(a.title, true)}::${githubEscape(a.message)}`,
      );
    }
  }
  notifier.send('end', {
    kind: 'gate',
    name: 'gate',
    runId: result.gateId,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    verdict: gateVerdict(result.exitCode).toLowerCase(),
    exitCode: result.exitCode,
    objectives: result.runs.map((r) => ({
      name: r.report.scenario,
      target: 'pass',
      actual: r.exitCode === 0 ? 'pass' : r.report.verdict,
      pass: r.exitCode === 0,
    })),
    facts: { Runs: `${result.runs.filter((r) => r.exitCode === 0).length}/${result.runs.length} passed` },
  });
  for (const n of await notifier.flush())
    if (!n.ok) io.err(`gameday: warning: notification ${n.channel} ${n.event} to ${n.target} failed: ${n.error ?? ''}`);
  if (mode.json) io.out(JSON.stringify(gateJson(result, junitPath, summaryPath), null, 2));
  else printResult(result, io, mode.quiet);
  if (!mode.json && !mode.quiet) {
    io.out(`  junit:   ${junitPath}`);
    io.out(`  summary: ${summaryPath}`);
  }
  return result.exitCode;
}
