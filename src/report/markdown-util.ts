// Markdown building blocks shared by the summary.md sections.

import { formatPercent, trimNumber } from '../measure/format.js';
import type { LatencySummary } from './types.js';
import { xmlSafe } from './xml.js';

/**
 * Escape text for inline Markdown and table cells: Markdown punctuation, pipes, line breaks, and
 * `<` / `&` only where they could start an HTML tag or an entity (so "<= 30s" stays readable).
 */
export function escapeMarkdown(text: string): string {
  return xmlSafe(text.replace(/\r\n|\r|\n/g, ' '))
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

/** Code-span text that cannot break out of its backticks. */
export function code(text: string): string {
  const body = xmlSafe(text.replace(/\r\n|\r|\n/g, ' ')).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

export function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

export const ms = (v: number): string => `${trimNumber(v, 1)}ms`;
export const pct = (v: number | null): string => (v === null ? '—' : formatPercent(v));

export function latencyCells(l: LatencySummary | null): string[] {
  return l === null ? ['—', '—', '—', '—', '—'] : [ms(l.p50), ms(l.p90), ms(l.p95), ms(l.p99), ms(l.max)];
}
