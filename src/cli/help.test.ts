// Every option a help text shows works: the test reads `gameday --help` and each `gameday <command> --help`,
// takes every option they name, and gives each to its command (main() in process). None may be refused as
// unknown or misused; each command then fails, if it fails, for a reason of its own (the made-up file or
// run directory), never for the option. And a mistyped option is refused once, with the closest option.

import { describe, expect, it } from 'vitest';
import { mainInProcess } from '../../test/helpers/in-process.js';

const cli = mainInProcess;

/** Options a help text names, each with the placeholder that follows it (if any): "--report-dir D" → ["--report-dir", "D"]. */
function optionsIn(help: string): Array<[string, string | undefined]> {
  const found = new Map<string, string | undefined>();
  for (const m of help.matchAll(/(--[a-z][a-z-]*)(?:[ =]([A-Z][A-Z/_]*|\d+[a-z]+))?/g)) {
    const [, name, value] = m as unknown as [string, string, string | undefined];
    if (!found.has(name) || value !== undefined) found.set(name, value);
  }
  return [...found];
}

/** A value for a placeholder the help shows. */
const valueFor = (placeholder: string): string =>
  placeholder === 'NAMESPACE/NAME'
    ? 'chaos/gameday'
    : /^\d/.test(placeholder)
      ? placeholder
      : placeholder === 'D'
        ? '2m' // a duration
        : placeholder === 'N'
          ? '7' // a number
          : 'x';

const COMMANDS = ['demo', 'validate', 'plan', 'run', 'drill', 'rollback', 'iam', 'rbac', 'report'];
const MISSING = '/nonexistent/gameday-help-test';

describe('every option a help text shows works', () => {
  for (const command of COMMANDS) {
    it(`gameday ${command}`, async () => {
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      const options = optionsIn(help.out).filter(([name]) => name !== '--help');
      for (const [name, placeholder] of options) {
        // demo runs a whole experiment: its options are checked with --help, which ends parsing early.
        const tail = command === 'demo' ? ['--help'] : [MISSING];
        const argv = [command, name, ...(placeholder ? [valueFor(placeholder)] : []), ...tail];
        const r = await cli(argv);
        const text = `${r.out}\n${r.err}`;
        expect(text, argv.join(' ')).not.toMatch(/unknown option|needs a value|takes no value|internal error/);
        if (r.code !== 0) expect(text, argv.join(' ')).toMatch(/nonexistent|no such|not found|cannot read/i);
      }
    });
  }

  it('gameday --help: the options it names are taken by the commands it names', async () => {
    const help = await cli(['--help']);
    const line = help.out.slice(help.out.indexOf('Options:'));
    expect(line).toMatch(/--report-dir D .*--seed N .*--quiet .*--json/);
    for (const command of ['run', 'drill']) {
      for (const option of [['--report-dir', 'x'], ['--quiet'], ['--json']]) {
        const r = await cli([command, ...option, MISSING]);
        expect(`${r.out}\n${r.err}`, `${command} ${option.join(' ')}`).not.toMatch(/unknown option/);
      }
    }
    expect((await cli(['--version'])).code).toBe(0);
  });
});

describe('a mistyped option', () => {
  it('is refused once, with the closest option the command takes', async () => {
    const r = await cli(['run', '--reportdir', 'out', 'scenario.yaml']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      'gameday: run: unknown option --reportdir; did you mean --report-dir?',
      '  hint: run takes --report-dir, --quiet, --json, --help, --seed — see gameday run --help',
    ]);
    const v = await cli(['validate', '--quite', 'x.yaml']);
    expect(v.err).toBe(
      'gameday: validate: unknown option --quite; did you mean --quiet?\n  hint: validate takes --help, --quiet, --json, --strict, --allow-missing-env — see gameday validate --help',
    );
  });

  it('before the command: unknown option, and where options go', async () => {
    const r = await cli(['--quiet', 'run']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^gameday: unknown option --quiet\n {2}hint: options come after the command; commands: /);
  });

  it('a value missing or given where none is taken says which', async () => {
    expect((await cli(['run', 'x.yaml', '--report-dir'])).err).toMatch(
      /^gameday: run: --report-dir needs a value \(--report-dir <value>\)/,
    );
    expect((await cli(['run', '--json=yes', 'x.yaml'])).err).toMatch(/^gameday: run: --json takes no value/);
    expect((await cli(['rollback', '--timeout', 'soon', 'dir'])).err).toMatch(
      /^gameday: rollback: --timeout takes a duration, got "soon"/,
    );
  });
});
