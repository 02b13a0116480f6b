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
  it('runs on the Node the test runs on, which is the project Node (>= 22.19)', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    expect(major > 22 || (major === 22 && minor >= 19), process.version).toBe(true);
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
      `gameday: node ${process.version} (${process.execPath}) --max-semi-space-size=16 --heap-growing-percent=30\n`,
    );
    // … and V8's memory saver for when the process grows large (src/util/memory-saver.ts).
    expect(r.stderr).toContain('gameday: memory saver on above 192 MB RSS, off below 160 MB');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses an older Node with a clear message and exit code 2', () => {
    const node = systemNode();
    const [major = 0, minor = 0] = node.version.replace(/^v/, '').split('.').map(Number);
    expect(major < 22 || (major === 22 && minor < 19), `${SYSTEM_NODE} is ${node.version}, not older than 22.19`).toBe(
      true,
    );
    const r = spawnSync(node.path, [BIN, 'demo'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`gameday needs Node >= 22.19, found ${node.version.replace(/^v/, '')}`);
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

  it('its minimum is one every runtime dependency supports (undici 8 needs 22.19: 22.12 crashed in it)', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
      engines: { node: string };
      dependencies: Record<string, string>;
    };
    const minimum = pkg.engines.node.replace(/^>=/, '');
    const refused: string[] = [];
    for (const name of Object.keys(pkg.dependencies)) {
      const dep = JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as {
        engines?: { node?: string };
      };
      const range = dep.engines?.node;
      if (range && !satisfies(minimum, range)) refused.push(`${name} (engines.node ${range})`);
    }
    expect(refused, `Node ${minimum} is below what these need`).toEqual([]);
    // The check itself: the ranges dependencies use.
    expect(satisfies('22.19.0', '>=22.19.0')).toBe(true);
    expect(satisfies('22.12.0', '>=22.19.0')).toBe(false);
    expect(satisfies('22.19', '^20.19.0 || ^22.13.0 || >=24')).toBe(true);
    expect(satisfies('23.1.0', '^22.12.0 || ^24.0.0 || >=26.0.0')).toBe(false);
    expect(satisfies('22.19', '>= 16.0.0')).toBe(true);
    expect(satisfies('22.19', '>=18 <22')).toBe(false);
  });
});

/** Whether `version` satisfies an engines range of the forms npm packages use (||, ^, >=, >, <=, <, =). */
function satisfies(version: string, range: string): boolean {
  const parse = (v: string): number[] => {
    const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map(Number);
    return [a, b, c];
  };
  const cmp = (a: number[], b: number[]): number => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const v = parse(version);
  return range.split('||').some((alternative) => {
    const parts = alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return parts.every((part) => {
      const m = /^(>=|<=|>|<|=|\^)?(.+)$/.exec(part);
      const op = m?.[1] ?? '=';
      const w = parse(m?.[2] ?? '0');
      const c = cmp(v, w);
      if (op === '^') return c >= 0 && v[0] === w[0];
      if (op === '>=') return c >= 0;
      if (op === '>') return c > 0;
      if (op === '<=') return c <= 0;
      if (op === '<') return c < 0;
      return c === 0;
    });
  });
}
