// How one seed becomes each run's seed in a game day, a gate and `demo --all`: seed + position, checkpoints
// taking none, a game day in a gate handing its items the seeds they would get in the gate, wrapping at 2^32.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/helpers/cli.js';
import { loadGameDayFile } from './gameday/load.js';
import { entrySeeds, itemSeeds, seedAt } from './seeds.js';

describe('suite seeds', () => {
  it('gives the run at position k seed + k, modulo 2^32', () => {
    expect([0, 1, 2].map((k) => seedAt(40, k))).toEqual([40, 41, 42]);
    expect(seedAt(2 ** 32 - 1, 1)).toBe(0);
    expect(seedAt(2 ** 32 - 1, 3)).toBe(2);
  });

  it('skips checkpoints in a game day, and a gate counts a game day as its runs', async () => {
    const { gameday } = await loadGameDayFile(join(ROOT, 'test/fixtures/gameday/two-scenarios.yaml'), {
      env: { GAMEDAY_TEST_MARK: '/tmp/mark' },
    });
    if (!gameday) throw new Error('the fixture game day did not load');
    // it-pod-kill, a checkpoint, maintenance.
    expect(itemSeeds(gameday.items, 7)).toEqual([7, undefined, 8]);
    const scenario = { scenario: {} };
    // A scenario, the game day (two runs), a scenario: 10, 11 (and 12 inside the game day), 13.
    expect(entrySeeds([scenario, { gameday }, scenario], 10)).toEqual([10, 11, 13]);
    // The game day's items get the same seeds inside the gate as when it runs alone with its seed.
    expect(itemSeeds(gameday.items, 11)).toEqual([11, undefined, 12]);
  });
});
