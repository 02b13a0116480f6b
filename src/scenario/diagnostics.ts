// Diagnostics: every problem found while loading a scenario, with a position a person can jump to.

export type Severity = 'error' | 'warning';

/** One problem in one file. `line`/`col` are 1-based; 0 means "the file as a whole". */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Where in the scenario, e.g. "steps[0].select.count"; "" for the file or document as a whole. */
  path: string;
  /** Stable machine-readable code, e.g. "unknown-key"; see the table in load.ts. */
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
}

export type PathSegment = string | number;

/**
 * A problem before it has a position: stages after parsing report paths into the document and
 * load.ts turns them into line:col. `at` says which node to point at: the value (default), the
 * key naming it (unknown keys), or the mapping that should contain it (missing keys).
 */
export interface Problem {
  path: PathSegment[];
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  at?: 'value' | 'key' | 'parent';
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Render a path the way people write it: `steps[0].select.count`, `probes["my.probe"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `file:line:col: path: message`, plus `  hint: …` on a second line when there is a hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const severity = d.severity === 'warning' ? 'warning: ' : '';
  const path = d.path === '' ? '' : `${d.path}: `;
  const first = `${where}: ${severity}${path}${d.message}`;
  return d.hint === undefined ? first : `${first}\n  hint: ${d.hint}`;
}

/** True when any diagnostic is an error (warnings alone do not fail validation). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Build a problem; `severity` defaults to error. */
export function problem(
  path: PathSegment[],
  code: string,
  message: string,
  extra: { hint?: string | undefined; at?: Problem['at']; severity?: Severity } = {},
): Problem {
  const p: Problem = { path, code, severity: extra.severity ?? 'error', message };
  if (extra.hint !== undefined) p.hint = extra.hint;
  if (extra.at !== undefined) p.at = extra.at;
  return p;
}
