// The Kubernetes fixture's restricted `gameday` user holds exactly what the shipped scenarios need: the
// union of `gameday rbac` over scenarios/**/*.yaml. Written by scripts/fixture-rbac.js; a unit test fails
// when the committed file and the scenarios disagree.

import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadScenarioWithPlaceholders } from '../../scenario/placeholders.js';
import type { Scenario } from '../../scenario/types.js';
import { kubernetesNeeds, runbookKubernetesNeeds } from './needs.js';
import { unionRbacYaml } from './rbac.js';

export const fixtureRbacFile = 'infra-fixtures/kubernetes/rbac/gameday.yaml';

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await yamlFiles(path)));
    else if (/\.ya?ml$/.test(e.name)) out.push(path);
  }
  return out.sort();
}

/** The fixture's RBAC file, from the scenarios under `root`/scenarios (unset variables as placeholders). */
export async function fixtureRbacText(root: string): Promise<string> {
  const scenarios: Scenario[] = [];
  const used: string[] = [];
  for (const file of await yamlFiles(join(root, 'scenarios'))) {
    const { scenario } = await loadScenarioWithPlaceholders(file, {});
    if (!scenario) throw new Error(`${file} does not load; run gameday validate ${file}`);
    if (kubernetesNeeds(scenario).permissions.length === 0 && runbookKubernetesNeeds(scenario).length === 0) continue;
    scenarios.push(scenario);
    used.push(relative(root, file));
  }
  return unionRbacYaml('gameday-chaos', scenarios, { kind: 'User', name: 'gameday' }, [
    'The restricted `gameday` user of the Kubernetes fixture (client cert CN=gameday, O=gameday:chaos): exactly',
    'what `gameday rbac` prints for the shipped scenarios, granted together. Generated from them by',
    '`node scripts/fixture-rbac.js` (after npm run build); do not edit by hand. Scenarios:',
    ...used.map((f) => `  ${f}`),
    'Preflight uses SelfSubjectAccessReview, which every authenticated user may create (system:basic-user).',
  ]);
}
