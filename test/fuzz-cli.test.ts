// Wrong input through the real CLI process (bin/gameday.js): a handful of the fuzz cases of
// src/cli/fuzz.test.ts (same generator, same seed), spawned as users run it — exit 0 or 2, every error as
// file:line:col, no stack trace, no internal error — so the process boundary (stdout, stderr, exit code) is
// what is checked, not only main().

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.js';
import { FUZZ_SEED, fuzzBases, fuzzCase, judge, mutate } from './helpers/scenario-fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gameday validate as a process, on mutated scenarios', () => {
  it('12 cases: exit 0 or 2, file:line:col for each error, never a stack trace', async () => {
    const bases = fuzzBases(ROOT);
    const cases = fc.sample(fuzzCase, { seed: FUZZ_SEED + 1, numRuns: 12 });
    for (const [i, c] of cases.entries()) {
      const file = join(dir, `case-${i}.yaml`);
      const { text } = mutate(bases, c);
      writeFileSync(file, text);
      const r = await runCli(['validate', file]);
      expect(judge(file, r.code, r.stdout, r.stderr), `${text.slice(0, 1500)}\n---\n${r.stderr}`).toEqual([]);
    }
  }, 120_000);
});
