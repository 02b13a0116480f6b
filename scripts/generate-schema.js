// Writes schema/scenario.schema.json and schema/gameday.schema.json from the compiled zod schema and
// schema/report.schema.json from the report types. Run through `npm run schema`, which builds dist/ first.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../dist/scenario/json-schema.js';
import { reportJsonSchemaText } from './report-schema.js';
import { gameDayJsonSchemaText } from '../dist/scenario/json-schema-gameday.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'schema', 'scenario.schema.json');
await mkdir(dirname(target), { recursive: true });
await writeFile(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);

const reportTarget = join(root, 'schema', 'report.schema.json');
await writeFile(reportTarget, reportJsonSchemaText());
console.log(`wrote ${reportTarget}`);
const gameday = join(root, 'schema', 'gameday.schema.json');
await writeFile(gameday, gameDayJsonSchemaText());
console.log(`wrote ${gameday}`);
