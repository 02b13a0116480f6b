// JSON Schema for editors (yaml-language-server, VS Code), generated from the zod schema.

import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

export const SCENARIO_SCHEMA_ID = 'urn:gameday:schema:scenario:v1';

/** The scenario JSON Schema (draft 2020-12), describing the input as authors write it. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ScenarioSchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: SCENARIO_SCHEMA_ID, title: 'gameday scenario', ...rest };
}

/** The exact text of schema/scenario.schema.json: 2-space JSON and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
