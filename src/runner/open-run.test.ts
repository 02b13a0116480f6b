import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGamedayError } from '../errors.js';
import type { Scenario } from '../scenario/types.js';
import { openRun } from './open-run.js';

const scratch = mkdtempSync(join(tmpdir(), 'gameday-open-run-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('openRun', () => {
  it('refuses a report directory it cannot make as invalid input (exit 2), naming it, with a hint', () => {
    // A regular file where a directory must go fails for root too (a read-only root filesystem or a
    // directory without write permission fails the same way: mkdir refuses).
    const file = join(scratch, 'not-a-dir');
    writeFileSync(file, '');
    const reportDir = join(file, 'reports');
    let thrown: unknown;
    try {
      openRun({ name: 'x' } as Scenario, { reportDir }, 'run');
    } catch (error) {
      thrown = error;
    }
    expect(isGamedayError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'REPORT_DIR', kind: 'invalid-input' });
    expect((thrown as Error).message).toContain(`cannot create the run directory ${join(reportDir, 'x')}/`);
    expect((thrown as { hint: string }).hint).toContain('--report-dir');
  });
});
