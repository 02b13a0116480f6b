// The crash matrix: for a fault on a target, SIGKILL the real CLI right after its n-th journaled
// mutation is applied (GAMEDAY_FAILPOINT=kill-after-applied:<n>), run the real `gameday rollback`, and
// compare the target with a snapshot taken before the run; then a second rollback must find nothing
// to do. Shared by the test tiers (a fixed set of kill points) and `node bench/run.js crash` (all).

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readJournal } from '../../src/runner/journal.js';
import { runCli, startCli, type CliResult } from '../helpers/cli.js';
import { runDirs } from '../helpers/reports.js';

/** A system faults run against, seen through snapshots that must match before and after. */
export interface CrashTarget {
  name: string;
  /** Environment of `gameday run` and `gameday rollback` (kube config, endpoints, sandbox URL). */
  env(): Record<string, string>;
  /** Extra environment of a reference run (one that is not killed: emulated experiments that complete). */
  referenceEnv?(): Record<string, string>;
  /** What must be as it was after rollback (JSON-comparable). */
  snapshot(): Promise<unknown>;
  /** Wait until the target is steady: before a run, and after a rollback before it is compared. */
  settle(): Promise<void>;
}

/**
 * What a kill point must end in. converges: rollback exits 0, the target is as it was. vanishes: the
 * target was started by the run and is gone with it — rollback exits 0 and says so, nothing is left
 * behind. irreversible: rollback exits 4 with `code` (a person must look), the rest is put back.
 */
export type Expectation =
  { kind: 'converges' } | { kind: 'vanishes' } | { kind: 'irreversible'; code: string; ignore: string[] };

export interface CrashCase {
  fault: string;
  scenario: string;
  /** `gameday run` (default) or `gameday drill`. */
  command?: 'run' | 'drill';
  /** The kill points the test tier runs (the bench runs every one). */
  killPoints: number[];
  expect?: (killPoint: number) => Expectation;
  /** Extra environment for the run only. */
  runEnv?: () => Record<string, string>;
}

export interface CrashOutcome {
  target: string;
  fault: string;
  killPoint: number;
  /** The run died of SIGKILL with exactly `killPoint` applied entries in its journal. */
  killed: boolean;
  applied: number;
  /** The journal's pending undos at the kill, e.g. "m2 zone a down". */
  pending: string[];
  /** The mutation whose applied entry was the last before the kill, with its detail. */
  killedAfter: string;
  expectation: Expectation;
  rollback: CliResult;
  second: CliResult;
  /** Differences between the snapshots before the run and after the rollback. */
  diff: string[];
  converged: boolean;
  /** Why it did not converge, for people. */
  problems: string[];
  ms: number;
}

/** Paths where two JSON values differ ("regions.west.down: true → false"). */
export function diffSnapshots(before: unknown, after: unknown, path = ''): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffSnapshots(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return [`${path || '(root)'}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
}

/** The one run directory under `dir` (<dir>/<scenario>/<run-id>). */
function runDirIn(dir: string): string | undefined {
  return runDirs(dir).find((run) => existsSync(join(run, 'journal.ndjson')));
}

/**
 * Journaled mutations of a finished (or killed) run: how many were applied, which are pending, and
 * what the last applied entry applied (the mutation the run died right after).
 */
function journalView(runDir: string): { applied: number; pending: string[]; last: string } {
  const entries = readJournal(join(runDir, 'journal.ndjson'));
  const undone = new Set(entries.filter((e) => e.type === 'undone').map((e) => e.id));
  const actions = new Map(entries.flatMap((e) => (e.type === 'intent' ? [[e.id, e.action] as const] : [])));
  const applied = entries.filter((e) => e.type === 'applied');
  const last = applied.at(-1);
  return {
    applied: applied.length,
    pending: entries.flatMap((e) => (e.type === 'intent' && !undone.has(e.id) ? [`${e.id} ${e.action}`] : [])),
    last: last ? `${actions.get(last.id) ?? last.id}${last.detail ? ` (${last.detail})` : ''}` : '',
  };
}

/** Run the scenario to the end, without a kill: how many applied entries (kill points) it journals. */
export async function countKillPoints(target: CrashTarget, c: CrashCase, reportDir: string): Promise<number> {
  await target.settle();
  const dir = mkdtempSync(join(reportDir, `${c.fault}-reference-`));
  const env = { ...target.env(), ...target.referenceEnv?.(), ...c.runEnv?.() };
  const res = await runCli([c.command ?? 'run', c.scenario, '--report-dir', dir], env);
  const runDir = runDirIn(dir);
  if (!runDir) throw new Error(`reference run of ${c.scenario} left no run dir:\n${res.stdout}\n${res.stderr}`);
  return journalView(runDir).applied;
}

/** One cell of the matrix: kill at `killPoint`, roll back twice, compare. */
export async function crashAt(
  target: CrashTarget,
  c: CrashCase,
  killPoint: number,
  reportDir: string,
): Promise<CrashOutcome> {
  const t = performance.now();
  const expectation = c.expect?.(killPoint) ?? { kind: 'converges' };
  await target.settle();
  const before = await target.snapshot();
  const dir = mkdtempSync(join(reportDir, `${c.fault}-k${killPoint}-`));
  const env = target.env();
  const run = await startCli([c.command ?? 'run', c.scenario, '--report-dir', dir], {
    ...env,
    ...c.runEnv?.(),
    GAMEDAY_FAILPOINT: `kill-after-applied:${killPoint}`,
  }).done;
  const problems: string[] = [];
  const runDir = runDirIn(dir);
  if (!runDir) throw new Error(`the run left no run dir (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  const view = journalView(runDir);
  const killed = run.signal === 'SIGKILL' && view.applied === killPoint;
  if (!killed) {
    const tail = `${run.stdout}${run.stderr}`.trim().split('\n').slice(-15).join('\n    ');
    problems.push(
      `the run was not killed at applied entry ${killPoint}: it ended with ${run.signal ?? `exit ${run.code}`} after ${view.applied} applied entries:\n    ${tail}`,
    );
  }
  const rollback = await runCli(['rollback', runDir], env);
  let settleError = '';
  await target.settle().catch((error: unknown) => (settleError = String(error)));
  const after = await target.snapshot();
  const ignore = expectation.kind === 'irreversible' ? expectation.ignore : [];
  const diff = diffSnapshots(before, after).filter((d) => !ignore.some((prefix) => d.startsWith(prefix)));
  const second = await runCli(['rollback', runDir], env);
  const out = `${rollback.stdout}${rollback.stderr}`;
  if (expectation.kind === 'irreversible') {
    if (rollback.code !== 4 || !out.includes(expectation.code)) {
      problems.push(`rollback exited ${rollback.code}, want 4 with ${expectation.code}`);
    }
  } else {
    if (rollback.code !== 0) problems.push(`rollback exited ${rollback.code}`);
    if (expectation.kind === 'vanishes' && !/was started by this run and is gone with it; nothing to undo/.test(out)) {
      problems.push('rollback did not say the target is gone with its run');
    }
    if (second.code !== 0 || !/nothing to roll back/.test(second.stdout)) {
      problems.push(`second rollback exited ${second.code} without "nothing to roll back"`);
    }
  }
  if (settleError) problems.push(`the target did not settle: ${settleError}`);
  if (diff.length > 0) problems.push(`not as it was: ${diff.join('; ')}`);
  return {
    target: target.name,
    fault: c.fault,
    killPoint,
    killed,
    applied: view.applied,
    pending: view.pending,
    killedAfter: view.last,
    expectation,
    rollback,
    second,
    diff,
    converged: problems.length === 0,
    problems,
    ms: performance.now() - t,
  };
}

/** A readable account of one outcome, for assertion messages. */
export function explain(o: CrashOutcome): string {
  return [
    `${o.target} ${o.fault} killed after applied entry ${o.killPoint} (pending: ${o.pending.join(', ') || 'none'})`,
    ...o.problems.map((p) => `  - ${p}`),
    `  rollback (exit ${o.rollback.code}):\n${indent(o.rollback.stdout + o.rollback.stderr)}`,
    `  second rollback (exit ${o.second.code}):\n${indent(o.second.stdout + o.second.stderr)}`,
  ].join('\n');
}

const indent = (text: string): string =>
  text
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** The matrix as a table: target, fault, kill point (what was pending) → converged? */
export function formatTable(outcomes: readonly CrashOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.target,
    o.fault,
    `${o.killPoint}`,
    o.killedAfter.length > 70 ? `${o.killedAfter.slice(0, 69)}…` : o.killedAfter,
    o.converged
      ? o.expectation.kind === 'converges'
        ? 'yes'
        : o.expectation.kind === 'vanishes'
          ? `yes (${describeExpectation(o.expectation)})`
          : `as designed (${describeExpectation(o.expectation)})`
      : 'NO',
    `${(o.ms / 1000).toFixed(1)}s`,
  ]);
  const head = ['target', 'fault', 'kill after applied #', 'killed right after (applied detail)', 'converged?', 'time'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function describeExpectation(e: Expectation): string {
  if (e.kind === 'vanishes') return 'gone with its run';
  if (e.kind === 'irreversible') return `no undo exists: exit 4 ${e.code}, the rest put back`;
  return 'converges';
}

/** Read a JSON file, or undefined. */
export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
