// Notes on finished runs: `gameday note` appends to the inbox, then the notes not yet in report.json
// are merged into it (and onto its timeline) and the report files are written again.

import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GamedayError } from '../errors.js';
import { REPORT_FILES, readReport, writeReportFiles, type Report } from '../report/index.js';
import { sleep } from '../util/clock.js';
import { readInbox } from './inbox.js';
import { noteMessage } from './session.js';

const LOCK_FILE = '.render.lock';
/** A render lock older than this was left by a process that died while rendering. */
const STALE_LOCK_MS = 60_000;

/** Run `fn` holding the run directory's render lock, so two writers never lose each other's notes. */
export async function withRenderLock<T>(runDir: string, fn: () => Promise<T>): Promise<T> {
  const path = join(runDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS || attempt > 300) rmSync(path, { force: true });
      else await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/** Add the inbox's notes that a report lacks (to `notes` and the timeline, in time order). Pure. */
export function withInboxNotes(report: Report, notes: ReturnType<typeof readInbox>): { report: Report; added: number } {
  const known = new Set((report.notes ?? []).map((n) => n.id));
  const fresh = notes.flatMap((e) => (e.type === 'note' && !known.has(e.id) ? [e] : []));
  if (fresh.length === 0) return { report, added: 0 };
  const start = Date.parse(report.startedAt);
  const timeline = [...report.timeline];
  const all = [...(report.notes ?? [])];
  for (const e of fresh) {
    const note = { id: e.id, at: e.at, text: e.text, ...(e.author === undefined ? {} : { author: e.author }) };
    all.push(note);
    timeline.push({ at: e.at, t: Date.parse(e.at) - start, kind: 'note', message: noteMessage(note) });
  }
  timeline.sort((a, b) => a.t - b.t);
  all.sort((a, b) => a.at.localeCompare(b.at));
  return { report: { ...report, notes: all, timeline }, added: fresh.length };
}

/** Merge the inbox's new notes into a finished run's report and write its files again. Returns how many. */
export async function mergeInboxIntoReport(runDir: string): Promise<number> {
  if (!existsSync(join(runDir, REPORT_FILES.json))) return 0;
  const inbox = readInbox(runDir);
  if (!inbox.some((e) => e.type === 'note')) return 0;
  return withRenderLock(runDir, async () => {
    const { report, added } = withInboxNotes(await readReport(runDir), inbox);
    if (added > 0) await writeReportFiles(runDir, report);
    return added;
  });
}

/** Change a finished run's report.json under the render lock and write its report files again. */
export async function updateReport(runDir: string, change: (report: Report) => void): Promise<Report> {
  return withRenderLock(runDir, async () => {
    const report = await readReport(runDir);
    change(report);
    await writeReportFiles(runDir, report);
    return report;
  });
}

/** Throw (invalid input) unless `dir` is a run's or a game day's directory (it has a journal). */
export function assertRunDir(dir: string): void {
  if (!existsSync(join(dir, 'journal.ndjson'))) {
    throw new GamedayError(`${dir} is not a run directory`, {
      kind: 'invalid-input',
      code: 'NOT_A_RUN_DIR',
      hint: 'pass the directory the run printed when it started',
    });
  }
}

/** Whether the run (or game day) that owns `runDir` is still running: no report yet and its process alive. */
export function runState(runDir: string): 'finished' | 'live' | 'stopped' {
  if (existsSync(join(runDir, REPORT_FILES.json)) || existsSync(join(runDir, 'gameday.json'))) return 'finished';
  try {
    const header = JSON.parse(readFileSync(join(runDir, 'journal.ndjson'), 'utf8').split('\n')[0] ?? '') as {
      pid?: number;
    };
    if (typeof header.pid === 'number') {
      process.kill(header.pid, 0);
      return 'live';
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return 'live';
  }
  return 'stopped';
}
