// A game day's report files: gameday.json, summary.md (with the retro) and a combined junit.xml with a
// testsuite per item; its line in the report directory's index; notes added after it ended.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { GamedayError } from '../../errors.js';
import { INDEX_VERSION, type HistoryEntry } from '../../history/entry.js';
import { LocalHistory } from '../../history/local.js';
import { readInbox } from '../../live/inbox.js';
import { withRenderLock } from '../../live/notes.js';
import { noteMessage } from '../../live/session.js';
import { readReport, type Report } from '../../report/index.js';
import { writeAtomic } from '../../report/write.js';
import { combinedJunit } from '../junit.js';
import type { SuiteServices } from '../services.js';
import { gameDayMarkdown } from './markdown.js';
import { GAMEDAY_REPORT_VERSION, type GameDayReport } from './report-types.js';
import { draftRetro } from './retro.js';

export const GAMEDAY_FILES = { json: 'gameday.json', markdown: 'summary.md', junit: 'junit.xml' } as const;

/** The index line of a game day. */
export function gameDayEntry(r: GameDayReport, dir: string): HistoryEntry {
  const runs = r.items.filter((i) => i.kind !== 'checkpoint');
  return {
    v: INDEX_VERSION,
    scenario: r.gameday,
    runId: r.runId,
    kind: 'gameday',
    dir,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    verdict: r.verdict,
    metrics: { score: r.score },
    objectives: { passed: runs.filter((i) => i.status === 'pass').length, total: runs.length },
  };
}

async function itemReports(r: GameDayReport): Promise<Array<{ report: Report; file: string; runDir: string }>> {
  const out: Array<{ report: Report; file: string; runDir: string }> = [];
  for (const i of r.items) {
    if (!i.runDir) continue;
    const report = await readReport(i.runDir).catch(() => undefined);
    if (report) out.push({ report, file: relative(process.cwd(), i.file ?? ''), runDir: i.runDir });
  }
  return out;
}

async function render(runDir: string, r: GameDayReport): Promise<void> {
  const host = hostname();
  const suites = (await itemReports(r)).map((s) => ({ ...s, hostname: host }));
  await writeAtomic(join(runDir, GAMEDAY_FILES.junit), combinedJunit(`gameday game day ${r.gameday}`, suites));
  await writeAtomic(join(runDir, GAMEDAY_FILES.markdown), gameDayMarkdown(r));
  // Why gameday.json last: its presence means the game day's other files are complete too.
  await writeAtomic(join(runDir, GAMEDAY_FILES.json), `${JSON.stringify(r, null, 2)}\n`);
}

/** Write a game day's files, index it (and upload it to shared history); returns the report as written. */
export async function writeGameDayReport(
  runDir: string,
  report: GameDayReport,
  reportDir: string,
  services: SuiteServices = {},
): Promise<GameDayReport> {
  const local = new LocalHistory(reportDir);
  const earlier = (await local.entries(report.gameday))
    .filter((e) => e.kind === 'gameday' && e.runId !== report.runId)
    .at(-1);
  const r: GameDayReport = earlier
    ? { ...report, previous: { runId: earlier.runId, score: earlier.metrics.score, verdict: earlier.verdict } }
    : report;
  await render(runDir, r);
  await mergeGameDayNotes(runDir).catch(() => undefined);
  const entry = gameDayEntry(r, local.relativeDir(runDir));
  await local.record(entry).catch(() => undefined);
  if (services.history)
    await services.history
      .record(entry, runDir)
      .catch((e: unknown) => services.warn?.(`could not upload ${runDir}: ${String(e)}`));
  return r;
}

/** Read a game day's gameday.json. */
export async function readGameDayReport(runDir: string): Promise<GameDayReport> {
  const path = join(runDir, GAMEDAY_FILES.json);
  try {
    const r = JSON.parse(await readFile(path, 'utf8')) as GameDayReport;
    if (r.kind !== 'GameDay' || typeof r.schemaVersion !== 'number' || r.schemaVersion > GAMEDAY_REPORT_VERSION)
      throw new Error('not a game day report');
    return r;
  } catch (error) {
    throw new GamedayError(`${path} is not a game day report this gameday can read`, {
      kind: 'invalid-input',
      code: 'GAMEDAY_REPORT_INVALID',
      hint: 'pass the game day directory that `gameday run <gameday.yaml>` printed',
      cause: error,
    });
  }
}

/** Whether a directory holds a game day (finished: gameday.json). */
export function isGameDayDir(runDir: string): boolean {
  return existsSync(join(runDir, GAMEDAY_FILES.json));
}

/** Merge notes from the inbox that a finished game day's report lacks, and render it again. */
export async function mergeGameDayNotes(runDir: string): Promise<number> {
  if (!isGameDayDir(runDir)) return 0;
  const inbox = readInbox(runDir).filter((e) => e.type === 'note');
  if (inbox.length === 0) return 0;
  return withRenderLock(runDir, async () => {
    const r = await readGameDayReport(runDir);
    const known = new Set(r.notes.map((n) => n.id));
    const fresh = inbox.filter((e) => !known.has(e.id));
    if (fresh.length === 0) return 0;
    const start = Date.parse(r.startedAt);
    for (const e of fresh) {
      const note = { id: e.id, at: e.at, text: e.text, ...(e.author === undefined ? {} : { author: e.author }) };
      r.notes.push(note);
      r.timeline.push({ at: e.at, t: Date.parse(e.at) - start, kind: 'note', message: noteMessage(note) });
    }
    r.notes.sort((a, b) => a.at.localeCompare(b.at));
    r.timeline.sort((a, b) => a.t - b.t);
    r.retro = draftRetro(r.items, r.hypotheses, r.notes);
    await render(runDir, r);
    return fresh.length;
  });
}
