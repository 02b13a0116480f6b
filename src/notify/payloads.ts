// Notification payloads, pure: a Slack message with blocks, a generic JSON body (the report summary),
// a Grafana annotation (a region from the start to the end of the run). No secret ever goes in one.

import type { NotifyEvent } from '../scenario/types-gameday.js';
import { formatDuration } from '../util/duration.js';

/** What a notification is about: a run, a drill, a game day or a gate, at one of its events. */
export interface NotifySubject {
  kind: 'run' | 'drill' | 'gameday' | 'gate';
  name: string;
  runId: string;
  startedAt: string;
  description?: string;
  runDir?: string;
  /** At abort: why. At end: why it did not pass, if it did not. */
  reason?: string;
  /** At end. */
  endedAt?: string;
  verdict?: string;
  score?: number;
  exitCode?: number;
  objectives?: Array<{ name: string; target: string; actual: string; pass: boolean }>;
  /** Headline numbers, already formatted: { RTO: "1.64s ± 100ms" }. */
  facts?: Record<string, string>;
}

const EVENT_WORD: Record<NotifyEvent, string> = { start: 'started', abort: 'ABORTING', end: 'finished' };

function title(event: NotifyEvent, s: NotifySubject): string {
  const what = s.kind === 'gameday' ? 'game day' : s.kind;
  if (event === 'end') return `gameday ${what} ${s.name}: ${(s.verdict ?? 'done').toUpperCase()}`;
  return `gameday ${what} ${s.name} ${EVENT_WORD[event]}`;
}

/** A Slack-compatible message: `text` (the fallback) and Block Kit blocks. */
export function slackPayload(event: NotifyEvent, s: NotifySubject): Record<string, unknown> {
  const text = `${title(event, s)}${s.reason ? ` — ${s.reason}` : ''}`;
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: title(event, s).slice(0, 150) } },
  ];
  if (event === 'start' && s.description)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: s.description } });
  if (s.reason)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${event === 'abort' ? 'Why' : 'Reason'}:* ${s.reason}` },
    });
  if (event === 'end') {
    const fields = Object.entries({ ...(s.score === undefined ? {} : { Score: `${s.score} / 100` }), ...s.facts }).map(
      ([k, v]) => ({
        type: 'mrkdwn',
        text: `*${k}*\n${v}`,
      }),
    );
    if (fields.length > 0) blocks.push({ type: 'section', fields: fields.slice(0, 10) });
    const failed = (s.objectives ?? []).filter((o) => !o.pass);
    if (failed.length > 0) {
      const lines = failed.slice(0, 10).map((o) => `• ${o.name}: ${o.actual} (target ${o.target})`);
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Objectives missed*\n${lines.join('\n')}` } });
    }
  }
  const context = [`run ${s.runId}`, `started ${s.startedAt}`];
  if (s.endedAt) context.push(`took ${formatDuration(Date.parse(s.endedAt) - Date.parse(s.startedAt))}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  return { text, blocks };
}

/** The generic JSON webhook body: the event and the report summary. */
export function jsonPayload(event: NotifyEvent, s: NotifySubject): Record<string, unknown> {
  return { source: 'gameday', event, at: new Date().toISOString(), ...s };
}

/** A Grafana annotation: a region from the start to the end, tagged with gameday, the name and the verdict. */
export function grafanaAnnotation(
  s: NotifySubject,
  opts: { tags: readonly string[]; dashboardUid?: string; panelId?: number },
): Record<string, unknown> {
  const start = Date.parse(s.startedAt);
  const end = Date.parse(s.endedAt ?? s.startedAt);
  const body: Record<string, unknown> = {
    time: start,
    timeEnd: Math.max(start, end),
    tags: ['gameday', s.name, s.verdict ?? 'unknown', ...opts.tags],
    text: `${title('end', s)} (run ${s.runId}${s.score === undefined ? '' : `, score ${s.score}`})${s.reason ? `: ${s.reason}` : ''}`,
  };
  if (opts.dashboardUid !== undefined) body['dashboardUID'] = opts.dashboardUid;
  if (opts.panelId !== undefined) body['panelId'] = opts.panelId;
  return body;
}
