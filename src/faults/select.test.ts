import { describe, expect, it } from 'vitest';
import { seededRandom, selectReplicas, selectionSize } from './select.js';

const fleet = ['a', 'b', 'c'].flatMap((zone, z) =>
  [0, 1].map((i) => ({
    id: `api-${zone}-${i}`,
    zone,
    capacity: i === 0 ? 'on-demand' : 'spot',
    state: 'ready',
    startedAt: 1000 + z * 10 + i,
  })),
);

describe('replica selection', () => {
  it('takes a count, at random but reproducibly from the seed', () => {
    const one = selectReplicas(fleet, { count: 2, order: 'random' }, seededRandom(42)).map((r) => r.id);
    const again = selectReplicas(fleet, { count: 2, order: 'random' }, seededRandom(42)).map((r) => r.id);
    expect(one).toHaveLength(2);
    expect(new Set(one).size).toBe(2);
    expect(again).toEqual(one);
  });

  it('picks different replicas for different seeds (not always the first ones)', () => {
    const picks = new Set<string>();
    for (let seed = 0; seed < 20; seed++)
      picks.add(selectReplicas(fleet, { count: 1, order: 'random' }, seededRandom(seed))[0]?.id ?? '');
    expect(picks.size).toBeGreaterThan(3);
  });

  it('takes perZone replicas from every zone in one selection, reproducibly', () => {
    const one = selectReplicas(fleet, { perZone: 1, order: 'random' }, seededRandom(7));
    expect(one.map((r) => r.zone)).toEqual(['a', 'b', 'c']);
    expect(selectReplicas(fleet, { perZone: 1, order: 'random' }, seededRandom(7))).toEqual(one);
    expect(selectReplicas(fleet, { perZone: 2, order: 'random' }, seededRandom(7))).toHaveLength(6);
    expect(selectReplicas(fleet, { perZone: 1, zone: 'b', order: 'oldest' }, seededRandom(7)).map((r) => r.id)).toEqual(
      ['api-b-0'],
    );
  });

  it('takes the oldest first', () => {
    expect(selectReplicas(fleet, { count: 3, order: 'oldest' }, seededRandom(1)).map((r) => r.id)).toEqual([
      'api-a-0',
      'api-a-1',
      'api-b-0',
    ]);
  });

  it('filters by zone and capacity and skips replicas already going away', () => {
    const withDraining = fleet.map((r) => (r.id === 'api-b-1' ? { ...r, state: 'draining' } : r));
    const spot = selectReplicas(withDraining, { percent: 100, capacity: 'spot', order: 'oldest' }, seededRandom(1));
    expect(spot.map((r) => r.id)).toEqual(['api-a-1', 'api-c-1']);
    expect(selectReplicas(fleet, { count: 2, zone: 'c', order: 'random' }, seededRandom(1)).map((r) => r.zone)).toEqual(
      ['c', 'c'],
    );
  });

  it('refuses a count larger than the selection can give, naming the filter (never clamps)', () => {
    expect(() => selectReplicas(fleet, { count: 4, zone: 'a', order: 'random' }, seededRandom(1))).toThrow(
      'select.count 4 is more than the 2 candidate(s) the selection (zone a) can give',
    );
  });

  it('rounds a percentage up and never asks for more than exist', () => {
    expect(selectionSize({ percent: 40, order: 'random' }, 6)).toBe(3);
    expect(selectionSize({ count: 6, order: 'random' }, 6)).toBe(6);
    expect(() => selectionSize({ count: 10, order: 'random' }, 6)).toThrow(/count 10 is more than the 6/);
    expect(selectionSize({ order: 'random' }, 6)).toBe(1);
    expect(selectionSize({ order: 'random' }, 0)).toBe(0);
  });
});
