// Where run history lives, behind one small interface: the report directory's own index file
// (local.ts, the default) or an S3 prefix that teams share (s3.ts).

import type { HistoryEntry } from './entry.js';

export interface HistoryStore {
  /** Where it is, for messages: "reports/index.ndjson", "s3://bucket/prefix". */
  readonly location: string;
  /** Index a run; `runDir` is uploaded too where the store keeps report directories. */
  record(entry: HistoryEntry, runDir: string): Promise<void>;
  /** Every indexed run of `scenario` (or of all scenarios), oldest first. */
  entries(scenario?: string): Promise<HistoryEntry[]>;
}
