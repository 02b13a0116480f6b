// Wrong input, generated: the shipped scenarios and the test fixtures, mutated by fast-check — keys dropped,
// types swapped, values out of range, unicode, huge numbers, deep nesting, broken YAML — and what the CLI
// must make of each: exit 0 or 2, every error as file:line:col, never a stack trace or an "internal error".
// Used by src/cli/fuzz.test.ts (in process, thousands of cases), test/fuzz-cli.test.ts (spawned) and
// `node bench/run.js fuzz`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';

export const FUZZ_SEED = 20240513;

/** A scenario file to start from: its text and, when it parses, its data. */
export interface Base {
  file: string;
  text: string;
  data?: unknown;
}

function yamlUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlUnder(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** Every shipped scenario and every scenario fixture of the tests, under `root`. */
export function fuzzBases(root: string): Base[] {
  const files = ['scenarios', 'test/fixtures/scenarios', 'test/aws/fixtures', 'test/k8s/fixtures'].flatMap((d) =>
    yamlUnder(join(root, d)),
  );
  return files.map((path) => {
    const text = readFileSync(path, 'utf8');
    let data: unknown;
    try {
      data = parse(text, { maxAliasCount: 100 });
    } catch {
      data = undefined; // broken on purpose: text mutations only
    }
    return { file: relative(root, path), text, ...(data === undefined ? {} : { data }) };
  });
}

type Path = Array<string | number>;

/** Every path to a value in `data` (the root included), down to 64 levels. */
function paths(data: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (at.length >= 64) return out;
  if (Array.isArray(data)) data.forEach((v, i) => paths(v, [...at, i], out));
  else if (data !== null && typeof data === 'object')
    for (const [k, v] of Object.entries(data)) paths(v, [...at, k], out);
  return out;
}

function getAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], data);
}

function setAt(data: unknown, path: Path, value: unknown, drop = false): unknown {
  if (path.length === 0) return drop ? {} : value;
  const parent = getAt(data, path.slice(0, -1));
  const key = path[path.length - 1] as string | number;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (drop) parent.splice(key, 1);
    else parent[key] = value;
  } else if (parent !== null && typeof parent === 'object') {
    if (drop) delete (parent as Record<string, unknown>)[key];
    else (parent as Record<string, unknown>)[key] = value;
  }
  return data;
}

const weirdStrings = fc.constantFrom(
  '',
  ' ',
  '-1s',
  '0s',
  '1e999ms',
  '5x',
  '999999999999h',
  '101%',
  '-5%',
  'NaN%',
  '0/s',
  '1e9/s',
  '${GAMEDAY_FUZZ_UNSET}',
  '${',
  '$${literal}',
  'http://',
  '::',
  'a'.repeat(5000),
  '\u202e\u0647\u0644\u0627',
  '\u{1F4A5}\u200d\u{1F525}',
  'line\nbreak',
  'tab\there',
  '\u0000',
  '\ufeff',
);

/** Values of every type, including the ones no field wants. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdStrings,
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 0.1, NaN, Infinity, -Infinity),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string()), { maxKeys: 3 }),
);

/** Broken YAML constructs, each inserted as a line of its own. */
export const BROKEN = [
  'oops: { a: 1, b: 2',
  'oops: [1, 2',
  'oops: "unterminated',
  "oops: 'unterminated",
  'oops: *no-such-anchor',
  '\tindented: with a tab',
  '- a list item in a mapping',
  'oops: : :',
  '? complex',
  'dup: 1\ndup: 2',
  '---\nsecond: document',
  'key: value: another',
  '%YAML 9.9',
  '@reserved: char',
];

export type Op =
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'copy'; at: number; from: number }
  | { kind: 'nest'; at: number; depth: number; list: boolean }
  | { kind: 'break'; line: number; construct: number }
  | { kind: 'deep'; line: number; depth: number; open: '[' | '{' }
  | { kind: 'bytes'; at: number; insert: string };

export const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: weirdValue }) },
  // A value of the same type from elsewhere in the file: wrong in meaning, often still valid in shape.
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('copy' as const), at: fc.nat(), from: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('nest' as const),
      at: fc.nat(),
      depth: fc.integer({ min: 1, max: 200 }),
      list: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('break' as const),
      line: fc.nat(),
      construct: fc.nat({ max: BROKEN.length - 1 }),
    }),
  },
  {
    // Nesting deeper than any scenario, written as flow collections: what the parser itself must survive.
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      line: fc.nat(),
      depth: fc.integer({ min: 100, max: 50_000 }),
      open: fc.constantFrom('[' as const, '{' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      at: fc.nat(),
      insert: fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('\r\n', '\t', ':', '#', '{', '"')),
    }),
  },
);

/** Mutations that often leave a valid scenario: a key dropped, a value from elsewhere in the file. */
const plausible: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('copy' as const), at: fc.nat(), from: fc.nat() }),
);

/**
 * One case: which base, which mutations. A third only drop keys or move values, so that enough cases stay
 * valid for `gameday iam` and `gameday rbac` to build policies from odd but valid scenarios.
 */
export const fuzzCase = fc.oneof(
  { weight: 2, arbitrary: fc.record({ base: fc.nat(), ops: fc.array(op, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ base: fc.nat(), ops: fc.array(plausible, { minLength: 1, maxLength: 2 }) }) },
);
export type FuzzCase = { base: number; ops: Op[] };

/** The mutated file text. */
export function mutate(bases: readonly Base[], c: FuzzCase): { text: string; base: Base } {
  const base = bases[c.base % bases.length] as Base;
  let data: unknown = base.data === undefined ? undefined : structuredClone(base.data);
  const textOps = c.ops.filter((o) => o.kind === 'break' || o.kind === 'bytes' || o.kind === 'deep');
  for (const o of c.ops) {
    if (data === undefined || o.kind === 'break' || o.kind === 'bytes' || o.kind === 'deep') continue;
    const all = paths(data);
    const at = all[o.at % all.length] as Path;
    if (o.kind === 'drop') data = setAt(data, at, undefined, true);
    else if (o.kind === 'set') data = setAt(data, at, o.value);
    else if (o.kind === 'copy') {
      const target = getAt(data, at);
      const same = all.map((p) => getAt(data, p)).filter((v) => typeof v === typeof target && v !== target);
      if (same.length) data = setAt(data, at, structuredClone(same[o.from % same.length]));
    } else {
      let v: unknown = getAt(data, at);
      for (let i = 0; i < o.depth; i++) v = o.list ? [v] : { n: v };
      data = setAt(data, at, v);
    }
  }
  let text = data === undefined ? base.text : stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
  for (const o of textOps) {
    const lines = text.split('\n');
    if (o.kind === 'break') {
      const line = o.line % (lines.length + 1);
      lines.splice(line, 0, BROKEN[o.construct] as string);
      text = lines.join('\n');
    } else if (o.kind === 'deep') {
      const close = o.open === '[' ? ']' : '}';
      const inner = o.open === '[' ? '1' : 'a: 1';
      const nested = o.open === '[' ? o.open.repeat(o.depth) : 'a: {'.repeat(o.depth).slice(3);
      lines.splice(o.line % (lines.length + 1), 0, `deep: ${nested}${inner}${close.repeat(o.depth)}`);
      text = lines.join('\n');
    } else if (o.kind === 'bytes') {
      const at = o.at % (text.length + 1);
      text = text.slice(0, at) + o.insert + text.slice(at);
    }
  }
  return { text, base };
}

/**
 * What is wrong with one CLI answer to a mutated file (empty when it is what a user may rely on). With
 * `diagnose` (validate), exit 2 must come with diagnostics naming the file; iam and rbac may also refuse a
 * valid scenario they have nothing to say about (no AWS or Kubernetes target) with a plain error.
 */
export function judge(file: string, code: number | null, out: string, err: string, diagnose = true): string[] {
  const problems: string[] = [];
  if (code !== 0 && code !== 2) problems.push(`exit ${code}, expected 0 or 2`);
  const all = `${out}\n${err}`;
  if (/internal error/i.test(all)) problems.push('an internal error');
  if (/^\s+at .+:\d+:\d+\)?$/m.test(all)) problems.push('a stack trace');
  if (code === 2) {
    const diagnostics = err
      .split('\n')
      .filter((l) => l.startsWith(file))
      .filter((l) => !/: ok \(/.test(l));
    if (diagnose && diagnostics.length === 0) problems.push('exit 2 without a diagnostic naming the file');
    for (const l of diagnostics) {
      if (!/^\d+:\d+: /.test(l.slice(file.length + 1))) problems.push(`not file:line:col: ${l.slice(0, 200)}`);
    }
  }
  return problems;
}
