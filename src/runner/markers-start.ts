// RPO markers at the start of a run or a drill: the marker table's undo is journaled first, then the writer
// starts (it creates the table). Shared by run.ts and drill.ts.

import { MarkerWriter, markerUrlForJournal } from '../drivers/postgres/markers.js';
import type { Clock } from '../util/clock.js';
import type { Journal } from './journal.js';

/**
 * Journal the drop of this run's markers, then start writing them. `onWriter` gets the writer before it
 * starts, so the caller stops it whatever happens next.
 */
export async function startMarkers(
  journal: Journal,
  pm: { url: string; table: string; intervalMs: number },
  runId: string,
  clock: Clock,
  onWriter: (writer: MarkerWriter) => void,
): Promise<void> {
  const url = markerUrlForJournal(pm.url);
  const id = await journal.intent('markers', `create marker table gameday.${pm.table}`, url, {
    driver: 'postgres',
    op: 'drop-markers',
    args: { url, table: pm.table, runId },
  });
  const writer = new MarkerWriter({ url: pm.url, table: pm.table, runId, intervalMs: pm.intervalMs, clock });
  onWriter(writer);
  await writer.start();
  journal.applied(id);
}
