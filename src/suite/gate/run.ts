// The CI gate: scenarios and game days one after another under one lock, each run compared with its
// baseline, then one combined junit.xml, one summary and annotations that point at the YAML lines.

import { hostname } from 'node:os';
import { relative, resolve } from 'node:path';
import {
  baselineCandidates,
  compareWithBaseline,
  selectBaseline,
  type BaselineSpec,
  type Tolerances,
} from '../../history/baseline.js';
import { LocalHistory } from '../../history/local.js';
import { metricsFromReport } from '../../history/metrics.js';
import { indexRun, uploadRun } from '../../history/record.js';
import { scoreReport } from '../../history/score.js';
import type { HistoryStore } from '../../history/store.js';
import type { CheckpointIo } from '../../live/checkpoint.js';
import { updateReport } from '../../live/notes.js';
import type { Report } from '../../report/types.js';
import type { Reporter } from '../../runner/events.js';
import { FileLockBackend, acquireTargetLock, holderFor } from '../../runner/lock/index.js';
import { newRunId } from '../../runner/open-run.js';
import { seedFrom } from '../../faults/select.js';
import type { Scenario } from '../../scenario/types.js';
import type { ResolvedNotifyTarget } from '../../scenario/types-gameday.js';
import { runGameDay } from '../gameday/run.js';
import type { GameDay } from '../gameday/types.js';
import { combinedJunit } from '../junit.js';
import { runWithServices, type SuiteServices } from '../services.js';
import { entrySeeds } from '../seeds.js';
import { objectivePosition } from './positions.js';

export type GateEntry = { file: string; scenario: Scenario } | { file: string; gameday: GameDay };

export interface GateOptions {
  reportDir: string;
  signal?: AbortSignal;
  reporters?: Reporter[];
  checkpoints?: CheckpointIo;
  sandboxUrl?: string;
  services?: SuiteServices;
  /** Notification targets for game days in the gate (the CLI's --notify). */
  notify?: ResolvedNotifyTarget[];
  baseline?: BaselineSpec;
  tolerances?: Tolerances;
  /** Seed of the gate's random choices (default: from the gate id); each run gets seed + position (seeds.ts). */
  seed?: number;
  onProgress?(message: string): void;
}

/** One scenario run in the gate, as the summary and the annotations need it. */
export interface GateRun {
  /** The scenario file as given (relative to the working directory). */
  file: string;
  scenario?: Scenario;
  /** The game day it ran in, if any. */
  gameday?: string;
  report: Report;
  runDir: string;
  exitCode: number;
  score: number;
}

export interface GateAnnotation {
  file: string;
  line: number;
  col: number;
  title: string;
  message: string;
}

export interface GateResult {
  gateId: string;
  /** `gameday gate <same files> --seed N` makes the same choices again. */
  seed: number;
  startedAt: string;
  endedAt: string;
  runs: GateRun[];
  gamedays: Array<{
    file: string;
    name: string;
    seed: number;
    runDir: string;
    exitCode: number;
    score: number;
    verdict: string;
  }>;
  junit: string;
  annotations: GateAnnotation[];
  exitCode: number;
  /** Entries not run because the gate was interrupted. */
  notRun: string[];
}

/** Lock key for a gate: what its scenarios act on, so two gates never act on one system at once. */
export function gateLockKey(entries: readonly GateEntry[]): string {
  const keys = new Set<string>();
  const add = (s: Scenario): void => {
    if (s.targets.sandbox?.url) keys.add(`sandbox:${s.targets.sandbox.url}`);
    if (s.targets.kubernetes)
      keys.add(`kubernetes:${s.targets.kubernetes.context ?? ''}/${s.targets.kubernetes.namespace}`);
    if (s.targets.aws) keys.add(`aws:${s.targets.aws.region}`);
  };
  for (const e of entries) {
    if ('scenario' in e) add(e.scenario);
    else for (const i of e.gameday.items) if (i.kind !== 'checkpoint') add(i.scenario);
  }
  return `gate:${[...keys].sort().join(',') || 'own sandboxes'}`;
}

/** Compare a finished run with its baseline, write the result into its report and index it again. */
async function checkRegression(
  run: GateRun,
  history: HistoryStore,
  local: HistoryStore,
  reportDir: string,
  spec: BaselineSpec,
  tolerances: Tolerances,
): Promise<void> {
  const earlier = baselineCandidates(
    await history.entries(run.report.scenario),
    run.report.scenario,
    run.report.startedAt,
  );
  const baseline = selectBaseline(earlier, spec);
  const regression = baseline
    ? compareWithBaseline(metricsFromReport(run.report), baseline, tolerances, spec)
    : {
        baseline: spec.kind === 'last-pass' ? 'last-pass' : `median:${spec.runs}`,
        baselineRuns: [],
        regressed: false,
        checks: [],
      };
  run.report = await updateReport(run.runDir, (r) => (r.regression = regression));
  // The index remembers the regression: a regressed run never becomes anyone's baseline.
  await indexRun(reportDir, run.runDir);
  if (history !== local) await uploadRun(reportDir, run.runDir, history);
  if (regression.regressed && run.exitCode === 0) run.exitCode = 1;
}

function annotationsFor(run: GateRun): GateAnnotation[] {
  const out: GateAnnotation[] = [];
  const file = run.scenario?.file ?? run.file;
  const at = (name: string): { line: number; col: number } => objectivePosition(file, name, run.scenario);
  const title = (what: string): string => `gameday ${run.report.scenario}: ${what}`;
  for (const o of run.report.objectives) {
    if (!o.pass)
      out.push({
        file: run.file,
        ...at(o.name),
        title: title(o.name),
        message: `target ${o.target}, actual ${o.actual}`,
      });
  }
  for (const c of run.report.regression?.checks ?? []) {
    if (c.regressed)
      out.push({
        file: run.file,
        ...at(`regression ${c.metric}`),
        title: title(`regression ${c.metric}`),
        message: c.explanation,
      });
  }
  if (run.report.verdict === 'aborted' || run.report.verdict === 'error') {
    out.push({
      file: run.file,
      ...at('run'),
      title: title(run.report.verdict),
      message: run.report.reason ?? run.report.verdict,
    });
  }
  if (!run.report.rollback.complete) {
    out.push({
      file: run.file,
      ...at('run'),
      title: title('rollback incomplete'),
      message: run.report.rollback.failed.map((f) => f.error).join('; '),
    });
  }
  return out;
}

/** Run every entry in order (stopping only when interrupted), then build the combined results. */
export async function runGate(entries: readonly GateEntry[], opts: GateOptions): Promise<GateResult> {
  const gateId = newRunId();
  const startedAt = new Date().toISOString();
  // The gate's own key, beside each run's locks on its systems: two gates never interleave their runs.
  // It has no journal of its own (the runs journal their mutations), so a dead gate's lock is taken over.
  const lock = await acquireTargetLock(gateLockKey(entries), {
    backend: new FileLockBackend(),
    holder: holderFor(gateId, '', 'run'),
  });
  const services = opts.services ?? {};
  const local = new LocalHistory(opts.reportDir);
  const history = services.history ?? local;
  // A scenario's run is uploaded to shared history once its regression check is in its report.
  const runServices: SuiteServices = opts.baseline ? { ...services, history: undefined } : services;
  const runs: GateRun[] = [];
  const gamedays: GateResult['gamedays'] = [];
  const notRun: string[] = [];
  const shown = (f: string): string => relative(process.cwd(), resolve(f)) || f;
  const seed = opts.seed ?? seedFrom(gateId);
  const seeds = entrySeeds(entries, seed);
  opts.onProgress?.(`gate seed ${seed} (gameday gate --seed ${seed} with the same files makes the same choices)`);
  try {
    for (const [i, entry] of entries.entries()) {
      if (opts.signal?.aborted) {
        notRun.push(entry.file);
        continue;
      }
      const entrySeed = seeds[i] as number;
      opts.onProgress?.(`gate ${i + 1}/${entries.length}: ${shown(entry.file)}, seed ${entrySeed}`);
      const common = {
        reportDir: opts.reportDir,
        ...(opts.reporters ? { reporters: opts.reporters } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
        ...(opts.sandboxUrl ? { sandboxUrl: opts.sandboxUrl } : {}),
      };
      const added: GateRun[] = [];
      if ('scenario' in entry) {
        const result = await runWithServices(entry.scenario, { ...common, seed: entrySeed }, runServices);
        added.push({
          file: shown(entry.file),
          scenario: entry.scenario,
          report: result.report,
          runDir: result.runDir,
          exitCode: result.exitCode,
          score: 0,
        });
      } else {
        const g = await runGameDay(entry.gameday, {
          ...common,
          seed: entrySeed,
          services,
          ...(opts.notify ? { notify: opts.notify } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        });
        gamedays.push({
          file: shown(entry.file),
          name: entry.gameday.name,
          seed: entrySeed,
          runDir: g.runDir,
          exitCode: g.exitCode,
          score: g.report.score,
          verdict: g.report.verdict,
        });
        for (const { item, result } of g.runs) {
          added.push({
            file: shown(item.file),
            scenario: item.scenario,
            gameday: entry.gameday.name,
            report: result.report,
            runDir: result.runDir,
            exitCode: result.exitCode,
            score: 0,
          });
        }
      }
      for (const run of added) {
        if (opts.baseline)
          await checkRegression(run, history, local, opts.reportDir, opts.baseline, opts.tolerances ?? {});
        run.score = scoreReport(run.report).score;
        runs.push(run);
      }
    }
  } finally {
    await lock.release().catch(() => undefined);
  }
  const host = hostname();
  const junit = combinedJunit(
    'gameday gate',
    runs.map((r) => ({ report: r.report, file: r.file, hostname: host, runDir: r.runDir })),
  );
  const worst = Math.max(
    0,
    ...runs.map((r) => (r.exitCode === 2 ? 3 : r.exitCode)),
    ...gamedays.map((g) => g.exitCode),
  );
  return {
    gateId,
    seed,
    startedAt,
    endedAt: new Date().toISOString(),
    runs,
    gamedays,
    junit,
    annotations: runs.flatMap(annotationsFor),
    exitCode: notRun.length > 0 ? Math.max(worst, 3) : worst,
    notRun,
  };
}
