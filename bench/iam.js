// `node bench/run.js iam`: every AWS scenario run as an IAM principal on moto with IAM enforced, once with
// the whole harness policy `gameday iam` prints and once per action moto can refuse with that action taken
// out (test/aws/iam-enforced.test.ts with GAMEDAY_IAM_ACTIONS=all). Returns one row per run.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Run the matrix; rows { scenario, removed, code, verdict, refusal }. */
export function benchIam() {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-iam-'));
  const results = join(dir, 'rows.json');
  try {
    try {
      execFileSync(
        process.execPath,
        [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/aws/iam-enforced.test.ts'],
        {
          cwd: root,
          env: { ...process.env, GAMEDAY_IAM_ACTIONS: 'all', GAMEDAY_IAM_RESULTS: results },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
    } catch {
      // A failing case still writes its rows; the table says what happened.
    }
    return JSON.parse(readFileSync(results, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
