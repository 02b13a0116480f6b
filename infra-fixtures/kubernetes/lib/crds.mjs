// The CustomResourceDefinitions the fixture installs (infra-fixtures/kubernetes/crds/*.yaml): applied as the
// admin, then waited for until the API server serves them (condition Established), so a test's first
// create of such an object never races the CRD's registration.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifests } from './kube.mjs';
import { waitFor } from './util.mjs';

export const CRD_DIR = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'crds');

/** Apply every CRD of CRD_DIR and wait until each is Established; answers their names. */
export async function applyCrds(admin, check) {
  const files = fs
    .readdirSync(CRD_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const crds = files.flatMap((f) => readManifests(path.join(CRD_DIR, f)));
  await Promise.all(crds.map((o) => admin.apply(o)));
  for (const crd of crds) {
    const name = crd.metadata.name;
    await waitFor(
      `CustomResourceDefinition ${name} Established`,
      async () => {
        const got = await admin.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        return (got.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
      },
      { timeoutMs: 30_000, intervalMs: 100, check },
    );
  }
  return crds.map((o) => o.metadata.name);
}
