// The CLI's output streams: results to stdout, progress and diagnostics to stderr.

import { colourEnabled } from './colour.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** True when stderr is a terminal (live, rewritten progress line). */
  tty: boolean;
  /** Rewrite the live status line (TTY only). */
  status(line: string): void;
  /** Colour PASS/FAIL on stdout (a terminal, NO_COLOR unset, or FORCE_COLOR set). */
  colour?: boolean;
}

export function processIo(): CliIo {
  let statusShown = false;
  const clear = (): void => {
    if (statusShown) {
      process.stderr.write('\r\x1b[2K');
      statusShown = false;
    }
  };
  return {
    out: (line) => {
      clear();
      process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      clear();
      process.stderr.write(`${line}\n`);
    },
    tty: process.stderr.isTTY === true,
    colour: colourEnabled(process.env, process.stdout.isTTY === true),
    status: (line) => {
      if (process.stderr.isTTY !== true) return;
      const width = process.stderr.columns ?? 120;
      process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      statusShown = true;
    },
  };
}
