// `gameday gate` as CI runs it: a folder of scenarios under one lock, one combined junit.xml checked
// by a real XML schema validator against a JUnit XSD, GitHub's step summary and ::error annotations at
// the objectives' lines; and a scenario made slower fails the gate on regression against its baseline.
// The folder holds a representative part of scenarios/sandbox (the drill, the failback — which
// `demo --all` does not run — and pod-kill with every kind of objective) and a scenario whose RTO
// objective fails, so annotations are always checked. What the rest of scenarios/sandbox adds is checked
// without running it: the folder's files in name order (src/suite/gate/discover.test.ts), every objective
// annotated at its line (src/suite/gate/positions.test.ts); `demo --all` runs each of them (test/demo.test.ts).

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, openReport } from '../bench/browser.js';
import type { Report } from '../src/report/types.js';
import { ROOT, runCli } from './helpers/cli.js';
import { validateXml } from './helpers/xmllint.js';

const base = mkdtempSync(join(tmpdir(), 'gameday-gate-'));
/** Screenshots of the gate's pages (CI keeps .tmp/html/ as artifacts, as for the HTML tests). */
const SHOTS = join(ROOT, '.tmp', 'html');
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The gate's folder: bundled scenarios and a fixture whose RTO objective cannot hold (10 ms). */
const FOLDER = [
  'scenarios/sandbox/backup-restore.yaml',
  'scenarios/sandbox/failback.yaml',
  'scenarios/sandbox/pod-kill.yaml',
  'test/fixtures/runs/strict-rto.yaml',
];
const NAMES = ['sandbox-backup-restore', 'sandbox-failback', 'sandbox-pod-kill', 'it-strict-rto'];

describe('gameday gate', () => {
  it('runs a folder of scenarios and writes the combined JUnit, the step summary and annotations', async () => {
    const folder = join(base, 'scenarios');
    mkdirSync(folder);
    for (const f of FOLDER) copyFileSync(join(ROOT, f), join(folder, basename(f)));
    // Files as the gate names them: relative to the working directory.
    const files = FOLDER.map((f) => relative(ROOT, join(folder, basename(f))));
    const reportDir = join(base, 'all');
    const stepSummary = join(base, 'step-summary.md');
    const res = await runCli(['gate', folder, '--report-dir', reportDir], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: stepSummary,
    });
    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    expect(validateXml(junit)).toEqual({ ok: true, output: 'doc.xml validates\n' });
    const suites = [...junit.matchAll(/<testsuite (.*?)>([\s\S]*?)<\/testsuite>/g)];
    expect(suites.map((s) => /file="([^"]+)"/.exec(s[1] ?? '')?.[1])).toEqual(files);
    for (const [, attrs, body] of suites) {
      expect(attrs).toContain(`hostname="${hostname()}"`);
      expect(attrs).toMatch(/ time="\d+\.\d{3}" timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"/);
      expect(body).toMatch(/<property name="gameday.runId" value="\d{8}T\d{6}Z-[0-9a-f]{4}"\/>/);
      expect(body).toMatch(/<property name="gameday.(rto|restore).ms" value="\d/);
      expect(body).toMatch(/<system-out>(sandbox|it)-[a-z0-9-]+ \S+: (PASS|FAIL|ABORTED|ERROR), score/);
    }
    // Every junit suite is a run with its own report; the exit code is the worst of them.
    const gate = JSON.parse(readFileSync(join(reportDir, 'gate.json'), 'utf8')) as {
      runs: Array<{ file: string; runDir: string; exitCode: number }>;
      exitCode: number;
    };
    const reports = gate.runs.map((r) => JSON.parse(readFileSync(join(r.runDir, 'report.json'), 'utf8')) as Report);
    expect(reports.map((r) => r.scenario)).toEqual(NAMES);
    expect(gate.runs.map((r) => r.file)).toEqual(files);
    expect(res.code, res.stderr.slice(-3000)).toBe(Math.max(...gate.runs.map((r) => r.exitCode)));
    expect(gate.exitCode).toBe(res.code);
    // One annotation per objective that did not hold, at its line; none when all held.
    const failed = reports.flatMap((r, i) =>
      r.objectives.filter((o) => !o.pass).map((o) => ({ file: gate.runs[i]!.file, o })),
    );
    // The 10 ms RTO never holds: there is always an annotation to check.
    expect(failed.map(({ file, o }) => `${basename(file)} ${o.name}`)).toContain('strict-rto.yaml rto');
    const annotations = res.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations).toHaveLength(failed.length);
    for (const { file, o } of failed) {
      const a = annotations.find(
        (l) => l.includes(`file=${file},`) && l.includes(`%3A ${o.name.replace(/,/g, '%2C')}::`),
      );
      expect(a, `annotation for ${file} ${o.name}`).toBeDefined();
      const line = Number(/line=(\d+)/.exec(a ?? '')?.[1]);
      // An objective in a list (availability, latency) points at its item, which names its probe.
      const probe = /\((.*), \w+\)$/.exec(o.name)?.[1];
      const key = o.name.startsWith('latency') ? /p\d\d/.exec(o.name)?.[0] : o.name.replace(/\(.*$/, '').split(' ')[0];
      const text = readFileSync(resolve(ROOT, file), 'utf8').split('\n')[line - 1] ?? '';
      if (probe && !o.name.startsWith('latency') && !text.includes(key ?? ''))
        expect(text).toContain(`probe: ${probe}`);
      else expect(text).toContain(key);
    }
    const summary = readFileSync(join(reportDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^# gameday gate: (PASS|FAIL)\n/);
    for (const [i, n] of NAMES.entries()) expect(summary).toContain(`| ${n} | ${files[i]} |`);
    expect(readFileSync(stepSummary, 'utf8')).toBe(`${summary}\n`);
    // Each run is in the report directory's history index.
    const index = readFileSync(join(reportDir, 'index.ndjson'), 'utf8').trim().split('\n');
    expect(index).toHaveLength(FOLDER.length);
    // report.html: the gate's page links every run's own report.html; both open cleanly in chromium.
    const html = readFileSync(join(reportDir, 'report.html'), 'utf8');
    for (const r of gate.runs) expect(html).toContain(`href="${relative(reportDir, r.runDir)}/report.html"`);
    mkdirSync(SHOTS, { recursive: true });
    const chromium = await launchChromium();
    try {
      const page = await openReport(chromium.browser, join(reportDir, 'report.html'), {
        screenshot: join(SHOTS, 'gate.png'),
      });
      expect(page.consoleErrors).toEqual([]);
      expect(page.external).toEqual([]);
      expect(page.charts.find((c) => c.chart === 'history')?.attrs.points).toBe(String(FOLDER.length));
      const first = gate.runs[0]!.runDir;
      const run = await openReport(chromium.browser, join(first, 'report.html'), {
        screenshot: join(SHOTS, 'gate-run.png'),
      });
      expect(run.consoleErrors).toEqual([]);
      expect(run.verdict).toBe(reports[0]!.verdict.toUpperCase());
      for (const c of run.charts) expect(c.attrs.rendered, `chart ${c.chart}`).toBe('true');
    } finally {
      await chromium.close();
    }
  }, 900_000);

  it('accepts a game day: a testsuite per scenario it ran, the game day in the summary', async () => {
    const reportDir = join(base, 'gameday');
    const res = await runCli(['gate', 'test/fixtures/gameday/two-scenarios.yaml', '--report-dir', reportDir], {
      GAMEDAY_TEST_MARK: join(base, 'gate-mark'),
    });
    const gate = JSON.parse(readFileSync(join(reportDir, 'gate.json'), 'utf8')) as {
      runs: Array<{ file: string; gameday?: string; exitCode: number }>;
      gamedays: Array<{ name: string; exitCode: number; runDir: string }>;
    };
    expect(res.code, res.stderr.slice(-2000)).toBe(
      Math.max(...gate.runs.map((r) => r.exitCode), ...gate.gamedays.map((g) => g.exitCode)),
    );
    expect(gate.runs.map((r) => [r.file, r.gameday])).toEqual([
      ['test/fixtures/runs/pod-kill.yaml', 'it-gameday'],
      ['test/fixtures/gameday/checkpoint-action.yaml', 'it-gameday'],
    ]);
    expect(gate.gamedays.map((g) => g.name)).toEqual(['it-gameday']);
    expect(existsSync(join(gate.gamedays[0]!.runDir, 'gameday.json'))).toBe(true);
    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    expect(validateXml(junit).ok).toBe(true);
    expect([...junit.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'gameday.it-pod-kill',
      'gameday.it-checkpoint-action',
    ]);
    expect(readFileSync(join(reportDir, 'summary.md'), 'utf8')).toMatch(
      /Game day it-gameday \(test\/fixtures\/gameday\/two-scenarios.yaml\): (PASS|FAIL), score/,
    );
  }, 300_000);

  it('fails a scenario that passes its objectives but regressed against its baseline, and says by how much', async () => {
    const reportDir = join(base, 'regression');
    const gate = (env: Record<string, string>) =>
      runCli(
        [
          'gate',
          'test/fixtures/gate/slow-pod-kill.yaml',
          '--report-dir',
          reportDir,
          '--baseline',
          'last-pass',
          '--tolerance',
          'rto=25%',
        ],
        env,
      );
    const first = await gate({ STARTUP_DELAY: '1s' });
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    expect(first.stdout).toMatch(/PASS\s+it-slow-pod-kill/);
    const slowed = await gate({ STARTUP_DELAY: '8s' });
    expect(slowed.code, slowed.stderr.slice(-2000)).toBe(1);
    expect(slowed.stdout).toMatch(/REGRESSED\s+it-slow-pod-kill/);
    const explanation = /RTO (\d+\.\d) s vs baseline (\d+\.\d) s, \+(\d+) %, tolerance 25 %/.exec(slowed.stdout);
    expect(explanation, slowed.stdout).not.toBeNull();
    const [, now, before] = explanation ?? [];
    expect(Number(now)).toBeGreaterThan(Number(before) * 1.25);
    const gateJson = JSON.parse(readFileSync(join(reportDir, 'gate.json'), 'utf8')) as {
      runs: Array<{ runDir: string }>;
    };
    const report = JSON.parse(readFileSync(join(gateJson.runs[0]!.runDir, 'report.json'), 'utf8')) as Report;
    // The run itself held its objectives; the gate failed it on the comparison.
    expect(report.verdict).toBe('pass');
    expect(report.regression).toMatchObject({
      baseline: 'last-pass',
      regressed: true,
      checks: [{ metric: 'rto', regressed: true }],
    });
    expect(report.regression?.baselineRuns).toHaveLength(1);
    expect(readFileSync(join(gateJson.runs[0]!.runDir, 'summary.md'), 'utf8')).toMatch(
      /## Regression against the baseline\n\nBaseline last-pass from \S+: \*\*REGRESSED\*\*\n\n- \*\*REGRESSED\*\* RTO \d/,
    );
    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    expect(validateXml(junit).ok).toBe(true);
    expect(junit).toContain('name="regression rto"');
    expect(junit).toMatch(
      /<failure message="RTO \d+\.\d s vs baseline \d+\.\d s, \+\d+ %, tolerance 25 %" type="regression">/,
    );
    // The regressed run never becomes a baseline: the history shows it, and compare shows the change.
    const history = await runCli(['history', 'it-slow-pod-kill', '--report-dir', reportDir]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/PASS \(regressed\)/);
    expect(history.stdout).toMatch(/RTO\s+\S{2}\s+\d/);
    const runs = JSON.parse(
      (await runCli(['history', 'it-slow-pod-kill', '--report-dir', reportDir, '--json'])).stdout,
    ) as Array<{ dir: string; regressed?: boolean }>;
    expect(runs.map((r) => r.regressed === true)).toEqual([false, true]);
    const compare = await runCli(['compare', join(reportDir, runs[0]!.dir), join(reportDir, runs[1]!.dir)]);
    expect(compare.stdout).toMatch(/RTO\s+\d+\.\d s\s+\d+\.\d s\s+\+\d+\.\d s \(\+\d+ %\)\s+worse/);
    expect(existsSync(join(reportDir, 'index.ndjson'))).toBe(true);
    // The history as a page: both runs, each linked to its own report.html.
    const page = await runCli(['history', 'it-slow-pod-kill', '--report-dir', reportDir, '--html']);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout.trim()).toBe(join(reportDir, 'it-slow-pod-kill', 'history.html'));
    const html = readFileSync(page.stdout.trim(), 'utf8');
    const links = [...html.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1] ?? '');
    expect(links).toHaveLength(2);
    for (const href of links) expect(existsSync(join(reportDir, 'it-slow-pod-kill', href))).toBe(true);
    for (const r of runs) expect(html).toContain(r.dir.split('/').at(-1));
  }, 300_000);
});
