// The retro section of a game day's report, ready to paste: what happened, what surprised us, action
// items. Drafted from the results and the notes; people edit it. Notes that start with "action:",
// "todo:" or "surprise:" land in the matching list. Pure.

import type { NoteEntry } from '../../report/types.js';
import { formatDuration } from '../../util/duration.js';
import type { GameDayItemResult, HypothesisResult, Retro } from './report-types.js';

const ACTION = /^\s*(action|todo)\s*:\s*/i;
const SURPRISE = /^\s*surprise\s*:\s*/i;

function itemLine(i: GameDayItemResult): string {
  if (i.kind === 'checkpoint') return `Checkpoint "${i.name}": ${i.detail}`;
  const m = i.metrics;
  const facts = [
    m?.rtoMs !== undefined ? `RTO ${formatDuration(m.rtoMs)}` : undefined,
    m?.availability !== undefined ? `availability ${m.availability.toFixed(2)} %` : undefined,
    m?.p95Ms !== undefined ? `p95 ${formatDuration(m.p95Ms)}` : undefined,
    m?.restoreMs !== undefined ? `restore ${formatDuration(m.restoreMs)}` : undefined,
    m?.rpoS !== undefined ? `RPO ${m.rpoS.toFixed(1)} s` : undefined,
  ].filter((f) => f !== undefined);
  const score = i.score === undefined ? '' : `, score ${i.score}`;
  return `${i.name} (${i.kind}): ${i.status.toUpperCase()}${facts.length ? ` — ${facts.join(', ')}` : ''}${score}${i.status === 'pass' ? '' : `; ${i.detail}`}`;
}

/** Draft the retro from the items, the hypotheses and the notes. */
export function draftRetro(
  items: readonly GameDayItemResult[],
  hypotheses: readonly HypothesisResult[],
  notes: readonly NoteEntry[],
): Retro {
  const whatHappened = items.map(itemLine);
  for (const n of notes) {
    if (!ACTION.test(n.text) && !SURPRISE.test(n.text))
      whatHappened.push(`Note at ${n.at.slice(11, 19)}: ${n.text}${n.author ? ` (${n.author})` : ''}`);
  }
  const surprises: string[] = [];
  for (const h of hypotheses)
    if (h.status === 'refuted') surprises.push(`Hypothesis ${h.id} was refuted: ${h.statement}`);
  for (const i of items) {
    for (const o of i.objectives ?? [])
      if (!o.pass) surprises.push(`${i.name}: ${o.name} was ${o.actual}, target ${o.target}`);
    if (i.status === 'error' || i.status === 'aborted')
      surprises.push(`${i.name} ${i.status === 'error' ? 'ended in an error' : 'was aborted'}: ${i.detail}`);
  }
  for (const n of notes) if (SURPRISE.test(n.text)) surprises.push(n.text.replace(SURPRISE, ''));
  const actionItems: string[] = [];
  for (const n of notes) if (ACTION.test(n.text)) actionItems.push(n.text.replace(ACTION, ''));
  for (const i of items) {
    for (const o of i.objectives ?? [])
      if (!o.pass) actionItems.push(`Find out why ${i.name} missed ${o.name} (${o.actual}, target ${o.target})`);
    if (i.exitCode === 4)
      actionItems.push(`Finish the rollback of ${i.name}: gameday rollback ${i.runDir ?? '<run-dir>'}`);
  }
  for (const h of hypotheses)
    if (h.status === 'not-tested') actionItems.push(`Test hypothesis ${h.id} again: ${h.statement}`);
  return { whatHappened, surprises, actionItems };
}
