// Annotations point at the line where an objective, a step or a regressed metric was written.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../test/helpers/cli.js';
import { drillObjectives } from '../../drill/report.js';
import type { DrillSourceSummary } from '../../report/types.js';
import { evaluateObjectives } from '../../measure/objectives.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { gateFiles, githubEscape } from './discover.js';
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

  // The gate integration test (test/gate.test.ts) runs a few bundled scenarios; here every objective of
  // every bundled sandbox scenario (each failing, as with nothing measured) points at where it was written.
  it('points every objective of every bundled sandbox scenario at the line that states it', async () => {
    const checked: string[] = [];
    for (const rel of gateFiles(['scenarios/sandbox'])) {
      const file = join(ROOT, rel);
      const { scenario } = await loadScenarioFile(file);
      if (!scenario) throw new Error(`${rel} does not load`);
      const names = (
        scenario.drill
          ? drillObjectives(
              { restore: null, rpoSeconds: null, source: { ageSeconds: null } as DrillSourceSummary, validations: [] },
              scenario.drill.objectives,
            )
          : evaluateObjectives(scenario.objectives, { rto: null, rpo: null, slos: [], load: null })
      ).map((o) => o.name);
      expect(names.length, rel).toBeGreaterThan(0);
      for (const name of names) {
        const p = objectivePosition(file, name, scenario);
        const at = lineOf(file, p.line).slice(p.col - 1);
        const probe = /^(?:availability|latency p\d+)\((.*), (\w+)\)$/.exec(name);
        const budget = /^error budget\((.*)\)$/.exec(name)?.[1];
        const expected =
          name === 'rpo lost writes'
            ? /^maxLostWrites:/
            : name.startsWith('availability(')
              ? new RegExp(`^(availability: )?\\{ probe: ${probe?.[1]}(, window: ${probe?.[2]})?[ ,]`)
              : name.startsWith('latency ') || name.startsWith('load p')
                ? new RegExp(`^${/p\d+/.exec(name)?.[0]}:`)
                : name.startsWith('load error rate')
                  ? /^maxErrorRate:/
                  : budget !== undefined
                    ? new RegExp(`^(errorBudget: )?\\{ slo: ${budget},`)
                    : new RegExp(`^${name}:`);
        expect(at, `${rel}: ${name} at ${p.line}:${p.col}`).toMatch(expected);
        checked.push(`${rel} ${name}`);
      }
    }
    expect(checked.length).toBeGreaterThan(30);
  });

  it('escapes GitHub workflow command values', () => {
    expect(githubEscape('a: b, 100%\nnext', true)).toBe('a%3A b%2C 100%25%0Anext');
    expect(githubEscape('a: b, 100%\nnext')).toBe('a: b, 100%25%0Anext');
  });
});
