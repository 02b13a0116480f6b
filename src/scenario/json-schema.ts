// JSON Schema for editors (yaml-language-server, VS Code), generated from the zod schema.

import { z } from 'zod';
import { describeSchema, tightenSchema } from './json-schema-strict.js';
import { ScenarioSchema } from './schema.js';

export const SCENARIO_SCHEMA_ID = 'urn:gameday:schema:scenario:v1';

/** The scenario JSON Schema (draft 2020-12), describing the input as authors write it, as strict as the CLI's single-place rules. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ScenarioSchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const schema = { $schema, $id: SCENARIO_SCHEMA_ID, title: 'gameday scenario', ...rest };
  tightenSchema(schema);
  describeSchema(schema);
  return schema;
}

/** The exact text of schema/scenario.schema.json: 2-space JSON and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
