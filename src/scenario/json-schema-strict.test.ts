// The JSON Schema editors use is as strict as `gameday validate` for every rule that one place of the
// document decides: each case here is rejected by the CLI's loader AND by a real JSON Schema validator
// (ajv, draft 2020-12) reading the generated schema; every bundled scenario passes both.

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from './json-schema.js';
import { undescribedFields } from './json-schema-strict.js';
import { isGameDayText } from './kind.js';
import { loadScenarioText } from './load.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(scenarioJsonSchema());

const BASE = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: strict }
targets: { sandbox: {} }
probes:
  api: { http: { url: "http://127.0.0.1:1/health" }, interval: 100ms }
load:
  builtin: { url: "http://127.0.0.1:1/", rate: 10/s, duration: 5s }
steps:
  - fault: pod-kill
    select: { count: 1 }
objectives:
  availability: { probe: api, min: 99% }
`;

/** BASE with one line replaced (`from` must occur in it). */
function variant(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`not in BASE: ${from}`);
  return BASE.replace(from, to);
}

const CASES: Array<{ name: string; text: string; code: string }> = [
  { name: 'count with percent', text: variant('{ count: 1 }', '{ count: 1, percent: 50% }'), code: 'conflicting-keys' },
  {
    name: 'a probe with no kind',
    text: variant('{ http: { url: "http://127.0.0.1:1/health" }, interval: 100ms }', '{ interval: 100ms }'),
    code: 'missing-probe-kind',
  },
  {
    name: 'a probe with two kinds',
    text: variant('interval: 100ms }', 'tcp: { host: localhost, port: 1 }, interval: 100ms }'),
    code: 'multiple-probe-kinds',
  },
  { name: 'rate without duration', text: variant('rate: 10/s, duration: 5s }', 'rate: 10/s }'), code: 'missing-key' },
  { name: 'duration without rate', text: variant('rate: 10/s, duration: 5s }', 'duration: 5s }'), code: 'missing-key' },
  {
    name: 'rate with stages',
    text: variant('rate: 10/s, duration: 5s }', 'rate: 10/s, duration: 5s, stages: [{ rate: 5/s, duration: 1s }] }'),
    code: 'conflicting-keys',
  },
  { name: 'neither rate nor stages', text: variant(', rate: 10/s, duration: 5s }', ' }'), code: 'missing-key' },
  { name: 'an interval under 50ms (ms)', text: variant('interval: 100ms', 'interval: 20ms'), code: 'out-of-range' },
  { name: 'an interval under 50ms (s)', text: variant('interval: 100ms', 'interval: 0.01s'), code: 'out-of-range' },
  { name: 'a percentage over 100%', text: variant('min: 99%', 'min: 100.5%'), code: 'out-of-range' },
  { name: 'select percent of 0%', text: variant('{ count: 1 }', '{ percent: 0% }'), code: 'out-of-range' },
  {
    name: 'a drill with two sources',
    text: BASE.replace(/steps:\n.*\n.*\n/, 'drill: { source: { sandbox: {}, file: { path: /tmp/x.dump } } }\n'),
    code: 'drill-source',
  },
  {
    name: 'a drill validation of two kinds',
    text: BASE.replace(
      /steps:\n.*\n.*\n/,
      'drill:\n  source: { sandbox: {} }\n  validations: [{ rowCounts: { tables: [a] }, checksum: { tables: [a] } }]\n',
    ),
    code: 'drill-validation',
  },
  { name: 'neither steps nor drill', text: BASE.replace(/steps:\n.*\n.*\n/, ''), code: 'missing-key' },
  {
    name: 'an action with neither http nor command',
    text: variant('{ count: 1 }\n', '{ count: 1 }\n  - action: { undo: { command: { run: "true" } } }\n'),
    code: 'missing-key',
  },
  {
    name: 'an action with both http and command',
    text: variant(
      '{ count: 1 }\n',
      '{ count: 1 }\n  - action: { http: { url: "http://127.0.0.1:1/" }, command: { run: x }, undo: { command: { run: "true" } } }\n',
    ),
    code: 'conflicting-keys',
  },
];

const data = (text: string): unknown => parse(text) as unknown;

describe('the JSON Schema is as strict as the CLI', () => {
  it('accepts the base scenario, like the CLI', () => {
    expect(loadScenarioText(BASE, 'base.yaml', { env: {} }).diagnostics).toEqual([]);
    expect(validate(data(BASE)), JSON.stringify(validate.errors)).toBe(true);
  });

  for (const c of CASES) {
    it(`rejects ${c.name}`, () => {
      const cli = loadScenarioText(c.text, 'case.yaml', { env: {} }).diagnostics.filter((d) => d.severity === 'error');
      expect(cli.map((d) => d.code)).toContain(c.code);
      expect(validate(data(c.text))).toBe(false);
    });
  }

  it('accepts every bundled scenario the CLI accepts', () => {
    const root = resolve(fileURLToPath(import.meta.url), '../../../scenarios');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      if (isGameDayText(text)) continue; // schema/gameday.schema.json's, checked in json-schema-gameday.test.ts
      expect(validate(data(text)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('describes every field', () => {
    expect(undescribedFields(scenarioJsonSchema())).toEqual([]);
  });
});
