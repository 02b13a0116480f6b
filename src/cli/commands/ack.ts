// gameday ack <run-dir>: answer the checkpoint a run (or game day) is waiting on, from any terminal.

import { GamedayError } from '../../errors.js';
import { appendInbox } from '../../live/inbox.js';
import { assertRunDir, runState } from '../../live/notes.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';

export const ackHelp = `Usage: gameday ack <run-dir> [--fail | --abort] [--author NAME] [--json] [--quiet] ["text"]

Answer the checkpoint the run in <run-dir> (a scenario's or a game day's) is waiting on: go on
(default), --fail the checkpoint step, or --abort the run (rollback runs as usual). The text is kept
with the checkpoint in the report.`;

export async function ackCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('ack', argv, {
    help: { type: 'boolean', short: 'h' },
    fail: { type: 'boolean' },
    abort: { type: 'boolean' },
    author: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values['help']) {
    io.out(ackHelp);
    return 0;
  }
  const [dir, ...words] = positionals;
  if (dir === undefined || (values['fail'] && values['abort'])) {
    throw new GamedayError('ack: give the run directory, and at most one of --fail and --abort', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday ack reports/<name>/<run-id> ["all dashboards green"]',
    });
  }
  assertRunDir(dir);
  const state = runState(dir);
  if (state !== 'live') {
    throw new GamedayError(`the run in ${dir} is not running (${state})`, {
      kind: 'invalid-input',
      code: 'RUN_NOT_LIVE',
      hint: 'only a live run waits on checkpoints; to add an observation use gameday note',
    });
  }
  const text = words.join(' ').trim();
  const decision = values['abort'] ? 'abort' : values['fail'] ? 'fail' : 'continue';
  const author = typeof values['author'] === 'string' ? values['author'] : process.env['USER'];
  const entry = appendInbox(dir, { type: 'ack', decision, ...(text ? { text } : {}), ...(author ? { author } : {}) });
  if (values['json']) io.out(JSON.stringify({ ...entry, runDir: dir }));
  else if (!values['quiet'])
    io.out(`gameday: ${decision === 'continue' ? 'acknowledged' : decision} — the run picks it up within a second`);
  return 0;
}
