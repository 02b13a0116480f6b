// Choosing the artifact to restore among many (files in a folder, objects under an S3 prefix,
// snapshots): pure functions, shared by every listing source.

import { GamedayError } from '../errors.js';
import type { ArtifactInfo, ArtifactPick } from './types.js';

/** A listed candidate: its name and the storage's modification time (epoch ms). */
export interface Candidate {
  name: string;
  location: string;
  modifiedAt: number | null;
  bytes: number | null;
}

/** Convert a glob (`*`, `?`) matched against the base name into a RegExp. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

const NAME_TIMESTAMP_RES: Array<{ re: RegExp; parse(m: RegExpExecArray): number }> = [
  // ConnectKit: toISOString() with ":" and "." replaced: 2024-05-01T12-30-00-123Z; also 12:30:00.123Z, _12-30-00
  {
    re: /(\d{4})-(\d{2})-(\d{2})[T_ ](\d{2})[-:](\d{2})[-:](\d{2})(?:[.,-](\d{1,3}))?/,
    parse: (m) => utc(m, 7),
  },
  // 20240501T123000Z, 20240501-123000, 20240501123000
  { re: /(\d{4})(\d{2})(\d{2})[T_-]?(\d{2})(\d{2})(\d{2})/, parse: (m) => utc(m, 0) },
  // epoch milliseconds or seconds
  { re: /(?<!\d)(\d{13}|\d{10})(?!\d)/, parse: (m) => Number(m[1]) * ((m[1] as string).length === 10 ? 1000 : 1) },
];

function utc(m: RegExpExecArray, msIndex: number): number {
  const n = (i: number): number => Number(m[i]);
  const ms = msIndex > 0 && m[msIndex] !== undefined ? Number((m[msIndex] as string).padEnd(3, '0')) : 0;
  return Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6), ms);
}

/** The backup time encoded in a name (`connectkit-backup-2024-05-01T12-30-00Z.sql.gz`), or null. */
export function timestampFromName(name: string): number | null {
  const base = name.slice(name.lastIndexOf('/') + 1);
  for (const { re, parse } of NAME_TIMESTAMP_RES) {
    const m = re.exec(base);
    if (!m) continue;
    const t = parse(m);
    // Why the range check: a random 10-digit run in a name is not a timestamp from this century.
    if (Number.isFinite(t) && t > Date.UTC(2000, 0, 1) && t < Date.UTC(2200, 0, 1)) return t;
  }
  return null;
}

/**
 * Pick one artifact: filter by pattern (base name), date each by modification time or name, then the
 * newest, or a random one within `withinMs` of `now`. `random` is injectable for tests.
 */
export function pickArtifact(
  candidates: readonly Candidate[],
  opts: { pattern?: string; pick: ArtifactPick; now: number; where: string; random?: () => number },
): ArtifactInfo {
  const re = opts.pattern === undefined ? null : globToRegExp(opts.pattern);
  const dated = candidates
    .filter((c) => re === null || re.test(c.name.slice(c.name.lastIndexOf('/') + 1)))
    .map((c) => ({
      c,
      at: opts.pick.timeFrom === 'name' ? timestampFromName(c.name) : c.modifiedAt,
    }))
    .filter((d): d is { c: Candidate; at: number } => d.at !== null);
  if (dated.length === 0) {
    throw new GamedayError(
      `no backup artifact${opts.pattern === undefined ? '' : ` matching ${opts.pattern}`} in ${opts.where}` +
        (opts.pick.timeFrom === 'name' ? ' with a timestamp in its name' : ''),
      { kind: 'runtime', code: 'NO_ARTIFACT', phase: 'select', hint: 'check the path/prefix and the pattern' },
    );
  }
  // Newest first; the name breaks ties so the choice is stable.
  dated.sort((a, b) => b.at - a.at || (a.c.name < b.c.name ? 1 : -1));
  let chosen = dated[0] as { c: Candidate; at: number };
  if (opts.pick.strategy === 'random') {
    const within = opts.pick.withinMs;
    const pool = within === undefined ? dated : dated.filter((d) => opts.now - d.at <= within);
    if (pool.length === 0) {
      throw new GamedayError(`no backup artifact in ${opts.where} is younger than ${within} ms`, {
        kind: 'runtime',
        code: 'NO_ARTIFACT',
        phase: 'select',
        hint: 'backups may have stopped: the newest one is older than the window',
      });
    }
    chosen = pool[Math.floor((opts.random ?? Math.random)() * pool.length)] ?? chosen;
  }
  return { name: chosen.c.name, location: chosen.c.location, createdAt: chosen.at, bytes: chosen.c.bytes };
}
