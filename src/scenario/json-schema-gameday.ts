// JSON Schema of game day files for editors (schema/gameday.schema.json), generated from the zod schema.

import { z } from 'zod';
import { GameDaySchema } from './schema-gameday-doc.js';

export const GAMEDAY_SCHEMA_ID = 'urn:gameday:schema:gameday:v1';

/** The game day JSON Schema (draft 2020-12), describing the input as authors write it. */
export function gameDayJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(GameDaySchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: GAMEDAY_SCHEMA_ID, title: 'gameday game day', ...rest };
}

/** The exact text of schema/gameday.schema.json. */
export function gameDayJsonSchemaText(): string {
  return `${JSON.stringify(gameDayJsonSchema(), null, 2)}\n`;
}
