import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gateFiles } from './discover.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-gate-discover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gate: what it runs', () => {
  it('runs the bundled sandbox folder as CI does: its .yaml files in name order', () => {
    expect(gateFiles(['scenarios/sandbox'])).toEqual(
      [
        'backup-restore',
        'db-failover',
        'failback',
        'pod-kill-k6', // '-' sorts before '.'
        'pod-kill',
        'region-failover',
        'spot-interruption',
        'zone-outage',
      ].map((n) => join('scenarios/sandbox', `${n}.yaml`)),
    );
  });

  it('keeps files in the order given, expands folders where they stand, and skips what is not YAML', () => {
    const folder = join(dir, 'mixed');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    for (const f of ['b.yml', 'a.yaml', 'notes.md', 'nested/c.yaml']) writeFileSync(join(folder, f), 'x: 1\n');
    const single = join(dir, 'single.yaml');
    writeFileSync(single, 'x: 1\n');
    expect(gateFiles([single, folder])).toEqual([single, join(folder, 'a.yaml'), join(folder, 'b.yml')]);
  });

  it('refuses a path that does not exist and a folder without scenarios (invalid input)', () => {
    expect(() => gateFiles([join(dir, 'missing')])).toThrow(
      expect.objectContaining({ kind: 'invalid-input', code: 'NOT_FOUND' }),
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => gateFiles([empty])).toThrow(expect.objectContaining({ kind: 'invalid-input', code: 'NO_SCENARIOS' }));
  });
});
