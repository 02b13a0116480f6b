// Checkpoint and action steps and `notify:` in a scenario: resolved with their defaults, and each
// mistake reported once, at its line, with what to write instead.

import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadScenarioText } from './load.js';

const head = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: t }
targets: { sandbox: {} }
probes: { fleet: { sandbox: {} } }
`;
const load = (body: string, env: Record<string, string> = {}) => loadScenarioText(head + body, 't.yaml', { env });
const lines = (body: string): string[] =>
  load(body)
    .diagnostics.filter((d) => d.severity === 'error')
    .map(formatDiagnostic);

describe('checkpoint and action steps', () => {
  it('resolve with their defaults', () => {
    const { scenario } = load(
      `steps:
  - checkpoint: { prompt: Dashboards green? }
  - name: drain cache
    action:
      http: { url: 'https://ops.example.com/cache/drain', headers: { Authorization: 'Bearer \${T}' } }
      undo: { command: { run: [ops, cache, fill], timeout: 5m } }
  - fault: pod-kill
notify:
  - slack: { urlEnv: SLACK_WEBHOOK_URL }
    on: [end]
  - grafana: { url: 'https://grafana.example.com' }
`,
      { T: 'tok' },
    );
    expect(scenario?.steps.slice(0, 2)).toEqual([
      {
        kind: 'checkpoint',
        name: 'checkpoint #1',
        prompt: 'Dashboards green?',
        timeoutMs: 900_000,
        nonInteractive: 'continue',
      },
      {
        kind: 'action',
        name: 'drain cache',
        call: {
          kind: 'http',
          url: 'https://ops.example.com/cache/drain',
          method: 'POST',
          headers: { Authorization: 'Bearer tok' },
          expectStatus: [],
          timeoutMs: 30_000,
        },
        undo: { kind: 'command', run: ['ops', 'cache', 'fill'], env: {}, expectExitCode: 0, timeoutMs: 300_000 },
      },
    ]);
    expect(scenario?.notify).toEqual([
      { kind: 'slack', on: ['end'], urlEnv: 'SLACK_WEBHOOK_URL' },
      {
        kind: 'grafana',
        on: ['start', 'abort', 'end'],
        url: 'https://grafana.example.com',
        tokenEnv: 'GRAFANA_TOKEN',
        tags: [],
      },
    ]);
  });

  it('report each mistake once, at its line', () => {
    expect(
      lines(`steps:
  - action:
      http: { url: 'http://x/a' }
      command: { run: 'true' }
      undo: { command: { run: 'true' } }
  - action:
      undo: { http: { url: 'http://x/b' } }
  - action:
      http: { url: 'http://x/a' }
  - action:
      http: { url: 'http://x/a' }
      undo: { http: { url: 'http://x/b' }, command: { run: x } }
  - checkpoint: { prompt: go?, nonInteractive: maybe }
  - fault: pod-kill
notify:
  - slack: {}
  - pager: { url: x }
`),
    ).toEqual([
      't.yaml:9:7: steps[0].action.command: an action has "http" or "command", not both\n  hint: write the mutation as "http: { url: … }" or "command: { run: … }", one per step',
      't.yaml:11:5: steps[1].action: an action needs "http" or "command"\n  hint: write the mutation as "http: { url: … }" or "command: { run: … }", one per step',
      't.yaml:13:5: steps[2].action: missing required key "undo"',
      't.yaml:17:44: steps[3].action.undo.command: an undo has exactly one of "http" or "command"; this one has "http" and "command"\n  hint: split it into one per key',
      't.yaml:18:48: steps[4].checkpoint.nonInteractive: expected one of "continue", "fail", "abort", got the string "maybe"',
      't.yaml:21:5: notify[0].slack: a slack notification needs "url" or "urlEnv"\n  hint: urlEnv names the environment variable that holds a secret URL',
      't.yaml:22:5: notify[1]: a notification needs one of "slack", "webhook" or "grafana"\n  hint: "pager" is not one; one of: slack, webhook, grafana',
    ]);
  });
});
