// summary.md of a game day: items, hypotheses, checkpoints and notes on one timeline, the score and
// its trend, and the retro section ready to paste into a document.

import { escapeMarkdown, formatOffset, markdownTable } from '../../report/markdown.js';
import { formatDuration } from '../../util/duration.js';
import type { GameDayReport } from './report-types.js';

function head(r: GameDayReport): string[] {
  const lines = [`# ${r.verdict.toUpperCase()}: game day ${escapeMarkdown(r.gameday)}`, ''];
  if (r.description) lines.push(escapeMarkdown(r.description), '');
  const duration = Date.parse(r.endedAt) - Date.parse(r.startedAt);
  lines.push(`- **Verdict:** ${r.verdict.toUpperCase()}${r.reason ? ` — ${escapeMarkdown(r.reason)}` : ''}`);
  const trend = r.previous
    ? ` (previous run ${escapeMarkdown(r.previous.runId)}: ${r.previous.score}, ${signed(r.score - r.previous.score)})`
    : '';
  lines.push(`- **Resilience score:** ${r.score} / 100${trend}`);
  lines.push(
    `- **Run:** ${escapeMarkdown(r.runId)}, ${escapeMarkdown(r.startedAt)} – ${escapeMarkdown(r.endedAt)} (${formatDuration(Math.max(0, duration))})${r.seed === undefined ? '' : `, seed ${r.seed} (\`--seed ${r.seed}\` makes the same choices)`}`,
  );
  if (r.roles.facilitator) lines.push(`- **Facilitator:** ${escapeMarkdown(r.roles.facilitator)}`);
  if (r.roles.scribe) lines.push(`- **Scribe:** ${escapeMarkdown(r.roles.scribe)}`);
  if (r.roles.observers.length > 0) lines.push(`- **Observers:** ${r.roles.observers.map(escapeMarkdown).join(', ')}`);
  for (const l of r.links)
    lines.push(`- [${escapeMarkdown(l.title)}](${l.url.replace(/[()\s]/g, encodeURIComponent)})`);
  return lines;
}

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${Math.round(v * 10) / 10}`;

function items(r: GameDayReport): string[] {
  const rows = r.items.map((i, n) => [
    String(n + 1),
    escapeMarkdown(i.name),
    i.kind,
    i.status === 'pass' ? 'PASS' : `**${i.status.toUpperCase()}**`,
    i.score === undefined ? '—' : String(i.score),
    escapeMarkdown(i.detail),
    i.runDir ? escapeMarkdown(i.runDir) : '—',
  ]);
  return ['## Items', '', ...markdownTable(['#', 'Item', 'Kind', 'Result', 'Score', 'Detail', 'Report'], rows)];
}

function hypotheses(r: GameDayReport): string[] {
  if (r.hypotheses.length === 0) return [];
  const rows = r.hypotheses.map((h) => [
    escapeMarkdown(h.id),
    escapeMarkdown(h.statement),
    h.status === 'confirmed' ? 'confirmed' : `**${h.status}**`,
    h.evidence.map(escapeMarkdown).join('<br>'),
  ]);
  return ['## Hypotheses', '', ...markdownTable(['Hypothesis', 'Statement', 'Result', 'Evidence'], rows)];
}

function timeline(r: GameDayReport): string[] {
  if (r.timeline.length === 0) return [];
  const rows = r.timeline.map((e) => [formatOffset(e.t), escapeMarkdown(e.kind), escapeMarkdown(e.message)]);
  return ['## Timeline (notes and checkpoints)', '', ...markdownTable(['Time', 'Kind', 'Event'], rows)];
}

function retro(r: GameDayReport): string[] {
  const bullets = (xs: string[], empty: string, box = false): string[] =>
    xs.length === 0 ? [`_${empty}_`] : xs.map((x) => `- ${box ? '[ ] ' : ''}${escapeMarkdown(x)}`);
  return [
    '## Retro',
    '',
    '### What happened',
    '',
    ...bullets(r.retro.whatHappened, 'Nothing ran.'),
    '',
    '### What surprised us',
    '',
    ...bullets(r.retro.surprises, 'Nothing failed; add what surprised the team.'),
    '',
    '### Action items',
    '',
    ...bullets(r.retro.actionItems, 'None drafted; add the team’s.', true),
  ];
}

function notifications(r: GameDayReport): string[] {
  const failed = (r.notifications ?? []).filter((n) => !n.ok);
  if (failed.length === 0) return [];
  return [
    '## Notifications that failed',
    '',
    ...failed.map(
      (n) =>
        `- ${n.channel} ${n.event} (${escapeMarkdown(n.target)}): ${escapeMarkdown(n.error ?? `HTTP ${n.status}`)}`,
    ),
  ];
}

/** summary.md text of a game day. */
export function gameDayMarkdown(r: GameDayReport): string {
  const sections = [head(r), items(r), hypotheses(r), timeline(r), retro(r), notifications(r)].filter(
    (s) => s.length > 0,
  );
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
