// Pure replica selection: which replicas a fault acts on, given the live inventory.

import { GamedayError } from '../errors.js';
import type { ReplicaSelection } from '../scenario/types.js';

/** The part of a replica that selection looks at. */
export interface Selectable {
  id: string;
  zone: string;
  capacity: string;
  state: string;
  startedAt: number;
}

/** A small seeded PRNG (mulberry32), so a plan's random choices can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seed from a string (the run id), FNV-1a. */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * How many of `total` candidates a selection asks for (count, percent rounded up, default 1; perZone is per zone). A count
 * larger than the candidates is an error, never clamped: a plan that silently did less than the scenario
 * says would measure another experiment.
 */
export function selectionSize(select: ReplicaSelection, total: number): number {
  if (select.count !== undefined) {
    if (select.count > total) {
      const where = [select.zone && `zone ${select.zone}`, select.capacity && `capacity ${select.capacity}`]
        .filter(Boolean)
        .join(', ');
      throw new GamedayError(
        `select.count ${select.count} is more than the ${total} candidate(s) the selection${where ? ` (${where})` : ''} can give`,
        {
          kind: 'invalid-input',
          code: 'SELECTION_TOO_SMALL',
          hint: `select at most ${total}, use a percent, or widen the selection`,
        },
      );
    }
    return select.count;
  }
  if (select.percent !== undefined) return Math.min(total, Math.ceil((select.percent / 100) * total));
  return Math.min(1, total);
}

/** Choose replicas: filter by zone and capacity among running ones, then random or oldest first; with
 * `perZone`, that many from every zone (zones in name order, each chosen as a selection of its own). */
export function selectReplicas<R extends Selectable>(
  replicas: readonly R[],
  select: ReplicaSelection,
  rng: () => number,
): R[] {
  if (select.perZone === undefined) return selectFrom(replicas, select, rng);
  const zones = [...new Set(replicas.map((r) => r.zone))].filter((z) => select.zone === undefined || z === select.zone);
  const { perZone, ...one } = select;
  return zones.sort().flatMap((zone) => selectFrom(replicas, { ...one, zone, count: perZone }, rng));
}

function selectFrom<R extends Selectable>(replicas: readonly R[], select: ReplicaSelection, rng: () => number): R[] {
  const candidates = replicas.filter(
    (r) =>
      (r.state === 'ready' || r.state === 'starting') &&
      (select.zone === undefined || r.zone === select.zone) &&
      (select.capacity === undefined || r.capacity === select.capacity),
  );
  const n = selectionSize(select, candidates.length);
  if (select.order === 'oldest') {
    return [...candidates].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id)).slice(0, n);
  }
  // Fisher–Yates on a copy, driven by the seeded generator.
  const pool = [...candidates].sort((a, b) => a.id.localeCompare(b.id));
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as R, pool[i] as R];
  }
  return pool.slice(0, n);
}
