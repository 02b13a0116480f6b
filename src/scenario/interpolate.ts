// Interpolation stage: ${VAR} and ${VAR:-default} in string values, after parsing and before the
// shape check, so a problem points at the scalar that holds the reference.

import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Scalar } from 'yaml';
import { problem } from './diagnostics.js';
import type { PathSegment, Problem } from './diagnostics.js';
import type { Source } from './source.js';
import { RUNTIME_VARIABLES } from './types.js';

export interface InterpolateOptions {
  env: Record<string, string | undefined>;
  /** Whether the scenario has a sandbox target, which provides RUNTIME_VARIABLES at run time. */
  hasSandbox: boolean;
  /**
   * Unset variables are not errors: the reference stays as written and its path is reported with code
   * "unset-variable-allowed" and the variable's name as message (load.ts drops those and skips value checks
   * there). For lint steps without secrets.
   */
  allowMissing?: boolean;
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?$/s;
const RUNTIME: readonly string[] = RUNTIME_VARIABLES;

/**
 * Replace variable references in every string value of the document, in place. `$${` stands for
 * a literal `${`. Names in RUNTIME_VARIABLES are left as written for the runner to fill in.
 */
export function interpolate(source: Source, options: InterpolateOptions): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key: unknown = isScalar(pair.key) ? pair.key.value : pair.key;
        visit(pair.value, [...path, String(key)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      interpolateScalar(node as Scalar<string>, path, options, problems);
    }
    // Aliases are not visited: they share the anchored node, which is visited where it is defined.
  };
  visit(source.doc.contents, []);
  return problems;
}

function interpolateScalar(node: Scalar<string>, path: PathSegment[], options: InterpolateOptions, out: Problem[]) {
  const text = node.value;
  if (!text.includes('$')) return;
  let result = '';
  let i = 0;
  const reported = new Set<string>();
  const report = (p: Problem): void => {
    if (reported.has(p.message)) return;
    reported.add(p.message);
    out.push(p);
  };
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      result += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      result += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    const match = end === -1 ? null : REFERENCE.exec(text.slice(i + 2, end));
    if (match === null) {
      const shown = end === -1 ? text.slice(i) : text.slice(i, end + 1);
      report(
        problem(path, 'bad-interpolation', `malformed variable reference "${shown}"`, {
          hint: 'write ${NAME} or ${NAME:-default}; write $${ for a literal "${"',
        }),
      );
      result += shown;
      i = end === -1 ? text.length : end + 1;
      continue;
    }
    const name = match[1] ?? '';
    const fallback = match[2];
    const reference = text.slice(i, end + 1);
    i = end + 1;
    if (RUNTIME.includes(name)) {
      if (!options.hasSandbox) {
        report(
          problem(path, 'runtime-variable', `\${${name}} comes from the sandbox target, and this scenario has none`, {
            hint: 'add "targets: { sandbox: {} }", or use a variable of your own such as ${API_URL}',
          }),
        );
      }
      result += reference;
      continue;
    }
    const value = options.env[name];
    // Like the shell's ${VAR:-default}: the default also applies when the variable is empty.
    if (value !== undefined && !(fallback !== undefined && value === '')) result += value;
    else if (fallback !== undefined) result += fallback;
    else if (options.allowMissing) {
      report(problem(path, 'unset-variable-allowed', name));
      result += reference;
    } else {
      report(
        problem(path, 'unset-variable', `environment variable ${name} is not set`, {
          hint: `export ${name}=… or write \${${name}:-default}`,
        }),
      );
      result += reference;
    }
  }
  if (result === text) return;
  // A plain (unquoted) scalar that was only a reference takes the type its value reads as,
  // so `port: ${DB_PORT}` gives a number, as it would if the number were written there.
  if (node.type === 'PLAIN' && /^\$\{[^}]*\}$/.test(text)) {
    if (/^-?\d+(\.\d+)?$/.test(result)) {
      (node as Scalar<unknown>).value = Number(result);
      return;
    }
    if (result === 'true' || result === 'false') {
      (node as Scalar<unknown>).value = result === 'true';
      return;
    }
  }
  node.value = result;
}
