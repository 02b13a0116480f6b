// Reading the supervisor's ground truth (stateDir/events.ndjson).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GroundTruthEvent } from './types.js';

/** Every event the supervisor logged so far, in order; a half-written last line is ignored. */
export function readGroundTruth(stateDir: string): GroundTruthEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(stateDir, 'events.ndjson'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const events: GroundTruthEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as GroundTruthEvent;
      if (typeof value.at === 'number' && typeof value.event === 'string') events.push(value);
    } catch {
      // The supervisor may be writing this line right now.
    }
  }
  return events;
}
