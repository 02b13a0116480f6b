// Reading zod schemas: which kinds of YAML value a schema accepts, and how to name it for people.

import type { z } from 'zod';
import { Duration, Percent, Rate } from './schema.js';
import { quotedList } from './suggest.js';

export type Schema = z.ZodType;

/** The parts of zod's definitions this module reads; zod keeps them under `_zod.def`. */
export interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  discriminator?: string;
  values?: unknown[];
  entries?: Record<string, unknown>;
  format?: string;
  checks?: Array<{ _zod: { def: { pattern?: RegExp } } }>;
}

/** A schema's definition. */
export const defOf = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Strip optional / nullable / default / pipe wrappers. */
export function unwrap(schema: Schema | undefined): Schema {
  let s = schema as Schema;
  for (let i = 0; i < 10 && s !== undefined; i++) {
    const def = defOf(s);
    if (def.innerType !== undefined) s = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) s = def.in;
    else break;
  }
  return s;
}

export type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null' | 'other';

/** The kind of a plain value from YAML. */
export function valueKind(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : 'other';
}

/** Which kinds of YAML value a schema can accept. */
export function schemaKinds(schema: Schema): Kind[] {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'array':
    case 'object':
      return [def.type];
    case 'record':
      return ['object'];
    case 'union':
      return (def.options ?? []).flatMap(schemaKinds);
    case 'literal':
    case 'enum':
      return literalValues(s).map(valueKind);
    default:
      return ['other'];
  }
}

/** The allowed values of a literal or enum schema; [] for anything else. */
export function literalValues(schema: Schema | undefined): unknown[] {
  if (schema === undefined) return [];
  const def = defOf(unwrap(schema));
  if (def.type === 'literal') return def.values ?? [];
  if (def.type === 'enum') return Object.values(def.entries ?? {});
  return [];
}

/** Whether a string schema has the same pattern as one of the named formats (Duration, Percent, Rate). */
export function isFlavor(schema: Schema, flavor: Schema): boolean {
  const pattern = (s: Schema) => defOf(unwrap(s)).checks?.find((c) => c._zod.def.pattern)?._zod.def.pattern?.source;
  const s = unwrap(schema);
  if (defOf(s).type === 'union') return (defOf(s).options ?? []).some((o) => isFlavor(o, flavor));
  const p = pattern(s);
  return p !== undefined && p === pattern(flavor);
}

/** "a duration such as \"30s\"", "an integer", "a mapping", "\"gameday/v1\"", joined with "or". */
export function describeSchema(schema: Schema): string {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'string':
      if (isFlavor(s, Duration)) return 'a duration such as "30s"';
      if (isFlavor(s, Percent)) return 'a percentage such as "40%"';
      if (isFlavor(s, Rate)) return 'a rate such as "200/s"';
      return 'a string';
    case 'number':
      return def.format === 'safeint' || def.format === 'int32' ? 'an integer' : 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'literal':
    case 'enum': {
      const values = literalValues(s);
      return values.length === 1 ? JSON.stringify(values[0]) : `one of ${quotedList(values)}`;
    }
    case 'union': {
      const parts = [...new Set((def.options ?? []).map(describeSchema))];
      return parts.join(' or ');
    }
    default:
      return def.type;
  }
}

/** A mapping (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
