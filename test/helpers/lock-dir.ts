// Every test file gets its own target-lock directory (GAMEDAY_LOCK_DIR, inherited by the CLIs it spawns),
// removed after the file: runs in parallel files never see each other's locks, and a lock a test leaves
// on purpose (a killed run, an incomplete rollback) goes away with it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gameday-test-locks-'));
process.env['GAMEDAY_LOCK_DIR'] = dir;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
