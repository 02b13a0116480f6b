// schema/report.schema.json, generated from the report types (src/report/types*.ts, their single
// source) with ts-json-schema-generator: the TypeScript interfaces and their doc comments become the
// JSON Schema. `npm run schema` writes it; src/report/schema.test.ts fails when the file is stale.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Must equal REPORT_SCHEMA_ID in src/report/json.ts (a test checks it). */
export const REPORT_SCHEMA_ID = 'urn:gameday:schema:report:v1';

/** The report JSON Schema (draft-07) as an object. */
export function reportJsonSchema() {
  const generator = createGenerator({
    path: join(root, 'src', 'report', 'types.ts'),
    type: 'Report',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    skipTypeCheck: true,
    additionalProperties: false,
  });
  const { $schema, ...rest } = generator.createSchema('Report');
  return { $schema, $id: REPORT_SCHEMA_ID, title: 'gameday report.json', ...rest };
}

/** The exact text of schema/report.schema.json. */
export function reportJsonSchemaText() {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
