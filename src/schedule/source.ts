// What a scheduled game day carries into the cluster: the scenario (or game day) file and, for a game day,
// the scenario and drill files it lists, laid out under one root as they are on disk (so the game day's
// relative paths still hold), with every scenario loaded, that is validated, for its permissions and limits.

import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { GamedayError } from '../errors.js';
import type { Scenario } from '../scenario/types.js';

/** One file of the bundle: its ConfigMap key, its path under the mount point, its text. */
export interface BundledFile {
  key: string;
  path: string;
  text: string;
}

export interface ScheduleSource {
  /** What the job runs: `gameday run` for a scenario or a game day, `gameday drill` for a drill. */
  kind: 'scenario' | 'drill' | 'gameday';
  /** metadata.name of the scenario or game day. */
  name: string;
  /** The entry file's path in the bundle. */
  entry: string;
  files: BundledFile[];
  scenarios: Scenario[];
}

/** Loads (validates and resolves) one scenario file with these variables, or throws. */
export type ScenarioLoader = (file: string, env: Record<string, string | undefined>) => Promise<Scenario>;

type Vars = Record<string, string>;

const stringVars = (v: unknown): Vars =>
  v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};

/** The scenario and drill files a game day lists (resolved against its directory), with their variables. */
export function gameDayItems(doc: unknown, file: string): Array<{ file: string; variables: Vars }> {
  const d = (doc ?? {}) as { variables?: unknown; items?: unknown };
  const common = stringVars(d.variables);
  const items = Array.isArray(d.items) ? (d.items as Array<Record<string, unknown>>) : [];
  return items.flatMap((item) => {
    const path = item?.['scenario'] ?? item?.['drill'];
    if (typeof path !== 'string') return [];
    return [{ file: resolve(dirname(file), path), variables: { ...common, ...stringVars(item['variables']) } }];
  });
}

/**
 * The files under their common directory: paths relative to it, keys a ConfigMap accepts (one per file,
 * the path with its separators as dots). Pure.
 */
export function bundleFiles(files: ReadonlyArray<{ file: string; text: string }>): BundledFile[] {
  const dirs = files.map((f) => dirname(resolve(f.file)).split(sep));
  let depth = dirs[0]?.length ?? 0;
  for (const d of dirs) {
    let i = 0;
    while (i < depth && i < d.length && d[i] === dirs[0]?.[i]) i++;
    depth = i;
  }
  const root = (dirs[0] ?? []).slice(0, depth).join(sep) || sep;
  const seen = new Set<string>();
  return files.flatMap((f) => {
    const path = relative(root, resolve(f.file)).split(sep).join('/');
    if (seen.has(path)) return [];
    seen.add(path);
    return [{ key: path.replace(/[^-._a-zA-Z0-9]/g, '.'), path, text: f.text }];
  });
}

/**
 * Read the entry file (a scenario, a drill or a game day) and whatever it lists; load every scenario with
 * `env` (the variables the job's container will have) and, for a game day, its variables over them.
 */
export async function scheduleSource(
  file: string,
  env: Record<string, string | undefined>,
  load: ScenarioLoader,
): Promise<ScheduleSource> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new GamedayError(`cannot read ${file}`, { kind: 'invalid-input', code: 'NOT_FOUND', cause: error });
  });
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    doc = undefined; // the scenario loader names the syntax error with its line and column
  }
  const meta = (doc ?? {}) as { kind?: unknown; metadata?: { name?: unknown } };
  if (meta.kind === 'GameDay') {
    const items = gameDayItems(doc, file);
    if (items.length === 0) {
      throw new GamedayError(`${file} is a game day with no scenario or drill items`, {
        kind: 'invalid-input',
        code: 'EMPTY_GAMEDAY',
      });
    }
    const scenarios: Scenario[] = [];
    const read: Array<{ file: string; text: string }> = [{ file, text }];
    for (const item of items) {
      scenarios.push(await load(item.file, { ...env, ...item.variables }));
      read.push({ file: item.file, text: await readFile(item.file, 'utf8') });
    }
    const files = bundleFiles(read);
    return { kind: 'gameday', name: String(meta.metadata?.name ?? ''), entry: files[0]?.path ?? '', files, scenarios };
  }
  const scenario = await load(file, env);
  const files = bundleFiles([{ file, text }]);
  const drill = scenario.drill !== undefined && scenario.steps.length === 0;
  return {
    kind: drill ? 'drill' : 'scenario',
    name: scenario.name,
    entry: files[0]?.path ?? '',
    files,
    scenarios: [scenario],
  };
}
