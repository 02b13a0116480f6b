// A fault runtime for AWS tests: a real journal in a temp dir, the system clock, a log that collects lines.

import * as path from 'node:path';
import { onTestFinished } from 'vitest';
import type { AwsDriver } from '../../src/drivers/aws/index.js';
import type { AwsFaultRuntime } from '../../src/faults/aws/types.js';
import { Journal } from '../../src/runner/journal.js';
import { systemClock } from '../../src/util/clock.js';
import { testTempDir } from '../helpers/tmp.js';

export interface TestRuntime extends AwsFaultRuntime {
  lines: string[];
  journalPath: string;
}

/** A runtime with a fresh journal (closed and removed when the test finishes); unique run id per call. */
export function testRuntime(
  aws: AwsDriver,
  opts: { step?: string; signal?: AbortSignal; preview?: boolean } = {},
): TestRuntime {
  const journalPath = path.join(testTempDir('aws-test'), 'journal.ndjson');
  const journal = new Journal(journalPath);
  // Registered after the dir's removal, so it runs first (vitest runs these hooks last-in first-out).
  onTestFinished(() => journal.close());
  const lines: string[] = [];
  return {
    step: opts.step ?? 'fault-1',
    runId: `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    journal,
    clock: systemClock,
    signal: opts.signal ?? new AbortController().signal,
    aws,
    ...(opts.preview ? { preview: true } : {}),
    log: (m) => lines.push(m),
    lines,
    journalPath,
  };
}

export { FAST_FIS } from './fis-options.js';
