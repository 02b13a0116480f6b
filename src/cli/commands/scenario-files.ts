// Scenario files named on the command line: files as given, directories as the .yaml/.yml files in them.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Expand each directory into its scenario files (sorted, not recursive); files pass as they are. */
export function scenarioFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      // Not there: loading it reports the missing file.
    }
    if (!dir) return [p];
    return readdirSync(p)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(p, f));
  });
}
