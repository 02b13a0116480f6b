// The combined junit.xml, validated against a JUnit XSD by a real schema validator (xmllint), and what
// CI test history reads from it: one testsuite per run, measured values, failures vs errors, regressions.

import { describe, expect, it } from 'vitest';
import { objective, sampleReport } from '../../test/helpers/reports.js';
import { validateXml } from '../../test/helpers/xmllint.js';
import { toJunit } from '../report/junit.js';
import { combinedJunit } from './junit.js';

const regressed = sampleReport({
  scenario: 'sandbox-zone-outage',
  rtoMs: 5200,
  regression: {
    baseline: 'last-pass',
    baselineRuns: ['20231231T000000Z-aaaa'],
    regressed: true,
    checks: [
      {
        metric: 'rto',
        unit: 'ms',
        current: 5200,
        baseline: 3100,
        changePct: 67.7,
        tolerancePct: 25,
        regressed: true,
        explanation: 'RTO 5.2 s vs baseline 3.1 s, +68 %, tolerance 25 %',
      },
    ],
  },
});
const notMeasured = sampleReport({
  scenario: 'sandbox-db-failover',
  verdict: 'fail',
  objectives: [
    objective({
      name: 'rpo',
      pass: false,
      actual: 'not measured: markers could not be read back',
      actualValue: null,
      unit: 's',
      target: '<= 5s',
      targetValue: 5,
    }),
    objective({
      name: 'latency p95(api, run)',
      pass: false,
      actual: '1.002s',
      actualValue: 1002,
      target: '<= 250ms',
      targetValue: 250,
    }),
  ],
  notes: [{ id: 'note-1', at: '2024-01-01T00:00:20.000Z', text: 'pager went off <late> & loud' }],
});

describe('combined junit.xml', () => {
  const xml = combinedJunit('gameday gate', [
    { report: sampleReport(), file: 'scenarios/sandbox/pod-kill.yaml', hostname: 'ci-runner-1', runDir: '/r/a' },
    { report: regressed, file: 'scenarios/sandbox/zone-outage.yaml', hostname: 'ci-runner-1' },
    { report: notMeasured, file: 'scenarios/sandbox/db-failover.yaml', hostname: '' },
  ]);

  it('validates against the JUnit XSD', () => {
    const r = validateXml(xml);
    expect(r.output).toBe('doc.xml validates\n');
    expect(r.ok).toBe(true);
  });

  it('has a testsuite per run with its file, time, hostname and timestamp, and measured values as properties and system-out', () => {
    const suites = [...xml.matchAll(/<testsuite (.*?)>/g)].map((m) => m[1]);
    expect(suites).toHaveLength(3);
    expect(suites[0]).toBe(
      'name="gameday.sandbox-pod-kill" id="0" package="gameday" tests="3" failures="0" errors="0" skipped="0" time="40.000" timestamp="2024-01-01T00:00:00" hostname="ci-runner-1" file="scenarios/sandbox/pod-kill.yaml"',
    );
    expect(suites[2]).toContain('hostname="localhost"');
    expect(xml).toContain('<property name="gameday.rto.ms" value="3100"/>');
    expect(xml).toContain('<property name="gameday.availability.percent" value="99.8"/>');
    expect(xml).toContain('<property name="gameday.objective.rto.actual" value="3100 ms"/>');
    expect(xml).toContain(
      '<system-out>sandbox-pod-kill 20240101T000000Z-ab12: PASS, score 100\nPASS rto: 3.1s ± 100ms (target &lt;= 30s)',
    );
    expect(xml).toContain('note 2024-01-01T00:00:20.000Z: pager went off &lt;late&gt; &amp; loud');
  });

  it('makes "not measured" an error and a missed objective or a regression a failure', () => {
    expect(xml).toMatch(/<testsuites name="gameday gate" tests="9" failures="2" errors="1" time="120.000">/);
    expect(xml).toContain(
      '<error message="target &lt;= 5s, actual not measured: markers could not be read back" type="not-measured">',
    );
    expect(xml).toContain('<failure message="target &lt;= 250ms, actual 1.002s" type="objective">');
    expect(xml).toContain('<testcase classname="gameday.sandbox-zone-outage" name="regression rto" time="0">');
    expect(xml).toContain('<failure message="RTO 5.2 s vs baseline 3.1 s, +68 %, tolerance 25 %" type="regression">');
    // The per-run junit.xml says the same about a missing measurement.
    expect(toJunit(notMeasured)).toContain('type="not-measured"');
  });

  it('is checked by a validator that does fail: a suite without its hostname or with a bad count is refused', () => {
    expect(validateXml(xml.replace(' hostname="ci-runner-1"', '')).ok).toBe(false);
    const bad = validateXml(xml.replace('tests="3"', 'tests="three"'));
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/'three' is not a valid value/);
  });

  it('the per-run junit.xml validates too', () => {
    expect(validateXml(toJunit(sampleReport())).ok).toBe(true);
  });
});
