// `node bench/run.js fuzz [--cases N]`: the fuzz test of src/cli/fuzz.test.ts with more cases (default
// 20,000; the unit tier runs 2,000), same seed. Returns what it counted: cases, valid, invalid, failed.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Run `cases` fuzz cases; { cases, valid, invalid, failed, seconds }. */
export function benchFuzz({ cases }) {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-fuzz-'));
  const results = join(dir, 'tally.json');
  const start = performance.now();
  let failed = false;
  try {
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'src/cli/fuzz.test.ts'], {
        cwd: root,
        env: { ...process.env, GAMEDAY_FUZZ_CASES: String(cases), GAMEDAY_FUZZ_RESULTS: results },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } catch {
      failed = true; // the property failed: vitest printed the counterexample
    }
    const tally = failed ? { cases, valid: 0, invalid: 0 } : JSON.parse(readFileSync(results, 'utf8'));
    return { ...tally, failed, seconds: (performance.now() - start) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
