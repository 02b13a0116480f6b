// HTML report bench: a long run (default 1 hour of 100 ms probes: 36,000 samples per probe, plus 36,000
// load buckets) rendered to report.html and opened in headless chromium. Goals: the page renders in < 2 s
// and the file stays < 5 MB. Prints measured vs goal; never asserts.

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReport } from '../dist/report/index.js';
import { renderRunDirHtml } from '../dist/report/html/index.js';
import { launchChromium, openReport } from './browser.js';
import { writeHtmlFixture } from './html-fixture.js';

export const HTML_GOALS = { readyMs: 2000, sizeBytes: 5 * 1024 * 1024 };

/** Render and open one made-up run of `hours` with `probes` probes at `intervalMs`; the numbers measured. */
export async function benchHtml({ hours = 1, intervalMs = 100, probes = 2, keepDir } = {}) {
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'gameday-bench-html-'));
  const durationMs = Math.round(hours * 3_600_000);
  const names = ['api', 'fleet', 'db', 'search', 'auth', 'queue', 'cache', 'edge'];
  const fixture = await writeHtmlFixture(dir, {
    durationMs,
    intervalMs,
    faultAtMs: Math.round(durationMs / 3),
    probes: Array.from({ length: probes }, (_, i) => ({
      name: names[i % names.length] + (i >= names.length ? String(i) : ''),
      kind: 'http',
      outages: [[Math.round(durationMs / 3) + i * 1000, Math.round(durationMs / 3) + 60_000 + i * 1000]],
    })),
    load: { ratePerSec: 200 },
  });
  const chromium = await launchChromium();
  try {
    const report = await readReport(fixture.runDir);
    const t = performance.now();
    const html = await renderRunDirHtml(fixture.runDir, report);
    const nodeRenderMs = performance.now() - t;
    const file = join(fixture.runDir, 'report.html');
    writeFileSync(file, html);
    const opened = await openReport(chromium.browser, file, { timeoutMs: 120_000 });
    const timeline = opened.charts.find((c) => c.chart === 'timeline');
    return {
      hours,
      intervalMs,
      probes,
      samplesPerProbe: Math.min(...Object.values(fixture.counts)),
      drawnSamples: JSON.parse(timeline?.attrs.samples ?? '{}'),
      sizeBytes: statSync(file).size,
      nodeRenderMs: Math.round(nodeRenderMs),
      readyMs: opened.readyMs,
      wallMs: opened.wallMs,
      consoleErrors: opened.consoleErrors,
    };
  } finally {
    await chromium.close();
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per goal: measured vs goal, "meets goal" or "MISSES GOAL". */
export function htmlBenchLines(m, goals = HTML_GOALS) {
  const mb = (b) => `${(b / 1024 / 1024).toFixed(2)} MB`;
  const verdict = (ok) => (ok ? 'meets goal' : 'MISSES GOAL');
  const what = `${m.hours} h, ${m.probes} probes at ${m.intervalMs} ms (${m.samplesPerProbe} samples per probe)`;
  return [
    `html render: ${what}: page ready in ${m.readyMs} ms in chromium (goal < ${goals.readyMs} ms; report.html written in ${m.nodeRenderMs} ms) — ${verdict(m.readyMs < goals.readyMs && m.consoleErrors.length === 0)}`,
    `html size: ${what}: ${mb(m.sizeBytes)} (goal < ${mb(goals.sizeBytes)}) — ${verdict(m.sizeBytes < goals.sizeBytes)}`,
  ];
}
