import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launcherNodeFlags } from './launcher-flags.js';

describe('the launcher flags the benches run gameday with', () => {
  it('are the flags on the shebang of bin/gameday.js', () => {
    expect(launcherNodeFlags()).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=30']);
    expect(launcherNodeFlags('#!/usr/bin/env node\n')).toEqual([]);
    expect(launcherNodeFlags('#!/usr/bin/env -S node --a=1 --b\n// x')).toEqual(['--a=1', '--b']);
  });

  it('refuse a launcher whose first line is not a node shebang', () => {
    expect(() => launcherNodeFlags('// no shebang\n')).toThrow(/unexpected first line/);
  });
});

describe('npm run bench', () => {
  const run = (...args) =>
    spawnSync(process.execPath, [fileURLToPath(new URL('./run.js', import.meta.url)), ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('runs its in-process benches with the launcher flags, when started without them', () => {
    const r = run('--list', 'scheduler', 'load');
    expect(r.status, r.stderr).toBe(0);
    const [first, second] = r.stdout.split('\n');
    expect(first).toContain(`${launcherNodeFlags().join(' ')} (bin/gameday.js's flags), with its memory saver`);
    expect(second).toBe('benchmarks: scheduler, load');
  });

  it('refuses a benchmark name it does not know, naming the ones it does', () => {
    const r = run('schedular');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bench\/run\.js: no benchmark named schedular; names: rto, .*scheduler/);
    expect(r.stdout).toBe('');
  });
});
