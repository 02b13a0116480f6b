// Input that is wrong, still never a stack trace: the shipped scenarios and the test fixtures mutated by
// fast-check with a fixed seed (test/helpers/scenario-fuzz.ts), each given to `gameday validate` — and,
// when valid, to `gameday iam` and `gameday rbac`, which build policies from whatever the schema let
// through — through main() in process. Every answer: exit 0 or 2, each error as file:line:col, no stack
// trace, no internal error. (What it found is pinned by plain tests: src/scenario/wrong-input.test.ts.)
// GAMEDAY_FUZZ_CASES sets the count (`node bench/run.js fuzz` runs more); GAMEDAY_FUZZ_RESULTS gets a summary.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { mainInProcess } from '../../test/helpers/in-process.js';
import { FUZZ_SEED, fuzzBases, fuzzCase, judge, mutate, type FuzzCase } from '../../test/helpers/scenario-fuzz.js';

const CASES = Number(process.env['GAMEDAY_FUZZ_CASES'] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'gameday-fuzz-'));
const bases = fuzzBases('.');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = mainInProcess;

describe('gameday validate, iam and rbac on mutated scenarios', () => {
  it(`${CASES} cases (seed ${FUZZ_SEED}): exit 0 or 2, file:line:col for each error, never a stack trace`, async () => {
    let n = 0;
    const tally = { cases: 0, valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(fuzzCase, async (c: FuzzCase) => {
        const { text } = mutate(bases, c);
        const file = join(dir, `case-${n++ % 16}.yaml`);
        writeFileSync(file, text);
        const v = await cli(['validate', file]);
        const problems = judge(file, v.code, v.out, v.err);
        tally.cases++;
        if (v.code === 0) {
          tally.valid++;
          for (const command of ['iam', 'rbac']) {
            const r = await cli([command, file]);
            problems.push(...judge(file, r.code, r.out, r.err, false).map((p) => `${command}: ${p}`));
          }
        } else tally.invalid++;
        expect(
          problems,
          `${c.base}: ${bases[c.base % bases.length]?.file}\n${text.slice(0, 2000)}\n---\n${v.err}`,
        ).toEqual([]);
      }),
      { seed: FUZZ_SEED, numRuns: CASES, endOnFailure: true },
    );
    if (process.env['GAMEDAY_FUZZ_RESULTS']) writeFileSync(process.env['GAMEDAY_FUZZ_RESULTS'], JSON.stringify(tally));
    console.log(`fuzz: ${JSON.stringify(tally)}`);
  }, 900_000);
});
