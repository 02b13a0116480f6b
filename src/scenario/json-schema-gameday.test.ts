import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GAMEDAY_SCHEMA_ID, gameDayJsonSchema, gameDayJsonSchemaText } from './json-schema-gameday.js';
import { isGameDayText } from './kind.js';

const committed = resolve(fileURLToPath(import.meta.url), '../../../schema/gameday.schema.json');
const scenarios = resolve(fileURLToPath(import.meta.url), '../../../scenarios');

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

  it('accepts every bundled game day and refuses an item that is neither a scenario, a drill nor a checkpoint', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(gameDayJsonSchema());
    const files = readdirSync(scenarios, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(join(scenarios, f), 'utf8'))
      .filter(isGameDayText);
    expect(files.length).toBeGreaterThan(0);
    for (const text of files) expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    const bad = parse(files[0] ?? '') as { items: unknown[] };
    bad.items.push({ wait: { for: 'api' } });
    expect(validate(bad)).toBe(false);
  });
});
