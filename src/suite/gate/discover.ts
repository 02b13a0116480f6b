// What a gate runs: files as given, and the YAML files directly inside each directory given, sorted.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GamedayError } from '../../errors.js';

/** Expand files and directories into the scenario and game day files to run, in order. */
export function gateFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const info = statSync(arg, { throwIfNoEntry: false });
    if (info === undefined) {
      throw new GamedayError(`gate: ${arg}: no such file or directory`, {
        kind: 'invalid-input',
        code: 'NOT_FOUND',
        hint: 'pass scenario files, game day files or folders of them',
      });
    }
    if (!info.isDirectory()) {
      out.push(arg);
      continue;
    }
    const files = readdirSync(arg)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(arg, f));
    if (files.length === 0) {
      throw new GamedayError(`gate: ${arg} holds no .yaml files`, {
        kind: 'invalid-input',
        code: 'NO_SCENARIOS',
        hint: 'pass a folder of scenarios, e.g. scenarios/sandbox',
      });
    }
    out.push(...files);
  }
  return out;
}

/** A GitHub Actions workflow command value, escaped (`%`, CR, LF; in properties also `:` and `,`). */
export function githubEscape(text: string, property = false): string {
  const s = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? s.replace(/:/g, '%3A').replace(/,/g, '%2C') : s;
}
