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
