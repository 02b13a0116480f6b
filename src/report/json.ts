// report.json: the same report always serializes to the same bytes (stable key order, 2-space indent).

import type { Report } from './types.js';

/** The `$id` of schema/report.schema.json; every report.json names it as its `$schema`. */
export const REPORT_SCHEMA_ID = 'urn:gameday:schema:report:v1';

/** Keys that read best first, in this order; every other key follows alphabetically. */
const LEADING_KEYS = [
  '$schema',
  'schemaVersion',
  'scenario',
  'runId',
  'startedAt',
  'endedAt',
  'verdict',
  'reason',
  'name',
  'probe',
  'window',
  'engine',
  'kind',
  'status',
  'at',
  't',
  'target',
  'actual',
  'pass',
];
const RANK = new Map(LEADING_KEYS.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? Infinity;
  const rb = RANK.get(b) ?? Infinity;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareKeys)) out[key] = ordered((value as Record<string, unknown>)[key]);
  return out;
}

/** Serialize any JSON value with stable key order and a trailing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(ordered(value), null, 2)}\n`;
}

/** report.json text for a report; it declares the report schema. */
export function toJson(report: Report): string {
  return stableJson({ ...report, $schema: REPORT_SCHEMA_ID });
}
