// The closing lines of CI (scripts/test-summary.js): every tier gets its line — counts and duration —
// also when a tier failed, a file failed before its tests ran, or a tier did not run at all; and the
// exit code says whether CI passed.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { gamedayLeftovers } from './setup/leftovers.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-ci-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A vitest JSON report with the given file results. */
function report(
  tier: string,
  files: Array<{ status: string; tests: string[]; ms: number }>,
  leftovers?: string[],
): string {
  const all = files.flatMap((f) => f.tests);
  const file = join(dir, `vitest-${tier}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: all.filter((t) => t === 'passed').length,
      numFailedTests: all.filter((t) => t === 'failed').length,
      numPendingTests: all.filter((t) => t === 'skipped').length,
      numTodoTests: 0,
      startTime: 1_000_000,
      ...(leftovers ? { success: false, leftovers } : {}),
      testResults: files.map((f) => ({
        status: f.status,
        endTime: 1_000_000 + f.ms,
        assertionResults: f.tests.map((status) => ({ status })),
      })),
    }),
  );
  return file;
}

const summary = (files: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts/test-summary.js'), ...files], { encoding: 'utf8' });

describe('scripts/test-summary.js', () => {
  it('prints every tier with its counts and duration, and exits 0 when all passed', () => {
    const r = summary([
      report('unit', [{ status: 'passed', tests: ['passed', 'passed'], ms: 61_000 }]),
      report('k8s', [{ status: 'passed', tests: ['passed'], ms: 5_000 }]),
    ]);
    expect(r.stdout.trim().split('\n')).toEqual([
      'unit   2 passed, 0 failed in 1m 01s',
      'k8s    1 passed, 0 failed in 0m 05s',
      'total  3 passed, 0 failed in 1m 06s',
    ]);
    expect(r.status).toBe(0);
  });

  it('still prints every tier when one failed, names the tiers that did not run, and exits 1', () => {
    const r = summary([
      report('unit', [{ status: 'passed', tests: ['passed'], ms: 1000 }]),
      report('integration', [
        { status: 'failed', tests: ['passed', 'failed', 'skipped'], ms: 2000 },
        // beforeAll threw: the file failed, its tests were skipped, no test failed.
        { status: 'failed', tests: ['skipped'], ms: 3000 },
      ]),
      join(dir, 'vitest-aws.json'),
    ]);
    expect(r.stdout).toContain('integration  1 passed, 1 failed, 2 skipped, 1 file(s) failed before their tests ran');
    expect(r.stdout).toContain('aws          did not run (no report: an earlier step failed or the tier crashed)');
    expect(r.stdout).toContain('total        2 passed, 1 failed, 2 skipped, 1 file(s) failed before their tests ran');
    expect(r.status).toBe(1);
  });

  it('a tier whose only file failed before its tests ran fails CI', () => {
    const r = summary([report('aws', [{ status: 'failed', tests: ['skipped', 'skipped'], ms: 100 }])]);
    expect(r.stdout).toContain('aws    0 passed, 0 failed, 2 skipped, 1 file(s) failed before their tests ran');
    expect(r.status).toBe(1);
  });

  it('a tier that left temp dirs or lock files behind fails CI and names them', () => {
    const r = summary([report('aws', [{ status: 'passed', tests: ['passed'], ms: 100 }], ['gameday-aws-test-x'])]);
    expect(r.stdout).toContain('aws    1 passed, 0 failed in 0m 00s; LEFT BEHIND in TMPDIR: gameday-aws-test-x');
    expect(r.status).toBe(1);
  });
});

describe('test/setup/leftovers.ts', () => {
  it('counts gameday-* entries and lock files, not an empty lock dir or other files', () => {
    const tmp = mkdtempSync(join(dir, 'tier-'));
    mkdirSync(join(tmp, 'gameday-locks'));
    mkdirSync(join(tmp, 'gameday-0', 'locks'), { recursive: true });
    writeFileSync(join(tmp, 'unrelated'), '');
    expect(gamedayLeftovers(tmp)).toEqual([]);
    mkdirSync(join(tmp, 'gameday-sandbox-abc'));
    writeFileSync(join(tmp, 'gameday-locks', '0123.lock'), '{}');
    writeFileSync(join(tmp, 'gameday-0', 'locks', '4567.lock'), '{}');
    expect(gamedayLeftovers(tmp)).toEqual(['gameday-0/4567.lock', 'gameday-locks/0123.lock', 'gameday-sandbox-abc']);
  });
});
