// Before and after parsing, a light scan of the text for what YAML opens and must close: quoted scalars and
// flow collections ([…] and {…}). Two uses:
// - nesting: a scenario nests a handful of levels; a file nested thousands deep makes the YAML parser work
//   for minutes before it runs out of stack (time grows with the square of the depth), so such a file is
//   refused at once, at the line where it goes too deep;
// - where a syntax error starts: a quote or a bracket left open makes the parser fail lines later (at the
//   end of the file, or on the next key); the error is moved to where the construct opens.

import { problem, type Problem } from './diagnostics.js';
import type { Position, PositionedProblem } from './source.js';

/** Deeper than any scenario (they nest well under ten) and shallow enough to parse in no time. */
export const MAX_FLOW_NESTING = 64;

/** Where a flow collection or a quoted scalar may open: after indentation or one of these (else it is plain text). */
const OPENS_AFTER = new Set([':', ',', '[', '{', '-', '?']);

/** A quote or a bracket, where it opens and the line where it closes (undefined: it never does). */
interface Construct {
  char: string;
  line: number;
  col: number;
  closeLine?: number;
}

interface Scan {
  constructs: Construct[];
  /** Where the flow nesting first passes MAX_FLOW_NESTING. */
  tooDeep?: Position;
}

function scan(text: string): Scan {
  const constructs: Construct[] = [];
  const open: Construct[] = [];
  let quote: Construct | undefined;
  let line = 1;
  let col = 0;
  let previous = '\n'; // the last character that is not a space, on this line
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    col++;
    if (c === '\n') {
      line++;
      col = 0;
      previous = '\n';
      continue;
    }
    if (quote) {
      if (c === '\\' && quote.char === '"') {
        i++;
        col++;
      } else if (c === quote.char) {
        quote.closeLine = line;
        quote = undefined;
      }
      continue;
    }
    if (c === '#' && (previous === '\n' || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    const opens = previous === '\n' || OPENS_AFTER.has(previous);
    if ((c === '"' || c === "'") && opens) {
      quote = { char: c, line, col };
      constructs.push(quote);
    } else if ((c === '[' || c === '{') && opens) {
      const flow: Construct = { char: c, line, col };
      constructs.push(flow);
      open.push(flow);
      if (open.length > MAX_FLOW_NESTING) return { constructs, tooDeep: { line, col } };
    } else if ((c === ']' || c === '}') && open.length > 0) {
      const flow = open.pop() as Construct;
      flow.closeLine = line;
    }
    if (c !== ' ' && c !== '\t') previous = c;
  }
  return { constructs };
}

/** The problem, with its position, when flow collections nest deeper than MAX_FLOW_NESTING; else undefined. */
export function nestingProblem(text: string): (Problem & Position) | undefined {
  const { tooDeep } = scan(text);
  if (!tooDeep) return undefined;
  return {
    ...problem([], 'too-deep', `collections nested more than ${MAX_FLOW_NESTING} levels deep here`, {
      hint: 'a scenario nests a handful of levels; is this the right file?',
    }),
    ...tooDeep,
  };
}

const NAMES: Record<string, string> = { '"': 'double quote', "'": 'single quote', '[': '"["', '{': '"{"' };
const CLOSERS: Record<string, string> = { '"': '"', "'": "'", '[': ']', '{': '}' };

/**
 * The first YAML syntax error moved to where the construct it is caught in opens: a quote or a bracket
 * opened on or before the error's line that is not closed on its own line and not closed before the error.
 * The parser's own words and position go into the hint. Other problems are returned as they are.
 */
export function syntaxErrorAtItsStart(text: string, problems: PositionedProblem[]): PositionedProblem[] {
  const index = problems.findIndex((p) => p.code === 'yaml-syntax');
  const error = problems[index];
  if (error === undefined) return problems;
  const culprit = scan(text).constructs.find(
    (c) =>
      c.closeLine !== c.line &&
      (c.line < error.line || (c.line === error.line && c.col <= error.col)) &&
      (c.closeLine === undefined || c.closeLine >= error.line),
  );
  if (culprit === undefined) return problems;
  const name = NAMES[culprit.char] as string;
  const kind = culprit.char === '"' || culprit.char === "'" ? 'quoted value' : 'flow collection';
  const moved: PositionedProblem = {
    ...error,
    line: culprit.line,
    col: culprit.col,
    message: `the ${name} opened here is not closed on this line`,
    hint: `close the ${kind} with ${CLOSERS[culprit.char]}; the YAML parser read on to line ${error.line}, column ${error.col}: ${error.message}`,
  };
  return problems.map((p, i) => (i === index ? moved : p));
}
