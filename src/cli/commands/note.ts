// gameday note <run-dir> "text": a timestamped observation on a run's (or game day's) timeline — picked
// up live by a running one; appended to a finished one, whose reports are written again.

import { GamedayError } from '../../errors.js';
import { appendInbox } from '../../live/inbox.js';
import { assertRunDir, mergeInboxIntoReport, runState } from '../../live/notes.js';
import { isGameDayDir, mergeGameDayNotes } from '../../suite/gameday/write.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';

export const noteHelp = `Usage: gameday note <run-dir> [--author NAME] [--json] [--quiet] "text"

Add a timestamped observation to a run's or a game day's timeline. A live run picks it up within a
second; for a finished one the note is appended and its reports are written again. In a game day
report, notes starting with "action:" become action items and "surprise:" what surprised us.`;

export async function noteCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('note', argv, {
    help: { type: 'boolean', short: 'h' },
    author: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values['help']) {
    io.out(noteHelp);
    return 0;
  }
  const [dir, ...words] = positionals;
  const text = words.join(' ').trim();
  if (dir === undefined || text === '') {
    throw new GamedayError('note: give the run directory and the text', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday note reports/<name>/<run-id> "alert fired 40 s after the kill"',
    });
  }
  assertRunDir(dir);
  const author = typeof values['author'] === 'string' ? values['author'] : process.env['USER'];
  const entry = appendInbox(dir, { type: 'note', text, ...(author ? { author } : {}) });
  const state = runState(dir);
  if (state === 'finished') await (isGameDayDir(dir) ? mergeGameDayNotes(dir) : mergeInboxIntoReport(dir));
  const said =
    state === 'live'
      ? 'the run picks it up within a second'
      : state === 'finished'
        ? 'added to the finished run; its reports were written again'
        : 'the run is not running and has no report: the note is kept in inbox.ndjson';
  if (values['quiet'] && !values['json']) return 0;
  io.out(
    values['json']
      ? JSON.stringify({ ...entry, runDir: dir, state })
      : `gameday: note ${entry.id} at ${entry.at}: ${said}`,
  );
  return 0;
}
