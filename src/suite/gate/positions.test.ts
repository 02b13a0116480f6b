// Annotations point at the line where an objective, a step or a regressed metric was written.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../test/helpers/cli.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { githubEscape } from './discover.js';
import { objectivePosition } from './positions.js';

const lineOf = (file: string, line: number): string => readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';

describe('objective positions', () => {
  it('finds each objective of a scenario by its report name', async () => {
    const file = join(ROOT, 'scenarios/sandbox/db-failover.yaml');
    const { scenario } = await loadScenarioFile(file);
    const at = (name: string) => {
      const p = objectivePosition(file, name, scenario);
      return lineOf(file, p.line).slice(p.col - 1);
    };
    expect(at('rto')).toMatch(/^rto: \{ probe: db/);
    expect(at('rpo')).toMatch(/^rpo: \{ max: 5s/);
    expect(at('availability(contacts, after)')).toMatch(/^\{ probe: contacts, window: after/);
    expect(at('availability(api, during)')).toMatch(/^\{ probe: api, window: during/);
    expect(at('latency p95(api, run)')).toMatch(/^p95: 250ms/);
    expect(at('regression rto')).toMatch(/^rto:/);
    expect(at(`step ${scenario?.steps[1]?.name}`)).toMatch(/^- wait:|^wait:/);
    expect(at('run')).toMatch(/^name: sandbox-db-failover|^sandbox-db-failover/);
  });

  it('escapes GitHub workflow command values', () => {
    expect(githubEscape('a: b, 100%\nnext', true)).toBe('a%3A b%2C 100%25%0Anext');
    expect(githubEscape('a: b, 100%\nnext')).toBe('a: b, 100%25%0Anext');
  });
});
