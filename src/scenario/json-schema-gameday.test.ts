import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GAMEDAY_SCHEMA_ID, gameDayJsonSchema, gameDayJsonSchemaText } from './json-schema-gameday.js';

const committed = resolve(fileURLToPath(import.meta.url), '../../../schema/gameday.schema.json');

describe('game day JSON Schema', () => {
  it('matches the committed schema/gameday.schema.json', () => {
    if (readFileSync(committed, 'utf8') !== gameDayJsonSchemaText())
      expect.fail('schema/gameday.schema.json is stale: run npm run schema');
  });

  it('describes the input, with an id, a title and the required keys', () => {
    const schema = gameDayJsonSchema();
    expect(schema.$id).toBe(GAMEDAY_SCHEMA_ID);
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'items']);
  });
});
