// Wrong input that the fuzz test (src/cli/fuzz.test.ts) found answered badly, each as a plain regression
// test: the exact diagnostics a user reads.

import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { MAX_FLOW_NESTING } from './flow.js';
import { loadScenarioText } from './load.js';

const SCENARIO = [
  'apiVersion: gameday/v1',
  'kind: Scenario',
  'metadata: { name: wrong-input }',
  'targets: { sandbox: {} }',
  'probes:',
  '  api:',
  '    http: { url: "${SANDBOX_URL}/health" }',
  'steps:',
  '  - fault: pod-kill',
  "    select: { zone: 'a', count: 1 }",
  'objectives:',
  '  rto: { probe: api, max: 60s }',
];

/** The scenario with `line` inserted before line `at` (1-based), as `gameday validate` reports it. */
function validate(lines: string[], env: Record<string, string> = {}): string[] {
  return loadScenarioText(lines.join('\n'), 'wrong.yaml', { env }).diagnostics.map(
    (d) => formatDiagnostic(d).split('\n')[0] as string,
  );
}

const inserted = (at: number, line: string): string[] => [
  ...SCENARIO.slice(0, at - 1),
  line,
  ...SCENARIO.slice(at - 1),
];

describe('a YAML construct left open is reported where it opens', () => {
  it.each([
    ['oops: { a: 1, b: 2', 'the "{" opened here is not closed on this line'],
    ['oops: [1, 2', 'the "[" opened here is not closed on this line'],
    ['oops: "unterminated', 'the double quote opened here is not closed on this line'],
    ["oops: 'unterminated", 'the single quote opened here is not closed on this line'],
  ])('%s', (line, message) => {
    // Before: the parser's complaint about a later line (the end of the file for a double quote).
    expect(validate(inserted(6, line))).toEqual([`wrong.yaml:6:7: ${message}`]);
    const [d] = loadScenarioText(inserted(6, line).join('\n'), 'wrong.yaml', { env: {} }).diagnostics;
    expect(d?.hint).toMatch(/^close the (quoted value|flow collection) with .; the YAML parser read on to line \d+/);
  });

  it('a flow collection or a quote that closes on a later line, with no error inside, is fine', () => {
    const lines = [...SCENARIO];
    lines[9] = "    select: { zone: 'a',\n      count: 1 }";
    expect(validate(lines)).toEqual([]);
  });
});

describe('nesting deeper than any scenario', () => {
  it('is refused at once, at the line where it goes too deep', () => {
    const depth = 200_000;
    const start = performance.now();
    const out = validate(inserted(9, `deep: ${'['.repeat(depth)}1${']'.repeat(depth)}`));
    // Before: the parser worked for minutes, then reported "maximum call stack size exceeded".
    expect(out).toEqual([`wrong.yaml:9:${7 + MAX_FLOW_NESTING}: collections nested more than 64 levels deep here`]);
    expect(performance.now() - start).toBeLessThan(10_000); // a generous bound: the parse alone took minutes
  });
});

describe('one problem, one error', () => {
  it('a "---" in the middle of a scenario: the second document, not the cut-off first one', () => {
    // Before: also "a scenario needs steps" and "probes: expected a mapping" for the first part.
    expect(validate(inserted(8, '---'))).toEqual([
      'wrong.yaml:8:1: the file holds 2 YAML documents; a scenario file holds one',
    ]);
  });

  it('an unknown fault type on aws: the unknown type, not what its FIS block would need', () => {
    const lines = [...SCENARIO.slice(0, 8), '  - fault: pod-kil', '    target: aws'];
    expect(validate(lines)).toEqual([
      'wrong.yaml:9:12: steps[0].fault: unknown fault type "pod-kil"',
      'wrong.yaml:10:13: steps[0].target: step targets aws, but targets.aws is not set',
    ]);
  });

  it('an unset variable: the variable, not also the value it left behind', () => {
    const lines = [
      ...SCENARIO.slice(0, 3),
      "targets: { aws: { region: us-west-2, accounts: ['${AWS_ACCOUNT_ID}'] } }",
      'steps:',
      '  - wait: { duration: 1s }',
    ];
    // Before: also 'expected a 12-digit AWS account id, got "${AWS_ACCOUNT_ID}"'.
    expect(validate(lines).filter((l) => !l.includes('warning:'))).toEqual([
      'wrong.yaml:4:49: targets.aws.accounts[0]: environment variable AWS_ACCOUNT_ID is not set',
    ]);
  });
});
