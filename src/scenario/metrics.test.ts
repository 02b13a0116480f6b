// k6 load, Prometheus probes and objectives, SLOs and error budgets in scenarios: shape, rules, resolution.

import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadScenarioText } from './load.js';

const FILE = '/scenarios/team/k6.yaml';
const head = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: t }
targets: { sandbox: {} }
probes:
  api: { http: { url: 'http://127.0.0.1:1/health' }, interval: 100ms }
steps:
  - fault: pod-kill
`;

function load(extra: string) {
  const r = loadScenarioText(head + extra, FILE, { env: { PROMETHEUS_URL: 'http://127.0.0.1:9090' } });
  const lines = r.diagnostics.flatMap((d) => formatDiagnostic({ ...d, file: basename(d.file) }).split('\n'));
  return { scenario: r.scenario, lines };
}

describe('k6 load', () => {
  it('resolves the script beside the scenario and keeps the overrides', () => {
    const { scenario, lines } = load(`load:
  k6: { script: k6/traffic.js, env: { RATE: '10' }, vus: 5, duration: 20s }
objectives:
  load: { window: during, maxErrorRate: 5%, p95: 500ms }
`);
    expect(lines).toEqual([]);
    expect(scenario?.load).toEqual({
      engine: 'k6',
      script: '/scenarios/team/k6/traffic.js',
      env: { RATE: '10' },
      vus: 5,
      duration: '20s',
    });
    expect(scenario?.objectives.load).toEqual({ window: 'during', maxErrorRate: 5, p95Ms: 500 });
  });

  it('refuses two engines and stages with a duration', () => {
    const { lines } = load(`load:
  builtin: { url: 'http://127.0.0.1:1/', rate: 5/s, duration: 5s }
  k6: { script: t.js, duration: 5s, stages: [{ duration: 5s, target: 2 }] }
`);
    expect(lines).toEqual([
      'k6.yaml:11:3: load.k6: load has two engines: use either builtin or k6',
      'k6.yaml:11:23: load.k6.duration: use either stages or duration to override the script, not both',
      '  hint: stages set the VUs over time (k6 --stage)',
    ]);
  });
});

describe('k6 load through the k6-operator', () => {
  const k8s = (extra: string) => {
    const r = loadScenarioText(
      `apiVersion: gameday/v1
kind: Scenario
metadata: { name: t }
targets: { kubernetes: { context: c, namespace: shop } }
guards: { timeout: 7m }
probes:
  fleet: { kubernetes: { deployment: api, readyAtLeast: 1 } }
steps:
  - fault: pod-kill
    select: { labels: { app: api }, count: 1 }
${extra}`,
      FILE,
    );
    return {
      scenario: r.scenario,
      lines: r.diagnostics.map((d) => formatDiagnostic({ ...d, file: basename(d.file) })),
    };
  };

  it("runs in the target's namespace until guards.timeout unless told otherwise", () => {
    const { scenario, lines } = k8s(`load:
  k6: { script: k6/t.js, vus: 50, operator: { parallelism: 4 } }
`);
    expect(lines).toEqual([]);
    expect(scenario?.load).toEqual({
      engine: 'k6',
      script: '/scenarios/team/k6/t.js',
      env: {},
      vus: 50,
      operator: { parallelism: 4, namespace: 'shop', separate: false, timeoutMs: 420_000 },
    });
    const full = k8s(`load:
  k6:
    script: t.js
    operator: { parallelism: 2, namespace: load, image: 'grafana/k6:1.1.0', serviceAccount: k6, separate: true, timeout: 90s }
`);
    expect(full.lines).toEqual([]);
    expect(full.scenario?.load).toMatchObject({
      operator: {
        parallelism: 2,
        namespace: 'load',
        image: 'grafana/k6:1.1.0',
        serviceAccount: 'k6',
        separate: true,
        timeoutMs: 90_000,
      },
    });
  });

  it('refuses it without a cluster, with a local binary, with load objectives and with bad values', () => {
    const { lines } = load(`load:
  k6: { script: t.js, binary: k6, operator: { parallelism: 0, namespace: Load_NS, timeout: soon } }
objectives:
  load: { maxErrorRate: 5% }
`);
    expect(lines).toEqual([
      'k6.yaml:10:23: load.k6.binary: load.k6.binary names a local k6, but operator runs k6 in the cluster',
      "  hint: the runner pods use operator.image (default: the operator's); remove binary",
      'k6.yaml:10:35: load.k6.operator: load.k6.operator runs k6 in a Kubernetes cluster, but the scenario has no targets.kubernetes',
      '  hint: add targets.kubernetes (the cluster the k6-operator runs in), or remove operator to run k6 on this machine',
      'k6.yaml:10:60: load.k6.operator.parallelism: must be at least 1, got 0',
      'k6.yaml:10:74: load.k6.operator.namespace: a Kubernetes name: lowercase letters, digits and "-", got the string "Load_NS"',
      expect.stringMatching(/^k6\.yaml:10:92: load\.k6\.operator\.timeout: /),
      'k6.yaml:12:3: objectives.load: objectives.load needs per-request results, which the k6-operator does not give gameday',
      "  hint: bound the load with the script's own thresholds (the runners enforce them) and measure the service with probes",
    ]);
  });
});

describe('Prometheus probes and PromQL objectives', () => {
  it('resolves a probe with its comparison and credentials from named environment variables', () => {
    const r = loadScenarioText(
      `apiVersion: gameday/v1
kind: Scenario
metadata: { name: t }
targets: { sandbox: {} }
probes:
  errors:
    prometheus:
      url: '\${PROMETHEUS_URL}'
      query: sum(rate(http_requests_total{code=~"5.."}[10s]))
      expect: { op: '<', value: 0.5 }
      onNoData: pass
      auth: { bearerTokenEnv: PROM_TOKEN }
      ca: ca.pem
    interval: 1s
steps:
  - fault: pod-kill
objectives:
  promql: { url: '\${PROMETHEUS_URL}', query: up, window: during, min: 1 }
`,
      FILE,
      { env: { PROMETHEUS_URL: 'http://127.0.0.1:9090' } },
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.scenario?.probes['errors']?.check).toEqual({
      kind: 'prometheus',
      prometheus: { url: 'http://127.0.0.1:9090', bearerTokenEnv: 'PROM_TOKEN', ca: '/scenarios/team/ca.pem' },
      query: 'sum(rate(http_requests_total{code=~"5.."}[10s]))',
      op: '<',
      value: 0.5,
      onNoData: 'pass',
    });
    expect(r.scenario?.objectives.promql).toEqual([
      { prometheus: { url: 'http://127.0.0.1:9090' }, query: 'up', window: 'during', min: 1, stepMs: 1000 },
    ]);
  });

  it('needs a bound on a promql objective', () => {
    const { lines } = load(`objectives:
  promql: { url: 'http://p', query: up }
`);
    expect(lines).toEqual([
      'k6.yaml:10:3: objectives.promql: a promql objective needs a bound: max, min or both',
      '  hint: e.g. max: 0.05 (every point of the query over the window must be at most 0.05)',
    ]);
  });
});

describe('SLOs and error budgets', () => {
  it('resolves an SLO over 30 days and its error budget objective', () => {
    const { scenario, lines } = load(`slos:
  - { name: availability, objective: 99.9%, period: 30d, sli: { probe: api } }
  - name: requests
    objective: 99.5%
    period: 4w
    sli:
      promql:
        url: http://p
        good: sum(increase(http_requests_total{code!~"5.."}[$__range]))
        total: sum(increase(http_requests_total[$__range]))
objectives:
  errorBudget: [{ slo: availability, maxBurn: 2% }, { slo: requests, maxBurn: 1.5% }]
`);
    expect(lines).toEqual([]);
    expect(scenario?.slos?.[0]).toEqual({
      name: 'availability',
      objective: 99.9,
      periodMs: 30 * 86_400_000,
      sli: { kind: 'probe', probe: 'api' },
    });
    expect(scenario?.slos?.[1]).toMatchObject({ periodMs: 28 * 86_400_000, sli: { kind: 'promql' } });
    expect(scenario?.objectives.errorBudget).toEqual([
      { slo: 'availability', maxBurn: 2 },
      { slo: 'requests', maxBurn: 1.5 },
    ]);
  });

  it('reports every mistake at once', () => {
    const { lines } = load(`slos:
  - { name: a, objective: 100%, period: 30d, sli: { probe: ap } }
  - { name: a, objective: 99%, period: 1mo, sli: { promql: { url: http://p, good: up, total: up } } }
objectives:
  errorBudget: { slo: b, maxBurn: 2% }
`);
    expect(lines).toEqual([
      'k6.yaml:10:27: slos[0].objective: an SLO objective must lie between 0% and 100%, got 100%',
      '  hint: at 100% there is no error budget to burn',
      'k6.yaml:10:60: slos[0].sli.probe: probe "ap" is not defined',
      '  hint: did you mean "api"? defined probes: api',
      'k6.yaml:11:13: slos[1].name: SLO "a" is defined twice',
      'k6.yaml:11:40: slos[1].period: expected a period such as "30d", "4w" or "720h", got the string "1mo"',
      'k6.yaml:11:83: slos[1].sli.promql.good: the good query must count events over $__range',
      "  hint: e.g. sum(increase(http_requests_total[$__range])); gameday fills in each window's length",
      'k6.yaml:11:94: slos[1].sli.promql.total: the total query must count events over $__range',
      "  hint: e.g. sum(increase(http_requests_total[$__range])); gameday fills in each window's length",
      'k6.yaml:13:23: objectives.errorBudget.slo: SLO "b" is not defined',
      '  hint: did you mean "a"? defined SLOs: a',
    ]);
  });
});
