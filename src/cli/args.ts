// Argument parsing for every command, with usage errors that say what to type.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GamedayError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parse `argv` for one command; unknown flags are a usage error (exit 2). */
export function parseCommandArgs<O extends OptionSpec>(
  command: string,
  argv: string[],
  options: O,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new GamedayError(`${command}: ${(error as Error).message}`, {
      kind: 'usage',
      code: 'USAGE',
      hint: `see gameday ${command} --help`,
      cause: error,
    });
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
