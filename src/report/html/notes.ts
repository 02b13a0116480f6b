// Notes and checkpoints people added during the run, numbered as on the timeline chart; and the full
// event timeline, folded away.

import { formatOffset } from '../markdown.js';
import type { Report } from '../types.js';
import { isPeopleEntry } from './data.js';
import { esc } from './escape.js';

/** Notes and checkpoints, or '' when there are none. */
export function notesSection(r: Report): string {
  const notes = r.timeline.filter(isPeopleEntry);
  if (notes.length === 0) return '';
  const items = notes
    .map(
      (e) =>
        `<li data-kind="${esc(e.kind)}"><span class="t">${esc(formatOffset(e.t))}</span> <span class="kind">${esc(e.kind)}</span> ${esc(e.message)}</li>`,
    )
    .join('');
  return `<section id="notes"><h2>Notes and checkpoints</h2><ol class="notes">${items}</ol></section>`;
}

/** Every timeline event, and the rollback's outcome. */
export function eventsSection(r: Report): string {
  const rows = r.timeline
    .map(
      (e) => `<tr><td class="t">${esc(formatOffset(e.t))}</td><td>${esc(e.kind)}</td><td>${esc(e.message)}</td></tr>`,
    )
    .join('');
  const rb = r.rollback;
  const rollback = rb.complete
    ? `<p>Rollback complete: ${rb.undone} undo step(s) done.</p>`
    : `<p class="alert"><strong>Rollback INCOMPLETE — a person must look.</strong> ${rb.undone} done, ${rb.failed.length} failed:</p><ul>${rb.failed
        .map(
          (f) =>
            `<li><code>${esc(f.id)}</code>: ${esc(f.error)}${f.hint ? ` — <strong>what to do:</strong> ${esc(f.hint)}` : ''}</li>`,
        )
        .join('')}</ul>`;
  return `<section id="events"><h2>Rollback</h2>${rollback}
<details><summary>All ${r.timeline.length} timeline events</summary><table class="events"><tbody>${rows}</tbody></table></details></section>`;
}
