// The gameday command line. The only code that prints or sets the exit code.

import { describeError, isGamedayError, type ErrorKind } from '../errors.js';
import { redactText } from '../util/redact.js';
import { ackCommand } from './commands/ack.js';
import { compareCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { gateCommand } from './commands/gate.js';
import { historyCommand } from './commands/history.js';
import { noteCommand } from './commands/note.js';
import { drillCommand } from './commands/drill.js';
import { iamCommand } from './commands/iam.js';
import { planCommand } from './commands/plan.js';
import { rbacCommand } from './commands/rbac.js';
import { reportCommand } from './commands/report.js';
import { rollbackCommand } from './commands/rollback.js';
import { runCommand } from './commands/run.js';
import { scheduleCommand } from './commands/schedule.js';
import { validateCommand } from './commands/validate.js';
import { processIo, type CliIo } from './io.js';
import { packageVersion } from './version.js';
import { didYouMean } from '../scenario/suggest.js';

const HELP = `gameday — chaos and disaster-recovery experiments with measured RTO, RPO and SLOs

Usage: gameday <command> [options]

Commands:
  demo [--all]                   run a real experiment against the embedded local sandbox
  validate <files…>              check scenario files; every problem as file:line:col
  plan <file>                    show the resolved targets and steps; changes nothing
  run <file> [--report-dir D]    run a scenario and write reports to D/<scenario>/<run-id>/
  drill <file> [--report-dir D]  run a backup-restore drill: restore time, RPO, validations
  rollback <run-dir>             undo what a crashed or killed run left behind
  rollback --target <file>       … from any machine, through the shared lock and journal (--orphans: every gone run)
  iam <file>                     print the least-privilege IAM policies an AWS scenario needs (JSON)
  rbac <file>                    print the least-privilege Kubernetes Role/ClusterRole a scenario needs
  report <run-dir> [--html]      print a finished run's (or game day's) summary; write its report.html again
  run <gameday.yaml>             run a game day: scenarios and drills in order, checkpoints, hypotheses, retro
  gate <files|dirs…>             the CI gate: combined junit.xml, summary, annotations, --baseline regression
  note <run-dir> "text"          add an observation to a live or finished run's timeline
  ack <run-dir>                  answer the checkpoint a run is waiting on
  history [<scenario>]           earlier runs with sparklines of RTO, p95, availability, restore time, score
  compare <run-a> <run-b>        two runs side by side with deltas
  schedule <file> --cron "…"     print (or --apply) a CronJob running it in the cluster on a schedule
  help <command>                 the options of one command

Options: --report-dir D (default reports/) · --seed N · --quiet · --json (every command) · --help · --version (-V)
Colour: PASS/FAIL in colour on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 on
Exit codes: 0 pass · 1 objective failed · 2 invalid input · 3 aborted/error · 4 rollback incomplete`;

const EXIT: Record<ErrorKind, number> = {
  'invalid-input': 2,
  usage: 2,
  runtime: 3,
  aborted: 3,
  'rollback-incomplete': 4,
};

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  demo: demoCommand,
  drill: drillCommand,
  validate: validateCommand,
  plan: planCommand,
  run: runCommand,
  rollback: rollbackCommand,
  iam: iamCommand,
  rbac: rbacCommand,
  schedule: scheduleCommand,
  report: reportCommand,
  gate: gateCommand,
  note: noteCommand,
  ack: ackCommand,
  history: historyCommand,
  compare: compareCommand,
};

/** Run the CLI with `argv` (without node and script) and set process.exitCode. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  let code: number;
  if (process.env['GAMEDAY_DEBUG']) {
    const flags = process.execArgv.length > 0 ? ` ${process.execArgv.join(' ')}` : '';
    io.err(`gameday: node ${process.version} (${process.execPath})${flags}`);
  }
  try {
    const helpFor = name === 'help' ? rest[0] : undefined;
    if (helpFor !== undefined) {
      const command = COMMANDS[helpFor];
      if (!command) {
        io.err(`gameday: no command "${helpFor}"`);
        io.err(`  hint: one of ${Object.keys(COMMANDS).join(', ')}`);
        code = 2;
      } else code = await command(['--help'], io);
    } else if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(HELP);
      code = name === undefined ? 2 : 0;
    } else if (name === '--version' || name === '-v' || name === '-V') {
      io.out(rest.includes('--json') ? JSON.stringify({ version: packageVersion() }) : packageVersion());
      code = 0;
    } else {
      const command = COMMANDS[name];
      if (!command) {
        const guess = didYouMean(name.replace(/^-+/, ''), Object.keys(COMMANDS));
        const option = name.startsWith('-');
        io.err(`gameday: unknown ${option ? 'option' : 'command'} ${option ? name : `"${name}"`}`);
        io.err(
          `  hint: ${guess === undefined ? '' : `did you mean "${guess}"? `}${option ? 'options come after the command; ' : ''}commands: ${Object.keys(COMMANDS).join(', ')} — see gameday --help`,
        );
        code = 2;
      } else {
        code = await command(rest, io);
      }
    }
  } catch (error) {
    code = reportError(error, io);
  }
  process.exitCode = code;
  return code;
}

/** One place maps error kinds to exit codes and prints them without a stack trace (unless GAMEDAY_DEBUG). */
function reportError(error: unknown, io: CliIo): number {
  if (isGamedayError(error)) {
    io.err(`gameday: ${redactText(describeError(error))}`);
    if (error.hint) io.err(`  hint: ${error.hint}`);
    if (process.env['GAMEDAY_DEBUG']) io.err(String(error.stack));
    return EXIT[error.kind];
  }
  io.err(`gameday: internal error: ${redactText(describeError(error))}`);
  io.err('  hint: this is a bug in gameday; run again with GAMEDAY_DEBUG=1 for the stack trace and report it');
  if (process.env['GAMEDAY_DEBUG']) io.err(String((error as Error)?.stack));
  return 3;
}
