// Unions told apart by which key is present — a notification (slack / webhook / grafana), an undo
// (http / command), a game day item (scenario / drill / checkpoint): the branch named by its key, or
// one problem saying which keys are allowed, instead of every branch's complaints.

import { problem, type PathSegment, type Problem } from './diagnostics.js';
import { ActionCall } from './schema-gameday.js';
import { GameDayItem } from './schema-gameday-doc.js';
import { NotifyTarget } from './schema-notify.js';
import { didYouMeanPrefix, list, quotedList } from './suggest.js';
import type { Schema } from './zod-reflect.js';

const KEYED = new Map<Schema, { what: string; keys: readonly string[] }>([
  [NotifyTarget, { what: 'a notification', keys: ['slack', 'webhook', 'grafana'] }],
  [ActionCall, { what: 'an undo', keys: ['http', 'command'] }],
  [GameDayItem, { what: 'a game day item', keys: ['scenario', 'drill', 'checkpoint'] }],
]);

const orList = (keys: readonly string[]): string => quotedList(keys).replace(/, ([^,]*)$/, ' or $1');

/** The branch of a keyed union meant by `value`, a problem, or undefined when `union` is not keyed. */
export function pickKeyedBranch(
  union: Schema,
  options: readonly Schema[],
  value: unknown,
  path: PathSegment[],
): { branch: Schema } | { problem: Problem } | undefined {
  const spec = KEYED.get(union);
  if (spec === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const present = spec.keys.filter((k) => k in value);
  if (present.length === 1) {
    const branch = options[spec.keys.indexOf(present[0] as string)];
    return branch === undefined ? undefined : { branch };
  }
  if (present.length === 0) {
    const other = Object.keys(value).find((k) => k !== 'on' && k !== 'name');
    const guess = other === undefined ? '' : didYouMeanPrefix(other, spec.keys) || `"${other}" is not one; `;
    const hint = `${guess}one of: ${list(spec.keys)}`;
    return { problem: problem(path, 'missing-key', `${spec.what} needs one of ${orList(spec.keys)}`, { hint }) };
  }
  return {
    problem: problem(
      [...path, present[1] as string],
      'conflicting-keys',
      `${spec.what} has exactly one of ${orList(spec.keys)}; this one has ${present.map((p) => `"${p}"`).join(' and ')}`,
      { hint: 'split it into one per key', at: 'key' },
    ),
  };
}
