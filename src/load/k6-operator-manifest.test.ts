import { describe, expect, it } from 'vitest';
import { describeK6Operator, k6OperatorObjects, k6TestRunName, scriptKey } from './k6-operator-manifest.js';

const load = {
  engine: 'k6' as const,
  script: '/scenarios/k6/traffic.js',
  env: { API_URL: 'http://api.shop.svc', RATE: '200' },
  stages: [
    { duration: '30s', target: 50 },
    { duration: '1m', target: 0 },
  ],
  operator: { parallelism: 4, namespace: 'load', separate: true, timeoutMs: 60_000, image: 'grafana/k6:1.1.0' },
};

describe('k6-operator objects', () => {
  it('names the TestRun after the run, as a Kubernetes name', () => {
    expect(k6TestRunName('20261126T151530Z-a1b2')).toBe('gameday-k6-20261126t151530z-a1b2');
    expect(k6TestRunName(`X_${'y'.repeat(80)}`)).toMatch(/^gameday-k6-x-y+$/);
    expect(k6TestRunName(`X_${'y'.repeat(80)}`)).toHaveLength(63);
  });

  it('keys the script by its file name where that is a valid ConfigMap key', () => {
    expect(scriptKey('/a/b/traffic.js')).toBe('traffic.js');
    expect(scriptKey('/a/b/my script.js')).toBe('script.js');
  });

  it('puts the script in a ConfigMap and the overrides, env and runner settings in the TestRun', () => {
    const o = k6OperatorObjects(load, '20261126T151530Z-a1b2', 'export default function () {}\n');
    const labels = { 'app.kubernetes.io/managed-by': 'gameday', 'gameday.dev/run-id': '20261126T151530Z-a1b2' };
    expect(o.ref).toEqual({
      namespace: 'load',
      testRun: 'gameday-k6-20261126t151530z-a1b2',
      configMap: 'gameday-k6-20261126t151530z-a1b2-script',
    });
    expect(o.configMap).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: o.ref.configMap, namespace: 'load', labels },
      data: { 'traffic.js': 'export default function () {}\n' },
    });
    expect(o.testRun).toEqual({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: o.ref.testRun, namespace: 'load', labels },
      spec: {
        parallelism: 4,
        separate: true,
        script: { configMap: { name: o.ref.configMap, file: 'traffic.js' } },
        arguments: '--no-usage-report --stage 30s:50 --stage 1m:0',
        runner: {
          image: 'grafana/k6:1.1.0',
          env: [
            { name: 'API_URL', value: 'http://api.shop.svc' },
            { name: 'RATE', value: '200' },
            { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          ],
          metadata: { labels },
        },
      },
    });
  });

  it('tells gameday plan where it runs, with what, and when it is stopped', () => {
    expect(describeK6Operator(load)).toEqual([
      'k6-operator: traffic.js as a TestRun of 4 runner(s) in namespace load (image grafana/k6:1.1.0), arguments: --no-usage-report --stage 30s:50 --stage 1m:0',
      'k6-operator: stopped (TestRun and ConfigMap deleted) when not finished within 1m 00s; no per-request results come back',
    ]);
  });
});
