// Temp dirs that a test owns: created under TMPDIR and removed when the test finishes, passed or failed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A new gameday-<label>-* dir, removed when the current test finishes (call it inside a test). */
export function testTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gameday-${label}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
