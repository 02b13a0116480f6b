// What the CLI's rules reject and plain JSON Schema can say too, added to the generated schema so an
// editor flags the same mistakes `gameday validate` does: one probe kind, an interval of at least 50ms,
// count or percent (not both), rate + duration or stages, percentages up to 100%, one drill source, one
// kind per drill validation, steps or drill. Rules that need more than one place of the document (a probe that is not defined, a zone
// the target does not have) stay in rules.ts. Also fills descriptions from schema-docs.ts.

import { DEFAULTS } from './defaults.js';
import { PROBE_KINDS } from './schema.js';
import { FIELD_DOCS } from './schema-docs.js';

export type JsonSchema = Record<string, unknown>;

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Visit every schema node with its YAML path: `a.b` for properties, `a.*` for any key of a mapping,
 * `a[]` for any list item; anyOf / oneOf / allOf alternatives share their parent's path.
 */
export function walkSchema(node: unknown, visit: (node: JsonSchema, path: string) => void, path = ''): void {
  if (!isObject(node)) return;
  visit(node, path);
  const join = (key: string): string => (path === '' ? key : `${path}.${key}`);
  if (isObject(node.properties)) for (const [k, v] of Object.entries(node.properties)) walkSchema(v, visit, join(k));
  if (isObject(node.additionalProperties)) walkSchema(node.additionalProperties, visit, join('*'));
  if (isObject(node.items)) walkSchema(node.items, visit, `${path}[]`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[key];
    if (Array.isArray(list)) for (const v of list) walkSchema(v, visit, path);
  }
}

/** Fields (properties) of the schema whose node has no description, by YAML path. */
export function undescribedFields(schema: JsonSchema): string[] {
  const missing = new Set<string>();
  walkSchema(schema, (node, path) => {
    if (!isObject(node.properties)) return;
    for (const [k, v] of Object.entries(node.properties)) {
      if (isObject(v) && typeof v.description !== 'string') missing.add(path === '' ? k : `${path}.${k}`);
    }
  });
  return [...missing];
}

// Durations below the probe floor: 0–49.9…ms, 0–0.049…s, and zero minutes or hours.
const UNDER_MIN_INTERVAL =
  DEFAULTS.probe.minIntervalMs === 50
    ? '^(?:0*[0-4]?\\d(?:\\.\\d+)?ms|0+(?:\\.0[0-4]\\d*)?s|0+\\.0+s|0+(?:\\.0+)?[mh])$'
    : '';
// Percentages above 100: an integer part of 101 or more, or 100 with a non-zero fraction.
const OVER_100_PERCENT = '^0*(?:[1-9]\\d{3,}|[2-9]\\d\\d|1[1-9]\\d|10[1-9])(?:\\.\\d+)?%$|^0*100\\.\\d*[1-9]\\d*%$';
const ZERO_PERCENT = '^0*(?:\\.0+)?%$|^0+\\.0+%$';
const PERCENT_PATHS = [
  'guards.maxUnavailable',
  'guards.abortWhen[].availabilityBelow',
  'steps[].select.percent',
  'objectives.availability.min',
  'objectives.availability[].min',
  'objectives.load.maxErrorRate',
];

const exactlyOne = (keys: readonly string[]): JsonSchema[] => keys.map((k) => ({ required: [k] }));

function addNot(node: JsonSchema, not: JsonSchema): void {
  node.allOf = [...(Array.isArray(node.allOf) ? node.allOf : []), { not }];
}

/** Add the CLI's single-place rules to the generated schema, in place. */
export function tightenSchema(schema: JsonSchema): void {
  schema.anyOf = exactlyOne(['steps', 'drill']);
  walkSchema(schema, (node, path) => {
    const props = isObject(node.properties) ? node.properties : undefined;
    if (path === 'probes.*' && props) node.oneOf = exactlyOne(PROBE_KINDS.filter((k) => k in props));
    if (path === 'probes.*.interval' && node.type === 'string' && UNDER_MIN_INTERVAL) {
      addNot(node, { pattern: UNDER_MIN_INTERVAL });
    }
    if (path === 'steps[].select' && props) {
      for (const pair of [
        ['count', 'percent'],
        ['perZone', 'count'],
        ['perZone', 'percent'],
      ]) {
        if (pair.every((k) => k in props)) addNot(node, { required: pair });
      }
    }
    if (path === 'load.builtin' && props) {
      node.dependentRequired = { rate: ['duration'], duration: ['rate'] };
      addNot(node, { required: ['rate', 'stages'] });
      node.anyOf = exactlyOne(['rate', 'stages']);
    }
    if (PERCENT_PATHS.includes(path) && node.type === 'string' && typeof node.pattern === 'string') {
      addNot(node, { pattern: OVER_100_PERCENT });
      if (path === 'steps[].select.percent') addNot(node, { pattern: ZERO_PERCENT });
    }
    if ((path === 'drill.source' || path === 'drill.validations[]') && props)
      node.oneOf = exactlyOne(Object.keys(props));
    if (path === 'drill.source.rds' && props) addNot(node, { required: ['snapshot', 'pointInTime'] });
    // An action step is exactly one HTTP request or one command (its undo is a union already).
    if (path === 'steps[].action' && props && 'undo' in props) node.oneOf = exactlyOne(['http', 'command']);
  });
}

/** Give every field without a description the one schema-docs.ts has for its path, in place. */
export function describeSchema(schema: JsonSchema): void {
  walkSchema(schema, (node, path) => {
    if (!isObject(node.properties)) return;
    for (const [k, v] of Object.entries(node.properties)) {
      const doc = FIELD_DOCS[path === '' ? k : `${path}.${k}`];
      if (isObject(v) && typeof v.description !== 'string' && doc !== undefined) v.description = doc;
    }
  });
}
