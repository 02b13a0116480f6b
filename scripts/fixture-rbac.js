// Writes infra-fixtures/kubernetes/rbac/gameday.yaml: the RBAC of the Kubernetes fixture's restricted
// `gameday` user, generated from the shipped scenarios (the union of what `gameday rbac` prints for each).
// Run after `npm run build`: node scripts/fixture-rbac.js. A unit test (src/faults/kubernetes/rbac.test.ts)
// fails when the file and the scenarios disagree.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureRbacFile, fixtureRbacText } from '../dist/faults/kubernetes/fixture-rbac.js';

const root = join(fileURLToPath(new URL('..', import.meta.url)));
const target = join(root, fixtureRbacFile);
await writeFile(target, await fixtureRbacText(root));
console.log(`wrote ${target}`);
