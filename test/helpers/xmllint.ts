// Validating XML against an XML Schema with a real validator: xmllint from libxml2 (Debian package
// libxml2-utils, installed by .ci/run). A missing xmllint fails the test with the install command.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const JUNIT_XSD = join(ROOT, 'test/fixtures/junit/junit.xsd');

/** Validate XML text against a schema; `ok` and xmllint's messages. */
export function validateXml(xml: string, schema = JUNIT_XSD): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-xsd-'));
  try {
    const file = join(dir, 'doc.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
    if (r.error)
      throw new Error(`xmllint is needed to validate JUnit XML: apt-get install -y libxml2-utils (${r.error.message})`);
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.replaceAll(file, 'doc.xml') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
