// Loading a scenario for output that only says what the scenario needs (`gameday iam`, `gameday rbac`):
// environment variables the scenario references but that are not set stand in as placeholders, so the
// output can be made without the run's environment (API URLs, database URLs, passwords). A variable whose
// value reaches the output is shown there as ${NAME}; one that does not was not needed.

import { readFile } from 'node:fs/promises';
import type { Diagnostic } from './diagnostics.js';
import { loadScenarioFile, loadScenarioText, type LoadResult } from './load.js';

export interface PlaceholderLoad extends LoadResult {
  /** Placeholder value → the variable it stands for (empty when every variable was set). */
  placeholders: Map<string, string>;
}

const UNSET = /^environment variable ([A-Za-z_][A-Za-z0-9_]*) is not set$/;

/** Values a placeholder may take, tried in turn until the scenario validates: a name, an account id, a number. */
function candidates(name: string, index: number): string[] {
  return [`gameday-unset-${name.toLowerCase().replace(/_/g, '-')}`, String(900_000_000_000 + index), '1'];
}

const within = (a: string, b: string): boolean =>
  a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);

/**
 * Load `file` with placeholders for the variables it references that `env` lacks. When the file has other
 * problems, or no placeholder makes it valid, the result is that of a plain load (its diagnostics).
 */
export async function loadScenarioWithPlaceholders(
  file: string,
  env: Record<string, string | undefined> = process.env,
): Promise<PlaceholderLoad> {
  const first = await loadScenarioFile(file, { env });
  const errors = first.diagnostics.filter((d) => d.severity === 'error');
  const unset = errors.filter((d) => d.code === 'unset-variable');
  if (first.scenario || unset.length === 0 || unset.length !== errors.length) {
    return { ...first, placeholders: new Map() };
  }
  const paths = new Map<string, string[]>();
  for (const d of unset) {
    const name = UNSET.exec(d.message)?.[1];
    if (name) paths.set(name, [...(paths.get(name) ?? []), d.path]);
  }
  const names = [...paths.keys()];
  const choice = new Map(names.map((n) => [n, 0]));
  const text = await readFile(file);
  for (let round = 0; round < 4; round++) {
    const values = new Map(names.map((n, i) => [n, candidates(n, i)[choice.get(n) ?? 0] as string]));
    const result = loadScenarioText(text, file, { env: { ...env, ...Object.fromEntries(values) } });
    if (result.scenario) return { ...result, placeholders: new Map([...values].map(([n, v]) => [v, n])) };
    if (!bump(result.diagnostics, paths, choice)) break;
  }
  return { ...first, placeholders: new Map() };
}

/** Move every variable at a failing path to its next candidate; false when none can move. */
function bump(diagnostics: Diagnostic[], paths: Map<string, string[]>, choice: Map<string, number>): boolean {
  const failing = diagnostics.filter((d) => d.severity === 'error').map((d) => d.path);
  let moved = false;
  for (const [name, at] of paths) {
    const i = choice.get(name) ?? 0;
    if (i + 1 < 3 && at.some((p) => failing.some((f) => within(f, p)))) {
      choice.set(name, i + 1);
      moved = true;
    }
  }
  return moved;
}

/** `text` with each placeholder shown as ${NAME}, and a note per variable that reached it. */
export function showPlaceholders(text: string, placeholders: Map<string, string>): { text: string; notes: string[] } {
  let out = text;
  const notes: string[] = [];
  for (const [value, name] of placeholders) {
    if (!out.includes(value)) continue;
    out = out.split(value).join(`\${${name}}`);
    notes.push(`${name} is not set: the output shows \${${name}} where its value goes`);
  }
  return { text: out, notes };
}
