import { describe, expect, it } from 'vitest';
import { globToRegExp, pickArtifact, timestampFromName, type Candidate } from './select.js';

const at = (iso: string): number => Date.parse(iso);

describe('timestampFromName', () => {
  it('reads ConnectKit backup names (toISOString with ":" and "." replaced)', () => {
    expect(timestampFromName('backups/connectkit-backup-2024-05-01T12-30-00-123Z.sql.gz')).toBe(
      at('2024-05-01T12:30:00.123Z'),
    );
  });
  it('reads compact and epoch timestamps', () => {
    expect(timestampFromName('db-20240501T123000Z.dump')).toBe(at('2024-05-01T12:30:00Z'));
    expect(timestampFromName('db-1714566600.dump')).toBe(at('2024-05-01T12:30:00Z'));
  });
  it('returns null for names without a timestamp', () => {
    expect(timestampFromName('latest.dump')).toBeNull();
    expect(timestampFromName('db-1234567890123456.dump')).toBeNull();
  });
});

describe('pickArtifact', () => {
  const files: Candidate[] = [
    {
      name: 'p/connectkit-backup-2024-05-01T00-00-00-000Z.sql.gz',
      location: 'a',
      modifiedAt: at('2024-05-03T00:00:00Z'),
      bytes: 1,
    },
    {
      name: 'p/connectkit-backup-2024-05-02T00-00-00-000Z.sql.gz',
      location: 'b',
      modifiedAt: at('2024-05-02T00:00:00Z'),
      bytes: 2,
    },
    { name: 'p/notes.txt', location: 'c', modifiedAt: at('2024-05-09T00:00:00Z'), bytes: 3 },
  ];
  const now = at('2024-05-02T06:00:00Z');

  it('takes the newest matching artifact by modification time or by name', () => {
    const pattern = 'connectkit-backup-*.sql.gz';
    expect(
      pickArtifact(files, { pattern, pick: { strategy: 'newest', timeFrom: 'modified' }, now, where: 'x' }).location,
    ).toBe('a');
    expect(
      pickArtifact(files, { pattern, pick: { strategy: 'newest', timeFrom: 'name' }, now, where: 'x' }).location,
    ).toBe('b');
  });

  it('picks randomly only within the window', () => {
    const pick = { strategy: 'random', timeFrom: 'name', withinMs: 12 * 3600_000 } as const;
    expect(pickArtifact(files, { pick, now, where: 'x', random: () => 0.99 }).location).toBe('b');
  });

  it('says what is missing when nothing matches', () => {
    expect(() =>
      pickArtifact(files, {
        pattern: '*.dump',
        pick: { strategy: 'newest', timeFrom: 'modified' },
        now,
        where: 's3://b/p',
      }),
    ).toThrow('no backup artifact matching *.dump in s3://b/p');
  });

  it('globs match whole base names', () => {
    expect(globToRegExp('a*.sql.gz').test('abc.sql.gz')).toBe(true);
    expect(globToRegExp('a*.sql.gz').test('abc.sql.gz.tmp')).toBe(false);
  });
});
