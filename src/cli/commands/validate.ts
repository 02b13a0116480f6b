// gameday validate <files…|->: every problem in every file, at once; usable as a CI lint step.

import { GamedayError, isGamedayError } from '../../errors.js';
import { readFile } from 'node:fs/promises';
import { checkK6 } from '../../load/k6-binary.js';
import { loadScenarioFile, loadScenarioText, type Diagnostic, type LoadResult } from '../../scenario/index.js';
import { findNode, nodePosition, parseYaml, type Position } from '../../scenario/source.js';
import { loadGameDayIfOne, type GameDayLoadResult } from '../../suite/gameday/load.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { printDiagnostics } from '../scenarios.js';

export const validateHelp = `Usage: gameday validate <files…|-> [--allow-missing-env] [--strict] [--json] [--quiet]

Check scenario and game day files without running them. Prints every problem as file:line:col: path: message.
A scenario with k6 load also needs k6 (v0.50 or newer) on this machine.
  -                    read one scenario from standard input
  --allow-missing-env  check structure without the environment: an unset \${VAR} is no error and the value
                       holding it is not checked (CI lint steps without secrets)
  --strict             warnings fail too (exit 2)
  --json               machine-readable: { valid, errors, warnings, files: [{ file, valid, scenario, steps,
                       gameday, items (game day files), unsetVariables,
                       diagnostics: [{ file, line, col, path, code, severity, message, hint }] }] }
  --quiet              print problems only
Exit 0 when all are valid, 2 otherwise.`;

export interface FileVerdict {
  file: string;
  valid: boolean;
  scenario: string | null;
  steps: number | null;
  /** A game day file: its name and how many items it lists (scenarios, drills, checkpoints). */
  gameday?: string;
  items?: number;
  unsetVariables: string[];
  diagnostics: Diagnostic[];
}

/** Standard input as text (`validate -`). */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function verdict(file: string, result: LoadResult | GameDayLoadResult, strict: boolean): FileVerdict {
  const errors = result.diagnostics.filter((d) => d.severity === 'error' || strict).length;
  const unset = result.unsetVariables ?? [];
  const gameday = 'gameday' in result ? result.gameday : undefined;
  const scenario = 'scenario' in result ? result.scenario : undefined;
  return {
    file,
    valid: errors === 0 && (scenario !== undefined || gameday !== undefined || unset.length > 0),
    scenario: scenario?.name ?? null,
    steps: scenario?.steps.length ?? null,
    ...(gameday ? { gameday: gameday.name, items: gameday.items.length } : {}),
    unsetVariables: unset,
    diagnostics: result.diagnostics,
  };
}

/** Where `load.k6` is written in the file (its key), for a problem that is about it as a whole. */
function k6Position(text: string): Position {
  const source = parseYaml(text).source;
  if (!source) return { line: 1, col: 1 };
  const f = findNode(source, ['load', 'k6']);
  return nodePosition(source, f.key ?? f.node ?? f.deepestKey ?? f.deepest);
}

/** A scenario with k6 load needs k6 on this machine: missing or too old is a problem of the file. */
async function k6Problem(
  result: LoadResult,
  file: string,
  text: () => Promise<string>,
): Promise<Diagnostic | undefined> {
  const load = result.scenario?.load;
  // With the k6-operator, k6 runs in the cluster's runner pods: this machine needs none.
  if (load?.engine !== 'k6' || load.operator) return undefined;
  try {
    await checkK6(load.binary);
    return undefined;
  } catch (error) {
    if (!isGamedayError(error)) throw error;
    const { line, col } = k6Position(await text());
    const d: Diagnostic = {
      file,
      line,
      col,
      path: 'load.k6',
      code: error.code,
      severity: 'error',
      message: error.message,
    };
    if (error.hint) d.hint = error.hint;
    return d;
  }
}

function okLine(v: FileVerdict): string {
  const what =
    v.gameday !== undefined
      ? `game day ${v.gameday}, ${v.items} items`
      : v.scenario === null
        ? 'structure'
        : `${v.scenario}, ${v.steps} step${v.steps === 1 ? '' : 's'}`;
  const unset = v.unsetVariables.length
    ? `; not set, so not checked: ${v.unsetVariables.map((n) => `\${${n}}`).join(', ')}`
    : '';
  return `${v.file}: ok (${what}${unset})`;
}

export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('validate', argv, {
    help: { type: 'boolean', short: 'h' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
    strict: { type: 'boolean' },
    'allow-missing-env': { type: 'boolean' },
  });
  if (values['help']) {
    io.out(validateHelp);
    return 0;
  }
  if (positionals.length === 0) {
    throw new GamedayError('validate: no scenario file given', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday validate scenarios/sandbox/*.yaml (or - for standard input)',
    });
  }
  if (positionals.filter((f) => f === '-').length > 1) {
    throw new GamedayError('validate: standard input (-) can be read once', { kind: 'usage', code: 'USAGE' });
  }
  const options = { allowMissingEnv: values['allow-missing-env'] === true };
  const strict = values['strict'] === true;
  const verdicts: FileVerdict[] = [];
  for (const file of positionals) {
    const gameday = file === '-' ? undefined : await loadGameDayIfOne(file, options);
    const stdin = file === '-' ? await readStdin() : undefined;
    const result = stdin
      ? loadScenarioText(stdin, '<stdin>', options)
      : (gameday ?? (await loadScenarioFile(file, options)));
    const text = async (): Promise<string> => (stdin ? stdin.toString('utf8') : await readFile(file, 'utf8'));
    const k6 = await k6Problem(result, file === '-' ? '<stdin>' : file, text);
    if (k6) result.diagnostics.push(k6);
    const v = verdict(file === '-' ? '<stdin>' : file, result, strict);
    verdicts.push(v);
    if (values['json']) continue;
    printDiagnostics(v.diagnostics, io);
    if (v.valid && !values['quiet']) io.out(okLine(v));
  }
  const invalid = verdicts.filter((v) => !v.valid).length;
  const count = (severity: string): number =>
    verdicts.reduce((n, v) => n + v.diagnostics.filter((d) => d.severity === severity).length, 0);
  if (values['json']) {
    io.out(
      JSON.stringify(
        { valid: invalid === 0, strict, errors: count('error'), warnings: count('warning'), files: verdicts },
        null,
        2,
      ),
    );
  } else if (invalid > 0) {
    const why = strict && count('error') === 0 ? ' (--strict: warnings fail)' : '';
    io.err(`${invalid} of ${verdicts.length} file${verdicts.length === 1 ? '' : 's'} invalid${why}`);
  }
  return invalid > 0 ? 2 : 0;
}
