// gameday history [<scenario>]: earlier runs as a table, with sparklines of RTO, p95, availability,
// restore time and score; without a scenario, every scenario and game day in the history.

import { mkdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { GamedayError } from '../../errors.js';
import type { HistoryEntry } from '../../history/entry.js';
import { formatMetric } from '../../history/baseline.js';
import { LocalHistory } from '../../history/local.js';
import { METRICS } from '../../history/metrics.js';
import { sparkline } from '../../history/sparkline.js';
import { readReport, renderRunsHtml, writeAtomic, type RunsPageEntry } from '../../report/index.js';
import { gameDayEntry, readGameDayReport } from '../../suite/gameday/write.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { historyStore } from '../suite-options.js';
import { textTable } from '../summary.js';

export const historyHelp = `Usage: gameday history [<scenario>] [--report-dir D] [--history S3_URL] [--limit N] [--html] [--json] [--quiet]
       gameday history --rebuild [--report-dir D]

Earlier runs of a scenario (or game day) from the report directory's index (or shared history in S3):
a table of runs and a sparkline per metric — RTO, p95, availability, restore time, score.
Without a scenario: every scenario in the history with its last verdict and score.
--html writes a page of those runs (a trend chart of RTO, p95 and availability, a table linking each run's
report.html) to <report-dir>/<scenario>/history.html (<report-dir>/history.html for all) and prints its path.
--quiet prints the table without the sparklines; --json the index entries.
--rebuild writes <report-dir>/index.ndjson again from the run directories.`;

export async function historyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('history', argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    'report-dir': { type: 'string' },
    history: { type: 'string' },
    limit: { type: 'string' },
    rebuild: { type: 'boolean' },
    html: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values['help']) {
    io.out(historyHelp);
    return 0;
  }
  const reportDir = String(values['report-dir'] ?? 'reports');
  if (values['rebuild']) {
    const local = new LocalHistory(reportDir);
    const n = await local.rebuild(async (dir) => gameDayEntry(await readGameDayReport(dir), local.relativeDir(dir)));
    io.out(`gameday: rebuilt ${local.location} from ${n} run(s)`);
    return 0;
  }
  const limit = Number(values['limit'] ?? 20);
  if (!Number.isInteger(limit) || limit < 1)
    throw new GamedayError('history: --limit takes a positive number', { kind: 'usage', code: 'USAGE' });
  const { store } = await historyStore(values, reportDir);
  const [scenario] = positionals;
  const entries = await store.entries(scenario);
  if (values['html']) {
    const path = await writeHistoryHtml(reportDir, scenario, entries.slice(-limit));
    io.out(values['json'] ? JSON.stringify({ html: path, runs: Math.min(entries.length, limit) }) : path);
    return 0;
  }
  if (scenario === undefined) {
    const names = [...new Set(entries.map((e) => e.scenario))].sort();
    const rows = names.map((n) => {
      const runs = entries.filter((e) => e.scenario === n);
      const last = runs.at(-1);
      return [
        n,
        String(runs.length),
        last?.verdict.toUpperCase() ?? '',
        String(last?.metrics.score ?? ''),
        last?.startedAt ?? '',
        sparkline(runs.slice(-limit).map((e) => e.metrics.score)),
      ];
    });
    if (values['json'])
      io.out(
        JSON.stringify(
          names.map((n) => ({ scenario: n, runs: entries.filter((e) => e.scenario === n).length })),
          null,
          2,
        ),
      );
    else if (rows.length === 0) io.out(`gameday: no runs in ${store.location}`);
    else
      for (const line of textTable([['scenario', 'runs', 'last', 'score', 'started', 'score trend'], ...rows]))
        io.out(line);
    return 0;
  }
  const shown = entries.slice(-limit);
  if (values['json']) {
    io.out(JSON.stringify(shown, null, 2));
    return 0;
  }
  if (shown.length === 0) {
    io.out(`gameday: no runs of ${scenario} in ${store.location}`);
    return 0;
  }
  const cell = (v: number | undefined, unit: 'ms' | 'percent'): string =>
    v === undefined ? '—' : formatMetric(v, unit);
  const rows = shown.map((e) => [
    e.runId,
    e.verdict.toUpperCase() + (e.regressed ? ' (regressed)' : ''),
    String(e.metrics.score),
    cell(e.metrics.rtoMs, 'ms'),
    cell(e.metrics.p95Ms, 'ms'),
    cell(e.metrics.availability, 'percent'),
    cell(e.metrics.restoreMs, 'ms'),
  ]);
  io.out(`${scenario}: ${shown.length} of ${entries.length} run(s), oldest first (${store.location})`);
  for (const line of textTable([['run', 'verdict', 'score', 'RTO', 'p95', 'availability', 'restore'], ...rows]))
    io.out(`  ${line}`);
  if (values['quiet']) return 0;
  io.out('');
  for (const key of ['rto', 'p95', 'availability', 'restore', 'score'] as const) {
    const def = METRICS[key];
    const series = shown.map((e) => e.metrics[def.field]);
    const present = series.filter((v): v is number => typeof v === 'number');
    if (present.length === 0) continue;
    const first = present[0] as number;
    const last = present.at(-1) as number;
    io.out(
      `  ${def.label.padEnd(13)} ${sparkline(series)}  ${formatMetric(first, def.unit)} → ${formatMetric(last, def.unit)} (min ${formatMetric(Math.min(...present), def.unit)}, max ${formatMetric(Math.max(...present), def.unit)})`,
    );
  }
  return 0;
}

/**
 * The history page: the runs' own report.json files from the report directory (runs indexed only in
 * shared history and not present here are left out), linked from where the page is written.
 */
async function writeHistoryHtml(
  reportDir: string,
  scenario: string | undefined,
  entries: readonly HistoryEntry[],
): Promise<string> {
  const out = scenario === undefined ? reportDir : join(reportDir, scenario);
  const pages: RunsPageEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'gameday') continue;
    const dir = join(reportDir, ...e.dir.split('/'));
    const report = await readReport(dir).catch(() => undefined);
    if (report) pages.push({ report, href: `${relative(out, dir).split(sep).join('/')}/report.html` });
  }
  await mkdir(out, { recursive: true });
  const path = join(out, 'history.html');
  await writeAtomic(path, renderRunsHtml(pages, scenario === undefined ? {} : { title: `History: ${scenario}` }));
  return path;
}
