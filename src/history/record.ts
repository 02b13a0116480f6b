// Indexing a run once its report is on disk: the report directory's index, and a shared store if any.

import { readReport } from '../report/index.js';
import { entryFromReport, type HistoryEntry } from './entry.js';
import { LocalHistory } from './local.js';
import type { HistoryStore } from './store.js';

/** Append the run in `runDir` to `<reportDir>/index.ndjson`; returns its entry. */
export async function indexRun(reportDir: string, runDir: string): Promise<HistoryEntry> {
  const local = new LocalHistory(reportDir);
  const entry = entryFromReport(await readReport(runDir), local.relativeDir(runDir));
  await local.record(entry);
  return entry;
}

/** Record the run in `shared` history (which uploads the run directory); the local index has it already. */
export async function uploadRun(reportDir: string, runDir: string, shared: HistoryStore): Promise<HistoryEntry> {
  const local = new LocalHistory(reportDir);
  const entry = entryFromReport(await readReport(runDir), local.relativeDir(runDir));
  await shared.record(entry, runDir);
  return entry;
}
