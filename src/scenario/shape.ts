// Shape stage: run the zod schema and turn its issues into problems people can act on.
// Unions are never reported as a list of every alternative: the branch the author meant is
// picked (by `fault`, by which of fault / wait / verify is present, by the value's type) and
// only that branch's problems are reported.

import { problem } from './diagnostics.js';
import type { PathSegment, Problem } from './diagnostics.js';
import { Duration, PROBE_KINDS, Percent, ProbeSpec, ScenarioSchema, Step } from './schema.js';
import type { ScenarioParsed } from './schema.js';
import { describeValue, didYouMean, didYouMeanPrefix, fixDuration, list, quotedList } from './suggest.js';
import {
  defOf,
  describeSchema,
  isFlavor,
  isRecord,
  literalValues,
  schemaKinds,
  unwrap,
  valueKind,
} from './zod-reflect.js';
import type { Schema } from './zod-reflect.js';
import { pickKeyedBranch } from './shape-keyed.js';

/** The fields of a zod issue this module reads (zod 4 issue shapes). */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  keys?: string[];
  values?: unknown[];
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  note?: string;
  discriminator?: string;
  options?: unknown[];
  issues?: Issue[];
}

const STEP_ACTIONS = ['fault', 'wait', 'verify', 'checkpoint', 'action'] as const;
const PROBE_SETTINGS = ['interval', 'timeout'];

/** Validate the shape of a whole scenario; `data` is set only when there are no problems. */
export function checkShape(value: unknown): { data?: ScenarioParsed; problems: Problem[] } {
  const result = ScenarioSchema.safeParse(value);
  if (result.success) return { data: result.data, problems: [] };
  const problems = issuesToProblems(ScenarioSchema, value, [], result.error.issues as unknown as Issue[]);
  return { problems: dropMissingExplainedByTypo(problems) };
}

/** Validate another gameday document (a game day file) against its schema, with the same messages. */
export function checkShapeOf<S extends Schema>(schema: S, value: unknown): { data?: unknown; problems: Problem[] } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, problems: [] };
  const problems = issuesToProblems(schema, value, [], result.error.issues as unknown as Issue[]);
  return { problems: dropMissingExplainedByTypo(problems) };
}

/** `step:` instead of `steps:` is one mistake: keep the unknown key (it says "did you mean"), drop the missing one. */
function dropMissingExplainedByTypo(problems: Problem[]): Problem[] {
  const parent = (p: Problem) => JSON.stringify(p.path.slice(0, -1));
  return problems.filter(
    (m) =>
      m.code !== 'missing-key' ||
      !problems.some(
        (u) =>
          u.code === 'unknown-key' &&
          parent(u) === parent(m) &&
          u.hint?.startsWith(`did you mean "${String(m.path.at(-1))}"?`),
      ),
  );
}

function collect(schema: Schema, value: unknown, base: PathSegment[]): Problem[] {
  const result = schema.safeParse(value);
  return result.success ? [] : issuesToProblems(schema, value, base, result.error.issues as unknown as Issue[]);
}

function issuesToProblems(schema: Schema, root: unknown, base: PathSegment[], issues: Issue[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const rel = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const path = [...base, ...rel];
    const value = valueAt(root, rel);
    switch (issue.code) {
      case 'invalid_union': {
        if (value === undefined) {
          out.push(missingKey(path, undefined));
          break;
        }
        if (issue.note === 'No matching discriminator') {
          out.push(unknownDiscriminator(path, value, issue));
          break;
        }
        const union = schemaAt(schema, rel, root, false);
        const pick = union === undefined ? undefined : pickBranch(union, value, path);
        if (pick === undefined)
          out.push(problem(path, 'wrong-type', `got ${describeValue(value)}, which fits none of the allowed forms`));
        else if ('problem' in pick) out.push(pick.problem);
        else out.push(...collect(pick.branch, value, path));
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys ?? [])
          out.push(unknownKey(schemaAt(schema, rel, root), value, [...path, key], key));
        break;
      case 'invalid_type':
        out.push(wrongType(schemaAt(schema, rel, root), value, path, issue));
        break;
      case 'invalid_format':
        out.push(badFormat(value, path, issue));
        break;
      case 'invalid_value': {
        const expected = issue.values ?? [];
        if (value === undefined) {
          out.push(missingKey(path, expected.length === 1 ? expected[0] : undefined));
          break;
        }
        const shown = expected.length === 1 ? JSON.stringify(expected[0]) : `one of ${quotedList(expected)}`;
        const guess = typeof value === 'string' ? didYouMean(value, expected.map(String)) : undefined;
        out.push(
          problem(path, 'invalid-value', `expected ${shown}, got ${describeValue(value)}`, {
            hint: guess === undefined ? undefined : `did you mean "${guess}"?`,
          }),
        );
        break;
      }
      case 'too_small':
      case 'too_big':
        out.push(outOfRange(path, value, issue));
        break;
      case 'invalid_key': {
        const reason = issue.issues?.[0]?.message ?? issue.message;
        const what = rel[0] === 'probes' && rel.length === 2 ? 'probe name' : 'key';
        out.push(
          problem(path, 'invalid-name', `invalid ${what} ${JSON.stringify(rel.at(-1))}: ${reason}`, { at: 'key' }),
        );
        break;
      }
      default:
        out.push(problem(path, 'invalid', issue.message));
    }
  }
  return out;
}

// ---------- unions ----------

type Pick = { branch: Schema } | { problem: Problem };

/** Choose the union branch the author meant, or explain why none fits. */
function pickBranch(schema: Schema, value: unknown, path: PathSegment[]): Pick | undefined {
  const union = unwrap(schema);
  const def = defOf(union);
  const options = def.options ?? [];
  if (union === Step) return pickStep(options, value, path);
  const keyed = pickKeyedBranch(union, options, value, path);
  if (keyed !== undefined) return keyed;
  if (def.discriminator !== undefined) {
    // A discriminated union only fails as a whole when the discriminator is missing or unknown.
    const disc = def.discriminator;
    const v = isRecord(value) ? value[disc] : undefined;
    const branch = options.find((o) => literalValues(defOf(o).shape?.[disc]).includes(v));
    if (branch !== undefined) return { branch };
    if (!isRecord(value)) return { problem: wrongTypeOf(union, value, path) };
    return {
      problem: unknownDiscriminator([...path, disc], v, {
        discriminator: disc,
        options: options.flatMap((o) => literalValues(defOf(o).shape?.[disc])),
      } as Issue),
    };
  }
  const kind = valueKind(value);
  const candidates = options.filter((o) => schemaKinds(o).includes(kind));
  if (candidates.length === 0) return { problem: wrongTypeOf(union, value, path) };
  if (candidates.length === 1 || !isRecord(value)) return { branch: candidates[0] as Schema };
  // Several mapping forms (e.g. wait: {for} or {duration}): the one sharing the most keys.
  const keys = Object.keys(value);
  let best = candidates[0] as Schema;
  let bestScore = -1;
  for (const c of candidates) {
    const shape = defOf(unwrap(c)).shape ?? {};
    const score = keys.filter((k) => k in shape).length;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return { branch: best };
}

function pickStep(options: Schema[], value: unknown, path: PathSegment[]): Pick | undefined {
  if (!isRecord(value)) {
    return {
      problem: problem(
        path,
        'wrong-type',
        `expected a step (a mapping with fault, wait, verify, checkpoint or action), got ${describeValue(value)}`,
      ),
    };
  }
  const present = STEP_ACTIONS.filter((a) => a in value);
  if (present.length === 0) {
    const typo = Object.keys(value)
      .map((k) => didYouMean(k, STEP_ACTIONS))
      .find((g) => g !== undefined);
    return {
      problem: problem(
        path,
        'invalid-step',
        'a step needs one of "fault", "wait", "verify", "checkpoint" or "action"',
        {
          hint: `${typo === undefined ? '' : `did you mean "${typo}"? `}write "- fault: pod-kill", "- wait: { for: <probe> }" or "- verify: { probe: <probe> }"`,
        },
      ),
    };
  }
  if (present.length > 1) {
    return {
      problem: problem(
        [...path, present[1] as string],
        'invalid-step',
        `a step has exactly one of "fault", "wait", "verify", "checkpoint" or "action"; this one has ${present.map((p) => `"${p}"`).join(' and ')}`,
        {
          hint: 'split it into one step per action',
          at: 'key',
        },
      ),
    };
  }
  const index = STEP_ACTIONS.indexOf(present[0] as (typeof STEP_ACTIONS)[number]);
  const branch = options[index];
  return branch === undefined ? undefined : { branch };
}

function unknownDiscriminator(path: PathSegment[], value: unknown, issue: Issue): Problem {
  const allowed = (issue.options ?? []).map(String);
  const isFault = issue.discriminator === 'fault';
  if (value === undefined) {
    return problem(path, 'missing-key', `missing required key "${String(path.at(-1))}"`, {
      hint: `one of: ${list(allowed)}`,
      at: 'parent',
    });
  }
  if (typeof value !== 'string') {
    return problem(path, 'wrong-type', `expected one of ${quotedList(allowed)}, got ${describeValue(value)}`);
  }
  const hint = `${didYouMeanPrefix(value, allowed)}${isFault ? 'fault types' : 'allowed values'}: ${list(allowed)}`;
  return problem(
    path,
    isFault ? 'unknown-fault' : 'invalid-value',
    `unknown ${isFault ? 'fault type' : 'value'} "${value}"`,
    { hint },
  );
}

// ---------- individual issues ----------

function unknownKey(objectSchema: Schema | undefined, objectValue: unknown, path: PathSegment[], key: string): Problem {
  const allowed = Object.keys(defOf(unwrap(objectSchema)).shape ?? {}).filter((k) => k !== '$schema');
  if (objectSchema !== undefined && unwrap(objectSchema) === ProbeSpec) {
    const kinds: readonly string[] = PROBE_KINDS;
    const v = isRecord(objectValue) ? objectValue[key] : undefined;
    const settingTypo = didYouMean(key, PROBE_SETTINGS);
    // A mapping under an unknown key is a probe kind gameday does not have (grpc:, dns:, …).
    if (settingTypo === undefined && (isRecord(v) || didYouMean(key, kinds) !== undefined)) {
      return problem(path, 'unknown-probe-kind', `unknown probe kind "${key}"`, {
        hint: `${didYouMeanPrefix(key, kinds)}probe kinds: ${list(kinds)}`,
        at: 'key',
      });
    }
  }
  return problem(path, 'unknown-key', `unknown key "${key}"`, {
    hint: `${didYouMeanPrefix(key, allowed)}allowed keys: ${list(allowed)}`,
    at: 'key',
  });
}

function wrongType(schema: Schema | undefined, value: unknown, path: PathSegment[], issue: Issue): Problem {
  if (value === undefined) {
    const literal = literalValues(schema);
    return missingKey(path, literal.length === 1 ? literal[0] : undefined);
  }
  if (schema === undefined)
    return problem(path, 'wrong-type', `expected ${issue.expected ?? 'another type'}, got ${describeValue(value)}`);
  return wrongTypeOf(schema, value, path);
}

const MISSING_HINTS: Record<string, string> = {
  metadata: 'add "metadata: { name: my-scenario }"',
  name: 'the scenario name, e.g. "name: my-scenario"; reports are written under it',
  targets: 'add "targets: { sandbox: {} }"',
  steps: 'add "steps:" with at least one step, e.g. "- fault: pod-kill"',
  zone: 'the zone to act on, e.g. "zone: a"',
  accounts:
    'the AWS account ids gameday may act in, e.g. accounts: ["123456789012"]; the identity guard refuses any other',
};

function missingKey(path: PathSegment[], literal: unknown): Problem {
  const key = String(path.at(-1));
  const hint = literal !== undefined ? `add "${key}: ${String(literal)}"` : MISSING_HINTS[key];
  return problem(path, 'missing-key', `missing required key "${key}"`, { hint, at: 'parent' });
}

function wrongTypeOf(schema: Schema, value: unknown, path: PathSegment[]): Problem {
  const expected = describeSchema(schema);
  let hint: string | undefined;
  const kinds = schemaKinds(schema);
  if (typeof value === 'string' && kinds.includes('number') && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    hint = `write the number without quotes: ${value.trim()}`;
  } else if (typeof value === 'number' && isFlavor(schema, Duration)) {
    hint = `add a unit: "${value}ms" or "${value}s"`;
  } else if (typeof value === 'number' && isFlavor(schema, Percent)) {
    hint = `write "${value}%"`;
  } else if (value === null && kinds.includes('object')) {
    hint = 'write {} for an empty mapping';
  }
  return problem(path, 'wrong-type', `expected ${expected}, got ${describeValue(value)}`, { hint });
}

function badFormat(value: unknown, path: PathSegment[], issue: Issue): Problem {
  let hint: string | undefined;
  if (typeof value === 'string' && issue.message.includes('duration')) {
    const fixed = fixDuration(value);
    if (fixed !== undefined && fixed !== value) hint = `write "${fixed}"`;
  } else if (typeof value === 'string' && issue.message.includes('percentage') && /^\d+(\.\d+)?$/.test(value.trim())) {
    hint = `write "${value.trim()}%"`;
  }
  return problem(path, 'invalid-format', `${issue.message}, got ${describeValue(value)}`, { hint });
}

function outOfRange(path: PathSegment[], value: unknown, issue: Issue): Problem {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array' || issue.origin === 'set') {
    const n = Array.isArray(value) ? value.length : 0;
    const word = (k: number) => `${k} ${k === 1 ? 'item' : 'items'}`;
    const hint =
      path.length === 1 && path[0] === 'steps' ? 'add at least one step, e.g. "- fault: pod-kill"' : undefined;
    return problem(path, 'out-of-range', `expected ${small ? 'at least' : 'at most'} ${word(bound)}, got ${n}`, {
      hint,
    });
  }
  if (issue.origin === 'string') {
    return problem(path, 'out-of-range', `expected ${small ? 'at least' : 'at most'} ${bound} characters`);
  }
  const relation = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
  return problem(
    path,
    'out-of-range',
    `must be ${relation} ${bound}, got ${describeValue(value).replace('the number ', '')}`,
  );
}

function schemaAt(schema: Schema, path: PathSegment[], value: unknown, pickFinal = true): Schema | undefined {
  let s: Schema | undefined = schema;
  let v = value;
  for (const segment of path) {
    s = branchFor(s, v);
    if (s === undefined) return undefined;
    const def = defOf(s);
    if (def.type === 'object') s = def.shape?.[String(segment)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
    if (s === undefined) return undefined;
    v = isRecord(v) || Array.isArray(v) ? (v as Record<PathSegment, unknown>)[segment] : undefined;
  }
  return pickFinal ? (branchFor(s, v) ?? s) : s;
}

/** Unwrap a schema and descend through (nested) unions to the branch that `value` is meant for. */
function branchFor(schema: Schema, value: unknown): Schema | undefined {
  let s = unwrap(schema);
  for (let depth = 0; depth < 5 && defOf(s).type === 'union'; depth++) {
    const pick = pickBranch(s, value, []);
    if (pick === undefined || !('branch' in pick)) return undefined;
    s = unwrap(pick.branch);
  }
  return s;
}

function valueAt(root: unknown, path: PathSegment[]): unknown {
  let v = root;
  for (const segment of path) {
    if (!isRecord(v) && !Array.isArray(v)) return undefined;
    v = (v as Record<PathSegment, unknown>)[segment];
  }
  return v;
}
