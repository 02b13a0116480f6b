// The crash-test seam: GAMEDAY_FAILPOINT=kill-after-applied:<n> SIGKILLs the process right after the
// n-th applied entry is on disk, and does nothing when unset. Shown on a real child process.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killAfterApplied } from './failpoint.js';
import { readJournal } from './journal.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A child that journals three mutations (intent, applied) and exits 0, unless the failpoint kills it. */
function journalThree(failpoint: string | undefined): { status: number | null; signal: string | null; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-failpoint-'));
  dirs.push(dir);
  const path = join(dir, 'journal.ndjson');
  const code = `
    import { Journal } from ${JSON.stringify(join(root, 'src/runner/journal.ts'))};
    const j = new Journal(${JSON.stringify(path)});
    for (let i = 1; i <= 3; i++) {
      const id = await j.intent('s', 'mutation ' + i, 't', { driver: 'd', op: 'undo', args: {} });
      j.applied(id);
    }
    j.close();`;
  const env = { ...process.env };
  delete env['GAMEDAY_FAILPOINT'];
  if (failpoint !== undefined) env['GAMEDAY_FAILPOINT'] = failpoint;
  const child = join(dir, 'child.ts');
  writeFileSync(child, code);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/.bin/vite-node'), child], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  return { status: r.status, signal: r.signal, path };
}

describe('GAMEDAY_FAILPOINT', () => {
  it('kill-after-applied:2 dies by SIGKILL with exactly two applied entries and the third intent never written', () => {
    const r = journalThree('kill-after-applied:2');
    expect(r.signal).toBe('SIGKILL');
    const entries = readJournal(r.path);
    expect(entries.map((e) => e.type)).toEqual(['intent', 'applied', 'intent', 'applied']);
  }, 60_000);

  it('is inert when unset', () => {
    const r = journalThree(undefined);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(readJournal(r.path).filter((e) => e.type === 'applied')).toHaveLength(3);
  }, 60_000);

  it('refuses a value it does not know instead of silently not killing', () => {
    expect(killAfterApplied({})).toBeNull();
    expect(killAfterApplied({ GAMEDAY_FAILPOINT: 'kill-after-applied:3' })).toBe(3);
    expect(() => killAfterApplied({ GAMEDAY_FAILPOINT: 'kill-after-applied:0' })).toThrow(/not a failpoint/);
    expect(() => killAfterApplied({ GAMEDAY_FAILPOINT: 'kill-after-intent:1' })).toThrow(
      expect.objectContaining({ code: 'FAILPOINT', hint: expect.stringContaining('kill-after-applied:<n>') }),
    );
  });
});
