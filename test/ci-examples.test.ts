// The CI examples a team copies: the GitHub workflow passes actionlint, the GitLab pipeline wires junit.xml
// as a JUnit report, and the lint step both run (validate --allow-missing-env --strict) passes on the bundled
// scenarios with no secrets set.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.js';

const ACTIONLINT_INSTALL = 'go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12';

/** actionlint on PATH or in Go's bin folder; fails with the install command when it is missing. */
function actionlint(): string {
  const candidates = [
    process.env['ACTIONLINT'],
    ...(process.env['PATH'] ?? '').split(':').map((d) => join(d, 'actionlint')),
  ];
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
    candidates.push(join(gopath, 'bin', 'actionlint'));
  } catch {
    // No Go: only PATH and $ACTIONLINT are looked at.
  }
  const found = candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
  if (!found) expect.fail(`actionlint is not installed: ${ACTIONLINT_INSTALL} (needs Go; .ci/run does it)`);
  return found;
}

describe('examples/ci', () => {
  it('github-actions.yml passes actionlint and has the PR gate, the schedule and the uploaded reports', () => {
    const file = join(ROOT, 'examples/ci/github-actions.yml');
    let output = '';
    try {
      output = execFileSync(actionlint(), ['-no-color', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      expect.fail(`actionlint found problems:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    expect(output).toBe('');
    const wf = parse(readFileSync(file, 'utf8')) as {
      on: Record<string, unknown>;
      jobs: Record<string, { steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }> }>;
    };
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['pull_request', 'schedule']));
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    expect(runs.some((r) => /gameday gate .*--baseline median:5/.test(r))).toBe(true);
    expect(runs.some((r) => /gameday validate --allow-missing-env --strict/.test(r))).toBe(true);
    const uploads = Object.values(wf.jobs).flatMap((j) =>
      j.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact')),
    );
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    for (const u of uploads) expect(u.with?.['path']).toBe('reports/');
  });

  it('gitlab-ci.yml wires junit.xml as a JUnit report on the gate', () => {
    const ci = parse(readFileSync(join(ROOT, 'examples/ci/gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { script?: string[]; artifacts?: { reports?: { junit?: string } } }
    >;
    // The combined file only: each run directory's own junit.xml would count every objective twice.
    expect(ci['resilience-gate']?.artifacts?.reports?.junit).toBe('reports/junit.xml');
    expect(ci['resilience-gate']?.script?.join('\n')).toMatch(/gameday gate scenarios\/sandbox/);
    expect(ci['validate']?.script?.join('\n')).toMatch(/gameday validate --allow-missing-env --strict --json/);
  });

  it('the lint step passes on every bundled scenario without any secret set', async () => {
    const secrets = Object.fromEntries(
      ['API_URL', 'DATABASE_URL', 'AWS_ACCOUNT_ID', 'DATABASE_READER_URL', 'DR_DATABASE_URL', 'ROUTE53_ZONE_ID'].map(
        (k) => [k, undefined],
      ),
    );
    const files = ['sandbox', 'connectkit', 'gamedays'].flatMap((d) =>
      execFileSync('ls', [join(ROOT, 'scenarios', d)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `scenarios/${d}/${f}`),
    );
    const res = await runCli(['validate', '--allow-missing-env', '--strict', ...files], secrets);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(files.length);
  });
});
