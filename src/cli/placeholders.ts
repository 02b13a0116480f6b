// Loading a scenario for `gameday iam` and `gameday rbac`: unset variables as placeholders
// (src/scenario/placeholders.ts), every other problem explained as for any command (exit 2).

import { loadScenarioWithPlaceholders, showPlaceholders } from '../scenario/placeholders.js';
import type { Scenario } from '../scenario/types.js';
import type { CliIo } from './io.js';
import { loadOrExplain } from './scenarios.js';

export { showPlaceholders };

/** Load `file` with placeholders for unset variables; on any other problem, explain it and throw (exit 2). */
export async function loadWithPlaceholders(
  file: string,
  io: CliIo,
): Promise<{ scenario: Scenario; placeholders: Map<string, string> }> {
  const loaded = await loadScenarioWithPlaceholders(file);
  if (loaded.scenario && loaded.placeholders.size > 0) {
    return { scenario: loaded.scenario, placeholders: loaded.placeholders };
  }
  // Valid as it is (its warnings printed), or invalid: loadOrExplain prints the diagnostics (and throws).
  const [scenario] = await loadOrExplain([file], io);
  return { scenario: scenario as Scenario, placeholders: new Map() };
}
