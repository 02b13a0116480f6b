// Every test tier runs in a temp dir of its own (TMPDIR for the tests, the CLI and the fixtures they
// start), and fails when it leaves anything gameday made there: temp dirs, state dirs, lock files.
// A test creates what it needs and removes it; a leftover here is a leak a user would see in /tmp too.

import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/** gameday-* entries of `dir`, and lock files inside the per-user lock dirs (which may stay, empty). */
export function gamedayLeftovers(dir: string): string[] {
  const out: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (!name.startsWith('gameday-')) continue;
    const locks =
      name === 'gameday-locks' ? join(dir, name) : /^gameday-\d+$/.test(name) ? join(dir, name, 'locks') : null;
    if (locks === null) out.push(name);
    else if (existsSync(locks)) out.push(...readdirSync(locks).map((f) => `${name}/${f}`));
  }
  return out.sort();
}

/**
 * Mark the tier's JSON report (written before this teardown) as failed with the leftovers, so the
 * CI summary (scripts/test-summary.js) names them next to the tier's counts.
 */
function markReport(project: TestProject, left: string[]): void {
  const out = project.config.outputFile;
  const file = typeof out === 'string' ? out : out?.['json'];
  if (!file || !existsSync(resolve(project.config.root, file))) return;
  const path = resolve(project.config.root, file);
  const report = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...report, success: false, leftovers: left }));
}

export default function setup(project: TestProject): () => Promise<void> {
  const parent = tmpdir();
  const dir = mkdtempSync(join(parent, 'gameday-tier-'));
  // PostgreSQL runs as `postgres` (when root) and must traverse it to reach data dirs below it.
  chmodSync(dir, 0o711);
  process.env['TMPDIR'] = dir;
  return async () => {
    // Fixtures stopped in afterAll may still be removing their state (owner watchdogs look once a second).
    let left = gamedayLeftovers(dir);
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      left = gamedayLeftovers(dir);
    }
    process.env['TMPDIR'] = parent;
    if (left.length > 0) {
      markReport(project, left);
      throw new Error(
        `the tests left ${left.length} temp dir(s) or lock file(s) behind in ${dir} (kept for a look):\n  ${left.join('\n  ')}`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
