// Argument parsing for the fixture CLIs (`npm run fixture:<name> -- <command> [--flag value …]`).

/** A mistake on the command line; the CLIs exit 2 for it. */
export class UsageError extends Error {}

/**
 * Parse `<command> [options]` into `{ command, ...defaults }`. Each entry of `flags` sets options from
 * its flag, reading the flag's value (if it takes one) with `value()` or `int(min)`. Unknown flags,
 * missing values and commands not in `commands` throw a UsageError.
 * @template {object} T
 * @param {string[]} argv
 * @param {{ commands: string[], defaults: T,
 *   flags: Record<string, (opts: T & { command: string }, read: { value(): string, int(min: number): number }) => void> }} spec
 * @returns {T & { command: string }}
 */
export function parseFixtureArgs(argv, { commands, defaults, flags }) {
  const [command = '', ...rest] = argv;
  const opts = { ...defaults, command };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const set = Object.hasOwn(flags, flag) ? flags[flag] : undefined;
    if (!set) throw new UsageError(`unknown option ${flag}`);
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const int = (min) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}`);
      return n;
    };
    set(opts, { value, int });
  }
  if (!commands.includes(command)) {
    const names = commands.map((c) => `"${c}"`);
    throw new UsageError(`command must be ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
  }
  return opts;
}
