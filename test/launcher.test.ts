// The launcher on an old Node: one clear line and exit code 2, not a syntax error from a dependency.
// These machines keep Node 20 as /usr/bin/node; the project itself runs on the Node 24 from npm.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers/cli.js';

const SYSTEM_NODE = '/usr/bin/node';

function systemNode(): { path: string; version: string } {
  if (!existsSync(SYSTEM_NODE)) {
    throw new Error(`this test needs an old system Node at ${SYSTEM_NODE} (apt-get install -y nodejs)`);
  }
  const version = spawnSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { path: SYSTEM_NODE, version };
}

describe('bin/gameday.js', () => {
  it('runs on the Node the test runs on, which is the project Node (>= 22.12)', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    expect(major > 22 || (major === 22 && minor >= 12), process.version).toBe(true);
    const r = spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('started directly, its shebang runs the Node first on PATH with the young-generation cap (env -S)', () => {
    // As npx and an installed image start it: through the shebang, not as an argument of node.
    const path = `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`;
    const r = spawnSync(BIN, ['--version'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: path, GAMEDAY_DEBUG: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `gameday: node ${process.version} (${process.execPath}) --max-semi-space-size=16 --heap-growing-percent=30`,
    );
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses an older Node with a clear message and exit code 2', () => {
    const node = systemNode();
    const [major = 0, minor = 0] = node.version.replace(/^v/, '').split('.').map(Number);
    expect(major < 22 || (major === 22 && minor < 12), `${SYSTEM_NODE} is ${node.version}, not older than 22.12`).toBe(
      true,
    );
    const r = spawnSync(node.path, [BIN, 'demo'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`gameday needs Node >= 22.12, found ${node.version.replace(/^v/, '')}`);
    expect(r.stderr).toMatch(/run it through npx or npm scripts/);
    expect(r.stderr).not.toMatch(/SyntaxError|^\s+at /m);
  });

  it('checks the same minimum as package.json engines.node', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { engines: { node: string } };
    const launcher = readFileSync(BIN, 'utf8');
    const minimum = /const MINIMUM = \[(\d+), (\d+)\];/.exec(launcher);
    expect(minimum, 'the launcher declares MINIMUM').not.toBeNull();
    expect(pkg.engines.node).toBe(`>=${minimum?.[1]}.${minimum?.[2]}`);
  });
});
