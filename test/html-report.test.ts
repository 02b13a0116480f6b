// report.html as people open it: a real sandbox run's report and made-up runs with every section, opened in
// Debian's chromium (headless, through puppeteer-core at the system binary). The charts must show the
// run's own data, the page must make no network request and log no console error. Screenshots go to
// .tmp/html/ (CI keeps them as artifacts).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openReport, type OpenedReport } from '../bench/browser.js';
import { writeHtmlFixture } from '../bench/html-fixture.js';
import { renderRunsHtml } from '../src/report/html/index.js';
import type { Report } from '../src/report/types.js';
import { ROOT, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-html-'));
const shots = join(ROOT, '.tmp', 'html');
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

const chart = (page: OpenedReport, name: string) => page.charts.find((c) => c.chart === name);
const json = (text: string | undefined): unknown => JSON.parse(text ?? 'null');

/** Lines per probe in samples.ndjson, or null when the run directory has none. */
function sampleCounts(runDir: string): Record<string, number> | null {
  const file = join(runDir, 'samples.ndjson');
  if (!existsSync(file)) return null;
  const counts: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const p = (JSON.parse(line) as { p: string }).p;
    counts[p] = (counts[p] ?? 0) + 1;
  }
  return counts;
}

function expectCleanPage(page: OpenedReport): void {
  expect(page.consoleErrors).toEqual([]);
  expect(page.external).toEqual([]);
  for (const c of page.charts) expect(c.attrs.rendered, `chart ${c.chart}`).toBe('true');
}

describe('report.html', () => {
  it('is written by a real sandbox run and draws its probes, steps and RTO', async () => {
    const res = await runCli(['run', 'scenarios/sandbox/pod-kill.yaml', '--report-dir', dir]);
    // A loaded machine can fail the latency objective; the page must show whichever verdict the run reached.
    expect([0, 1], res.stderr + res.stdout).toContain(res.code);
    const base = join(dir, 'sandbox-pod-kill');
    const runDir = join(base, readdirSync(base)[0] as string);
    expect(res.stdout).toContain(join(runDir, 'report.html'));
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    const page = await openReport(chromium.browser, join(runDir, 'report.html'), {
      screenshot: join(shots, 'sandbox-pod-kill.png'),
    });
    expectCleanPage(page);
    expect(page.verdict).toBe(report.verdict.toUpperCase());
    const timeline = chart(page, 'timeline');
    expect(timeline?.canvases).toBeGreaterThan(0);
    // Every sample the run took is on its lane: samples.ndjson when the run wrote one, else report.json's counts.
    const expected = sampleCounts(runDir) ?? Object.fromEntries(report.probes.map((p) => [p.name, p.samples] as const));
    expect(json(timeline?.attrs.samples)).toEqual(expected);
    expect(timeline?.attrs.lanes).toBe([...report.probes.map((p) => p.name), 'steps'].join(','));
    // fleet failed after the kill and recovered: a failing stretch between healthy ones.
    const segments = json(timeline?.attrs.segments) as Record<string, number>;
    expect(segments['fleet']).toBeGreaterThanOrEqual(3);
    expect(page.sections).toEqual(expect.arrayContaining(['objectives', 'timeline', 'slos', 'throughput']));
    if (sampleCounts(runDir)) expect(json(chart(page, 'latency')?.attrs.points)).toEqual(expected);
    expect(existsSync(join(shots, 'sandbox-pod-kill.png'))).toBe(true);
  });

  it('draws latency, throughput, notes, runbook, pods, restore and error budgets from the evidence files', async () => {
    const pods = {
      disrupted: 2,
      rescheduling: { count: 2, min: 400, p50: 400, p95: 600, max: 600 },
      readiness: { count: 1, min: 2500, p50: 2500, p95: 2500, max: 2500 },
      notRescheduled: 0,
      notReady: 1,
      pods: [
        {
          pod: 'api-1',
          namespace: 'prod',
          workload: 'api',
          deletedAt: '2026-01-01T10:00:10.000Z',
          replacement: 'api-7',
          node: 'n1',
          rescheduledMs: 400,
          readyMs: 2500,
        },
        {
          pod: 'api-2',
          namespace: 'prod',
          workload: 'api',
          deletedAt: '2026-01-01T10:00:10.050Z',
          replacement: 'api-8',
          node: 'n2',
          rescheduledMs: 600,
          readyMs: null,
        },
      ],
    };
    const runbook = [
      {
        step: 'switch-traffic',
        action: 'route53-change',
        startedAt: '2026-01-01T10:00:10.100Z',
        durationMs: 300,
        status: 'ok',
      },
      {
        step: 'promote',
        action: 'rds-promote-read-replica',
        startedAt: '2026-01-01T10:00:10.400Z',
        durationMs: 2000,
        status: 'failed',
        rolledBack: 'ok',
      },
      { step: 'scale', action: 'kubernetes-scale', startedAt: null, durationMs: null, status: 'not-run' },
    ];
    const restore = {
      source: {
        kind: 'sandbox',
        name: 'pg_dump',
        location: null,
        createdAt: null,
        ageSeconds: 0,
        bytes: 4096,
        format: 'custom',
        backupMs: 300,
        fetchMs: 200,
      },
      target: 'scratch',
      startedAt: '2026-01-01T10:00:20.000Z',
      durationMs: 3000,
      toolMs: 2500,
      jobs: 2,
      databaseBytes: 8192,
      validations: { passed: 1, total: 1 },
      cleanupComplete: true,
    };
    const errorBudgets = [
      {
        slo: 'api-availability',
        objective: 99.9,
        periodMs: 30 * 86_400_000,
        sli: 'probe api',
        budgetMs: 2_592_000,
        badMs: 24_000,
        observedMs: 20_000,
        events: null,
        consumedPercent: 0.93,
        burnRate: { run: 1200, during: 12.5 },
      },
    ];
    const load = [
      { window: 'before', requests: 90, errors: 0, errorRate: 0, latency: null },
      { window: 'during', requests: 30, errors: 20, errorRate: 66.667, latency: null },
    ];
    const notes = [
      { t: 11_000, kind: 'note', message: 'dashboards show the 503s' },
      { t: 17_000, kind: 'checkpoint', message: 'is the fleet whole? — acknowledged' },
    ];
    const f = await writeHtmlFixture(dir, {
      runId: 'full',
      notes,
      measurements: { pods, runbook, restore, errorBudgets, load },
    });
    const html = join(f.runDir, 'report.html');
    expect((await runCli(['report', '--html', f.runDir])).code).toBe(0);
    const page = await openReport(chromium.browser, html, { screenshot: join(shots, 'fixture-full.png') });
    expectCleanPage(page);
    expect(json(chart(page, 'timeline')?.attrs.samples)).toEqual(f.counts);
    expect(chart(page, 'timeline')?.attrs.notes).toBe('2');
    expect(json(chart(page, 'latency')?.attrs.points)).toEqual(f.counts);
    expect(Number(chart(page, 'throughput')?.attrs.buckets)).toBe(f.buckets);
    expect(Number(chart(page, 'throughput')?.attrs.requests)).toBe(f.requests);
    expect(chart(page, 'load-latency')?.attrs.series).toBe('3');
    expect(page.gantts).toEqual(
      expect.arrayContaining([
        { name: 'pods', bars: 3 },
        { name: 'runbook', bars: 2 },
        { name: 'restore', bars: 3 },
      ]),
    );
    expect(page.sections).toEqual(expect.arrayContaining(['error-budget', 'notes', 'pods', 'runbook', 'restore']));
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('dashboards show the 503s');
    expect(text).toMatch(/12\.5×/);
    expect(text).toContain('<td class="num">24.0s bad</td>');
    expect(text).toMatch(/<tr data-window="during"><td>during<\/td><td class="num">30<\/td><td class="num">20<\/td>/);
  });

  it('falls back to report.json alone for runs without evidence files, and has no error-budget section then', async () => {
    const f = await writeHtmlFixture(dir, { runId: 'bare', evidence: false });
    expect((await runCli(['report', '--html', f.runDir])).code).toBe(0);
    const page = await openReport(chromium.browser, join(f.runDir, 'report.html'), {
      screenshot: join(shots, 'fixture-bare.png'),
    });
    expectCleanPage(page);
    expect(json(chart(page, 'timeline')?.attrs.samples)).toEqual(f.counts);
    expect(chart(page, 'latency')).toBeUndefined();
    expect(page.sections).not.toContain('error-budget');
    expect(readFileSync(join(f.runDir, 'report.html'), 'utf8')).toMatch(/no samples\.ndjson/);
  });

  it('renders a list of runs as one page with a trend (what gameday history --html uses)', async () => {
    const runs = await Promise.all(
      ['h1', 'h2', 'h3'].map((runId, i) =>
        writeHtmlFixture(dir, {
          runId,
          scenario: 'trend',
          startedAt: `2026-01-0${i + 1}T10:00:00.000Z`,
          evidence: false,
        }),
      ),
    );
    const file = join(dir, 'history.html');
    writeFileSync(
      file,
      renderRunsHtml(runs.map((r) => ({ report: r.report, href: `trend/${r.report.runId}/report.html` }))),
    );
    const page = await openReport(chromium.browser, file, { screenshot: join(shots, 'history.png') });
    expectCleanPage(page);
    expect(chart(page, 'history')?.attrs.points).toBe('3');
    expect(readFileSync(file, 'utf8')).toContain('href="trend/h3/report.html"');
  });
});
