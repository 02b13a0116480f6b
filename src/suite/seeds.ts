// How one seed becomes the seeds of the runs of a game day, a gate or `demo --all`: the run at position k
// (0-based, counting scenarios and drills in the order they run; checkpoints take none) gets seed + k,
// modulo 2^32. A game day inside a gate at position k has seed + k and hands its own items seed + k + j,
// so every run's seed is the same whether the game day runs alone (with that seed) or in the gate.
// Without --seed, the suite's seed comes from its run id; either way it is printed and recorded.

import type { GameDay, GameDayItem } from './gameday/types.js';

/** The seed of the run at `position` of a suite whose seed is `seed`. */
export function seedAt(seed: number, position: number): number {
  return (seed + position) % 2 ** 32;
}

/** How many seeds a game day uses: one per scenario or drill. */
export function seedsUsed(gameday: GameDay): number {
  return gameday.items.filter((i) => i.kind !== 'checkpoint').length;
}

/** Each item's seed (undefined for checkpoints), in order. */
export function itemSeeds(items: readonly GameDayItem[], seed: number): Array<number | undefined> {
  let position = 0;
  return items.map((i) => (i.kind === 'checkpoint' ? undefined : seedAt(seed, position++)));
}

/** Each entry's seed: a scenario's run seed, or the seed a game day hands its first item. */
export function entrySeeds(
  entries: ReadonlyArray<{ gameday: GameDay } | { scenario: unknown }>,
  seed: number,
): number[] {
  let position = 0;
  return entries.map((e) => {
    const at = seedAt(seed, position);
    position += 'gameday' in e ? seedsUsed(e.gameday) : 1;
    return at;
  });
}
