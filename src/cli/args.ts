// Argument parsing for every command, with usage errors that say what to type.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GamedayError } from '../errors.js';
import { didYouMean } from '../scenario/suggest.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** The option names `options` takes, as typed: `--name` (and `-x` for a short form). */
export function optionNames(options: OptionSpec): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** A usage error for an option given wrongly: one line, with the closest option the command takes. */
function optionError(command: string, options: OptionSpec, error: unknown): GamedayError {
  const e = error as { code?: unknown; message?: unknown };
  const names = optionNames(options);
  const longNames = names.filter((n) => n.startsWith('--'));
  const hint = `${command} takes ${longNames.join(', ')} — see gameday ${command} --help`;
  const quoted = /'([^']*)'/.exec(String(e.message ?? ''))?.[1] ?? '';
  let message: string;
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = quoted.split('=')[0] ?? quoted;
    const guess = didYouMean(
      given.replace(/^-+/, ''),
      longNames.map((n) => n.slice(2)),
    );
    message = `${command}: unknown option ${given}${guess === undefined ? '' : `; did you mean --${guess}?`}`;
  } else if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
    message = /<value>/.test(quoted)
      ? `${command}: ${name} needs a value (${name} <value>)`
      : `${command}: ${name} takes no value`;
  } else {
    message = `${command}: ${String(e.message ?? error)}`;
  }
  // No cause: the parser's own message says the same, less plainly, and would be printed after it.
  return new GamedayError(message, { kind: 'usage', code: 'USAGE', hint });
}

/** Parse `argv` for one command; an unknown or misused option is a usage error (exit 2) naming the closest one. */
export function parseCommandArgs<O extends OptionSpec>(
  command: string,
  argv: string[],
  options: O,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw optionError(command, options, error);
  }
}

export const outputOptions = {
  'report-dir': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const seedOption = { seed: { type: 'string' } } as const satisfies OptionSpec;

/** `--seed N`: a non-negative integer below 2^32, or undefined when not given. */
export function seedValue(command: string, values: Record<string, string | boolean | undefined>): number | undefined {
  const raw = values['seed'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n >= 2 ** 32) {
    throw new GamedayError(`${command}: --seed takes a whole number from 0 to 4294967295, got "${String(raw)}"`, {
      kind: 'usage',
      code: 'USAGE',
      hint: 'the seed a run printed on its timeline (plan: seed N), e.g. --seed 42',
    });
  }
  return n;
}

export interface OutputMode {
  quiet: boolean;
  json: boolean;
}

export function outputMode(values: Record<string, string | boolean | undefined>): OutputMode {
  return { quiet: values['quiet'] === true, json: values['json'] === true };
}
