// The embedded history: `<report-dir>/index.ndjson`, one JSON line per run, appended after every run
// and rebuilt from the run directories on demand (`gameday history --rebuild`).

import { appendFileSync, existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { readReport } from '../report/index.js';
import { entryFromReport, isHistoryEntry, latestPerRun, type HistoryEntry } from './entry.js';
import type { HistoryStore } from './store.js';

export const INDEX_FILE = 'index.ndjson';

/** Run directories hold one of these; a game day's holds gameday.json. */
const REPORT_NAMES = ['report.json', 'gameday.json'] as const;

/** Parse index lines; a torn or foreign line is skipped (the index can always be rebuilt). */
export function parseIndex(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isHistoryEntry(value)) out.push(value);
    } catch {
      // Skipped.
    }
  }
  return out;
}

export class LocalHistory implements HistoryStore {
  readonly reportDir: string;
  readonly location: string;

  constructor(reportDir: string) {
    this.reportDir = resolve(reportDir);
    this.location = join(this.reportDir, INDEX_FILE);
  }

  /** The run directory relative to the report directory, "/"-separated. */
  relativeDir(runDir: string): string {
    return relative(this.reportDir, resolve(runDir)).split(sep).join('/');
  }

  async record(entry: HistoryEntry): Promise<void> {
    // One short line appended with O_APPEND: concurrent runs writing to one report directory never interleave.
    appendFileSync(this.location, `${JSON.stringify(entry)}\n`);
  }

  async entries(scenario?: string): Promise<HistoryEntry[]> {
    if (!existsSync(this.location)) return [];
    const all = latestPerRun(parseIndex(readFileSync(this.location, 'utf8')));
    return scenario === undefined ? all : all.filter((e) => e.scenario === scenario);
  }

  /** Rebuild the index from every run directory under the report directory; returns how many runs. */
  async rebuild(gamedayEntry?: (dir: string) => Promise<HistoryEntry | undefined>): Promise<number> {
    const entries: HistoryEntry[] = [];
    for (const scenario of safeList(this.reportDir)) {
      for (const run of safeList(join(this.reportDir, scenario))) {
        const dir = join(this.reportDir, scenario, run);
        const present = REPORT_NAMES.find((f) => existsSync(join(dir, f)));
        if (present === 'report.json') {
          const report = await readReport(dir).catch(() => undefined);
          if (report) entries.push(entryFromReport(report, this.relativeDir(dir)));
        } else if (present === 'gameday.json' && gamedayEntry) {
          const e = await gamedayEntry(dir).catch(() => undefined);
          if (e) entries.push(e);
        }
      }
    }
    const sorted = latestPerRun(entries);
    const tmp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(tmp, sorted.map((e) => `${JSON.stringify(e)}\n`).join(''));
    renameSync(tmp, this.location);
    return sorted.length;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}
