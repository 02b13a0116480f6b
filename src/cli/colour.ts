// Colour for the words people scan for (PASS, FAIL, ABORTED): on a terminal only, never in files or pipes,
// NO_COLOR turns it off, FORCE_COLOR turns it on (FORCE_COLOR=0 off), as most command-line tools do.

const CODES = { pass: 32, fail: 31, warn: 33 } as const;

export type Tone = keyof typeof CODES;

/** Whether output to a stream should be coloured, given the environment and whether it is a terminal. */
export function colourEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY && env['TERM'] !== 'dumb';
}

/** `text` in bold colour when `on`. */
export function paint(on: boolean | undefined, tone: Tone, text: string): string {
  return on ? `\x1b[1;${CODES[tone]}m${text}\x1b[0m` : text;
}

/** The tone of a verdict word: pass green, fail/error red, aborted yellow. */
export function verdictTone(word: string): Tone {
  const w = word.toLowerCase();
  return w === 'pass' ? 'pass' : w === 'aborted' ? 'warn' : 'fail';
}
