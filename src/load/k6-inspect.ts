// `k6 inspect` on the scenario's script before any fault: a script that does not load (k6 exit 107) or
// has invalid options (104) is invalid input, and `gameday plan` shows the options and thresholds.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GamedayError } from '../errors.js';
import type { ResolvedK6Load } from '../scenario/types.js';
import { redactText } from '../util/redact.js';
import { k6Env, type K6Found } from './k6-binary.js';
import { k6EnvArgs, k6OverrideArgs } from './k6-args.js';

/** What `k6 inspect --execution-requirements` says about a script (with the scenario's overrides). */
export interface K6Inspection {
  vus: number | null;
  maxVUs: number | null;
  duration: string | null;
  totalDuration: string | null;
  iterations: number | null;
  stages: Array<{ duration: string; target: number }> | null;
  /** Scenario name → executor. */
  scenarios: Record<string, string>;
  /** Metric → threshold expressions. */
  thresholds: Record<string, string[]>;
}

/** k6 exit codes that mean the script or its options are wrong (invalid input, exit 2). */
export const K6_SCRIPT_EXIT_CODES: ReadonlySet<number> = new Set([104, 107]);

/** The last meaningful line of k6's stderr (its error message), without logrus decoration. */
export function k6ErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const error = [...lines].reverse().find((l) => /level=error|^ERRO|error/i.test(l)) ?? lines[lines.length - 1] ?? '';
  const msg =
    /msg="((?:[^"\\]|\\.)*)"/
      .exec(error)?.[1]
      ?.replace(/\\"/g, '"')
      .replace(/\\[nt]/g, ' ') ?? error;
  return redactText(msg).slice(0, 400);
}

/** Inspect the script: its options and thresholds; throws invalid input (exit 2) for script errors. */
export async function inspectK6(
  load: ResolvedK6Load,
  k6: K6Found,
  vars: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<K6Inspection> {
  if (!existsSync(load.script)) {
    throw new GamedayError(`The k6 script ${load.script} does not exist.`, {
      kind: 'invalid-input',
      code: 'K6_SCRIPT_MISSING',
      hint: 'load.k6.script is relative to the scenario file.',
    });
  }
  const args = ['inspect', '--execution-requirements', ...k6EnvArgs(load, vars), ...k6OverrideArgs(load), load.script];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(k6.binary, args, { env: k6Env(env), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => {
      const exit = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code: exit, stdout: out, stderr: err });
    });
  });
  if (code !== 0) {
    const detail = k6ErrorLine(stderr);
    if (K6_SCRIPT_EXIT_CODES.has(code)) {
      throw new GamedayError(`The k6 script ${load.script} does not load: ${detail}`, {
        kind: 'invalid-input',
        code: 'K6_SCRIPT_ERROR',
        hint: `Fix the script; \`k6 inspect ${load.script}\` shows the same error (k6 exit ${code}).`,
      });
    }
    throw new GamedayError(`k6 inspect failed (exit ${code}): ${detail}`, { kind: 'runtime', code: 'K6_INSPECT' });
  }
  return parseInspection(stdout);
}

/** Parse `k6 inspect --execution-requirements` JSON. */
export function parseInspection(text: string): K6Inspection {
  const o = JSON.parse(text) as Record<string, unknown>;
  const scenarios: Record<string, string> = {};
  for (const [name, s] of Object.entries((o.scenarios ?? {}) as Record<string, { executor?: string }>)) {
    scenarios[name] = s.executor ?? 'unknown';
  }
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    vus: num(o.vus),
    maxVUs: num(o.maxVUs),
    duration: str(o.duration),
    totalDuration: str(o.totalDuration),
    iterations: num(o.iterations),
    stages: Array.isArray(o.stages) ? (o.stages as Array<{ duration: string; target: number }>) : null,
    scenarios,
    thresholds: (o.thresholds ?? {}) as Record<string, string[]>,
  };
}

/** Lines for `gameday plan`. */
export function describeInspection(load: ResolvedK6Load, k6: K6Found, i: K6Inspection): string[] {
  const lines = [`load: k6 ${k6.version} running ${load.script}`];
  const scenarios = Object.entries(i.scenarios).map(([n, e]) => `${n} (${e})`);
  if (scenarios.length > 0) lines.push(`  scenarios: ${scenarios.join(', ')}`);
  const shape = [
    i.maxVUs === null ? null : `up to ${i.maxVUs} VUs`,
    i.totalDuration === null ? null : `at most ${i.totalDuration} in all`,
  ].filter((x) => x !== null);
  if (shape.length > 0) lines.push(`  ${shape.join(', ')}`);
  const thresholds = Object.entries(i.thresholds).flatMap(([m, exprs]) => exprs.map((e) => `${m}: ${e}`));
  lines.push(
    thresholds.length === 0
      ? '  thresholds: none (add them in the script options to get k6 objectives)'
      : `  thresholds (each becomes an objective): ${thresholds.join('; ')}`,
  );
  return lines;
}
