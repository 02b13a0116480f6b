// Load a scenario: read → parse (line:col) → foreign-format check → ${VAR} interpolation →
// shape (zod) → semantic rules → resolve. Every problem found is returned at once, as data;
// nothing here prints, exits or throws for bad input.
//
// Diagnostic codes, by stage:
//   read:      not-found, not-a-file, unreadable, too-large, binary-file, empty-file
//   parse:     too-deep, yaml-syntax, duplicate-key, multiple-documents, alias-limit, yaml-warning (warning)
//   document:  wrong-type (top level is not a mapping), foreign-format
//   variables: unset-variable, runtime-variable, bad-interpolation (unset variables are no problem with allowMissingEnv)
//   shape:     unknown-key, unknown-probe-kind, unknown-fault, invalid-step, missing-key, wrong-type,
//              invalid-format, invalid-value, invalid-name, out-of-range, invalid
//   rules:     missing-probe-kind, multiple-probe-kinds, undefined-probe, out-of-range, conflicting-keys,
//              missing-key, missing-target, needs-database, missing-markers, zone-not-allowed,
//              unknown-zone, duplicate-name; warnings: no-fault, coarse-probe, rto-beyond-recovery

import { readFile, stat } from 'node:fs/promises';
import { visit } from 'yaml';
import { formatPath, hasErrors, problem } from './diagnostics.js';
import type { Diagnostic, Problem } from './diagnostics.js';
import { detectForeignFormat } from './foreign.js';
import { interpolate } from './interpolate.js';
import { nestingProblem, syntaxErrorAtItsStart } from './flow.js';
import { resolveScenario } from './resolve.js';
import { checkRules } from './rules.js';
import { checkShape } from './shape.js';
import { MAX_ALIAS_COUNT, nodePosition, parseYaml, problemPosition } from './source.js';
import type { Position, Source } from './source.js';
import type { Scenario } from './types.js';

/** Files larger than this are refused before parsing (1 MiB); a scenario is a few kilobytes. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export interface LoadOptions {
  /** Variables for ${VAR} interpolation (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Refuse larger files before reading them into the parser (default DEFAULT_MAX_BYTES). */
  maxBytes?: number;
  /**
   * Check structure without the environment: an unset ${VAR} is no error and the value holding it is not
   * checked (`gameday validate --allow-missing-env`). The result then has no scenario when any was unset.
   */
  allowMissingEnv?: boolean;
}

export interface LoadResult {
  /** Present when there are no errors (warnings allowed). */
  scenario?: Scenario;
  /** Errors and warnings in file order. */
  diagnostics: Diagnostic[];
  /** With allowMissingEnv: the variables that were not set (their values were not checked). */
  unsetVariables?: string[];
}

/** Read, validate and resolve one scenario file. */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const fail = (code: string, message: string, hint?: string): LoadResult => ({
    diagnostics: [fileDiagnostic(file, code, message, hint)],
  });
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      return fail(
        'not-a-file',
        info.isDirectory() ? 'is a directory, not a scenario file' : 'is not a regular file',
        'pass the path of a .yaml file',
      );
    }
    size = info.size;
  } catch (error) {
    return fail(...readFailure(error));
  }
  // Why check the size before reading: a huge file would be read into memory and parsed first.
  if (size > maxBytes)
    return fail('too-large', tooLargeMessage(size, maxBytes), 'a scenario is a few kilobytes; is this the right file?');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return fail(...readFailure(error));
  }
  return loadScenarioText(bytes, file, options);
}

/** Validate and resolve scenario text; `file` names it in diagnostics and in the resolved scenario. */
export function loadScenarioText(input: string | Buffer, file: string, options: LoadOptions = {}): LoadResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > maxBytes) {
    return {
      diagnostics: [
        fileDiagnostic(
          file,
          'too-large',
          tooLargeMessage(size, maxBytes),
          'a scenario is a few kilobytes; is this the right file?',
        ),
      ],
    };
  }
  const decoded = decode(input, file);
  if ('diagnostic' in decoded) return { diagnostics: [decoded.diagnostic] };
  const text = decoded.text;
  if (text.trim() === '') {
    return {
      diagnostics: [
        {
          ...fileDiagnostic(
            file,
            'empty-file',
            'the file is empty',
            'a scenario starts with "apiVersion: gameday/v1" and "kind: Scenario"',
          ),
          line: 1,
          col: 1,
        },
      ],
    };
  }

  const deep = nestingProblem(text);
  if (deep) return finish([toDiagnostic(file, deep, deep)]);
  const parsed = parseYaml(text);
  const diagnostics: Diagnostic[] = syntaxErrorAtItsStart(text, parsed.problems).map((p) => toDiagnostic(file, p, p));
  const source = parsed.source;
  // Past a syntax error, a duplicate key or a second document the data is not what the author wrote (a
  // "---" in the middle cuts the scenario in two, and the first part's problems would all be noise): stop.
  const stop = parsed.problems.some((p) => p.severity === 'error');
  if (source === undefined || stop) return finish(diagnostics);

  const raw = toData(source);
  if ('problem' in raw) return finish([...diagnostics, toDiagnostic(file, raw.problem, raw.position)]);
  const top = raw.value;
  if (typeof top !== 'object' || top === null || Array.isArray(top)) {
    const p = problem(
      [],
      'wrong-type',
      `expected a mapping with apiVersion, kind, metadata, targets and steps, got ${Array.isArray(top) ? 'a list' : `the value ${JSON.stringify(top)}`}`,
      {
        hint: 'a scenario starts with "apiVersion: gameday/v1" and "kind: Scenario"',
      },
    );
    return finish([...diagnostics, toDiagnostic(file, p, problemPosition(source, p))]);
  }
  const foreign = detectForeignFormat(top);
  if (foreign !== undefined) return finish([...diagnostics, positioned(file, source, foreign)]);

  const targets = (top as Record<string, unknown>).targets;
  const hasSandbox = typeof targets === 'object' && targets !== null && 'sandbox' in targets;
  const interpolation = interpolate(source, {
    env: options.env ?? process.env,
    hasSandbox,
    allowMissing: options.allowMissingEnv === true,
  });
  const placeholders = new Set(
    interpolation.filter((p) => p.code === 'unset-variable-allowed').map((p) => formatPath(p.path)),
  );
  const variableProblems = interpolation.filter((p) => p.code !== 'unset-variable-allowed');
  const interpolated = toData(source);
  if ('problem' in interpolated)
    return finish([...diagnostics, toDiagnostic(file, interpolated.problem, interpolated.position)]);

  const shape = checkShape(interpolated.value);
  // A value whose variable is unset is reported once, as the unset variable, not again as a bad value.
  const reported = new Set([...variableProblems.map((p) => formatPath(p.path)), ...placeholders]);
  const shapeProblems = shape.problems.filter((p) => !reported.has(formatPath(p.path)));
  // A step whose fault type is unknown is reported once, as the unknown type: the rules read a step's keys
  // by its fault type, so what they would say about it is noise (its target is still checked).
  const unknownSteps = shapeProblems
    .filter((p) => p.code === 'unknown-fault' && p.path[0] === 'steps')
    .map((p) => formatPath(p.path.slice(0, 2)));
  const aboutUnknownStep = (p: Problem): boolean => {
    const at = formatPath(p.path);
    return unknownSteps.some((s) => (at === s || at.startsWith(`${s}.`)) && at !== `${s}.target`);
  };
  const ruleProblems = checkRules(interpolated.value).filter(
    (p) => !reported.has(formatPath(p.path)) && !aboutUnknownStep(p),
  );
  for (const p of [...variableProblems, ...shapeProblems, ...ruleProblems])
    diagnostics.push(positioned(file, source, p));

  if (placeholders.size > 0) {
    const unset = [...new Set(interpolation.filter((p) => p.code === 'unset-variable-allowed').map((p) => p.message))];
    return { diagnostics: sorted(diagnostics), unsetVariables: unset.sort() };
  }
  if (hasErrors(diagnostics) || shape.data === undefined) return finish(diagnostics);
  return { scenario: resolveScenario(shape.data, file), diagnostics: sorted(diagnostics) };
}

function finish(diagnostics: Diagnostic[]): LoadResult {
  return { diagnostics: sorted(diagnostics) };
}

function sorted(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map(({ d }) => d);
}

/** The document as plain data, with aliases expanded under a limit. */
function toData(source: Source): { value: unknown } | { problem: Problem; position: Position } {
  try {
    return { value: source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const bomb = message.includes('Excessive alias count');
    const p = bomb
      ? problem(
          [],
          'alias-limit',
          `too many alias expansions (more than ${MAX_ALIAS_COUNT}); refusing to expand this document`,
          {
            hint: 'nested YAML aliases (*name) multiply; write the values out or use fewer aliases',
          },
        )
      : problem([], 'yaml-syntax', message.charAt(0).toLowerCase() + message.slice(1), {
          hint: 'define the anchor (&name) before the alias (*name) that uses it',
        });
    return { problem: p, position: bomb ? { line: 1, col: 1 } : unresolvedAliasPosition(source, message) };
  }
}

function unresolvedAliasPosition(source: Source, message: string): Position {
  const name = /: (\S+)$/.exec(message)?.[1];
  let position: Position = { line: 1, col: 1 };
  visit(source.doc, {
    Alias(_key, node) {
      if (node.source !== name) return undefined;
      position = nodePosition(source, node);
      return visit.BREAK;
    },
  });
  return position;
}

function decode(input: string | Buffer, file: string): { text: string } | { diagnostic: Diagnostic } {
  const binary = (detail: string): { diagnostic: Diagnostic } => ({
    diagnostic: fileDiagnostic(
      file,
      'binary-file',
      `is not a text file (${detail})`,
      'a scenario is a UTF-8 YAML text file',
    ),
  });
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (input.includes(0)) return binary('it contains NUL bytes');
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return binary('it is not valid UTF-8');
    }
  }
  if (text.includes('\u0000')) return binary('it contains NUL bytes');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function readFailure(error: unknown): [code: string, message: string, hint?: string] {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT')
    return ['not-found', 'no such file', 'check the path; scenario files usually live under scenarios/'];
  if (code === 'EACCES' || code === 'EPERM') return ['unreadable', 'permission denied'];
  if (code === 'EISDIR') return ['not-a-file', 'is a directory, not a scenario file', 'pass the path of a .yaml file'];
  return ['unreadable', `cannot be read: ${error instanceof Error ? error.message : String(error)}`];
}

function tooLargeMessage(size: number, maxBytes: number): string {
  return `the file is ${size} bytes, more than the ${maxBytes}-byte limit for a scenario`;
}

function fileDiagnostic(file: string, code: string, message: string, hint?: string): Diagnostic {
  const d: Diagnostic = { file, line: 0, col: 0, path: '', code, severity: 'error', message };
  if (hint !== undefined) d.hint = hint;
  return d;
}

function positioned(file: string, source: Source, p: Problem): Diagnostic {
  return toDiagnostic(file, p, problemPosition(source, p));
}

function toDiagnostic(file: string, p: Problem, position: Position): Diagnostic {
  const d: Diagnostic = {
    file,
    line: position.line,
    col: position.col,
    // A missing key is reported on the mapping that lacks it: `metadata: missing required key "name"`.
    path: formatPath(p.at === 'parent' ? p.path.slice(0, -1) : p.path),
    code: p.code,
    severity: p.severity,
    message: p.message,
  };
  if (p.hint !== undefined) d.hint = p.hint;
  return d;
}
