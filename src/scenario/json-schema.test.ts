import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runbookActionNames } from '../runbook/registry.js';
import { SCENARIO_SCHEMA_ID, scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';
import { RunbookStepSpec } from './schema.js';

const committed = resolve(fileURLToPath(import.meta.url), '../../../schema/scenario.schema.json');

describe('scenario JSON Schema', () => {
  it('matches the committed schema/scenario.schema.json', () => {
    const onDisk = readFileSync(committed, 'utf8');
    const fresh = scenarioJsonSchemaText();
    if (onDisk !== fresh) expect.fail('schema/scenario.schema.json is stale: run npm run schema');
  });

  it('describes the input, with an id and a title', () => {
    const schema = scenarioJsonSchema();
    expect(schema.$id).toBe(SCENARIO_SCHEMA_ID);
    expect(schema.title).toBe('gameday scenario');
    // steps are required unless the scenario is a drill (a semantic rule, not a schema one).
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'targets']);
  });

  it('names every registered runbook action in the runbook action description', () => {
    const description = RunbookStepSpec.shape.action.meta()?.description ?? '';
    for (const name of runbookActionNames()) expect(description).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
