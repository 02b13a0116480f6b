import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_ID, toJson } from './json.js';
import { toJunit } from './junit.js';
import { escapeMarkdown, formatOffset, toMarkdown } from './markdown.js';
import { verdictTable } from './table.js';
import type { Report } from './types.js';

// ---------- fixtures ----------

function passReport(): Report {
  return {
    schemaVersion: 1,
    scenario: 'sandbox-pod-kill',
    runId: '20240101T000000Z-ab12',
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:02:05.500Z',
    verdict: 'pass',
    measurements: {
      rto: {
        probe: 'fleet',
        status: 'recovered',
        ms: 6420,
        errorBoundMs: 100,
        stableForMs: 5000,
        detectMs: 300,
        faultAt: '2024-01-01T00:00:10.000Z',
        impactAt: '2024-01-01T00:00:10.300Z',
        recoveredAt: '2024-01-01T00:00:16.420Z',
        lastFailingAt: '2024-01-01T00:00:16.370Z',
        firstHealthyAt: '2024-01-01T00:00:16.470Z',
        lastFailingMs: 6370,
        firstHealthyMs: 6470,
        observedMs: 110_000,
      },
      rpo: {
        seconds: 0,
        lostWrites: 0,
        acknowledged: 1200,
        surviving: 1200,
        newestSurvivingAt: '2024-01-01T00:00:09.950Z',
        newestAcknowledgedBeforeFaultAt: '2024-01-01T00:00:09.950Z',
      },
      slos: [
        {
          probe: 'api',
          window: 'during',
          samples: 600,
          good: 599,
          availability: (599 / 600) * 100,
          latency: { count: 600, min: 1, mean: 12.5, p50: 10, p90: 20, p95: 30.25, p99: 80, max: 120 },
        },
        { probe: 'api', window: 'after', samples: 0, good: 0, availability: null, latency: null },
      ],
    },
    objectives: [
      {
        name: 'rto',
        target: '<= 30s',
        actual: '6.42s ± 100ms',
        pass: true,
        targetValue: 30_000,
        actualValue: 6420,
        unit: 'ms',
      },
      {
        name: 'availability(api, during)',
        target: '>= 99.5%',
        actual: '99.833% (599/600 good)',
        pass: true,
        targetValue: 99.5,
        actualValue: 99.833,
        unit: 'percent',
      },
    ],
    timeline: [
      { at: '2024-01-01T00:00:00.000Z', t: 0, kind: 'phase', message: 'steady-state' },
      { at: '2024-01-01T00:00:10.000Z', t: 10_000, kind: 'fault-injected', message: 'pod-kill: killed api-a-1' },
      { at: '2024-01-01T01:00:10.000Z', t: 3_610_250, kind: 'phase', message: 'rollback' },
    ],
    probes: [{ name: 'api', kind: 'http', intervalMs: 100, samples: 1250, failures: 1, transitions: [] }],
    load: {
      engine: 'builtin',
      targetRatePerSec: 200,
      achievedRatePerSec: 199.73,
      durationMs: 120_000,
      requests: 24_000,
      completed: 23_990,
      errors: 12,
      errorRate: (12 / 23_990) * 100,
      statusCounts: { '503': 12, '200': 23_978 },
      latency: { count: 23_990, min: 0.5, mean: 9, p50: 8, p90: 15, p95: 22, p99: 60, max: 300 },
      dropped: 10,
    },
    rollback: { complete: true, undone: 2, failed: [] },
  };
}

function failReport(): Report {
  const r = passReport();
  r.verdict = 'fail';
  r.objectives.push({
    name: 'rpo',
    target: '<= 0s',
    actual: '1.50s',
    pass: false,
    targetValue: 0,
    actualValue: 1.5,
    unit: 's',
  });
  return r;
}

function abortedReport(): Report {
  return {
    ...passReport(),
    verdict: 'aborted',
    reason: 'guard: availability of api below 50% for 30s',
    measurements: { rto: null, rpo: null, slos: [] },
    objectives: [],
    load: null,
    probes: [],
    timeline: [],
    rollback: { complete: false, undone: 1, failed: [{ id: 'step-1/undo', error: 'ECONNREFUSED <sandbox> & "co"' }] },
  };
}

const NASTY = `a<b&c"d'e|f\u0001g\u001b\n]]>`;

function specialReport(): Report {
  const r = failReport();
  r.scenario = `weird<&"'|>name`;
  r.runId = `run|\`1\``;
  r.reason = NASTY;
  r.verdict = 'error';
  r.objectives.push({
    name: `availability(<&"'|>, run)`,
    target: '>= 99%',
    actual: `${NASTY} \ud800 *bold* _it_ [link](x) <script>alert(1)</script> &amp;`,
    pass: false,
    targetValue: 99,
    actualValue: null,
    unit: 'percent',
  });
  r.timeline.push({ at: r.startedAt, t: 5, kind: 'log', message: NASTY });
  return r;
}

function emptyReport(): Report {
  return {
    ...passReport(),
    objectives: [],
    measurements: { rto: null, rpo: null, slos: [] },
    timeline: [],
    probes: [],
    load: null,
    rollback: { complete: true, undone: 0, failed: [] },
  };
}

const ALL: Array<[string, () => Report]> = [
  ['pass', passReport],
  ['fail', failReport],
  ['aborted', abortedReport],
  ['special characters', specialReport],
  ['empty objectives', emptyReport],
];

// ---------- a tiny XML well-formedness checker ----------

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare & in ${where}`);
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const v = ENTITIES[ref];
    if (v === undefined) throw new Error(`unknown entity &${ref}; in ${where}`);
    return v;
  });
}

function assertXmlChars(doc: string): void {
  for (let i = 0; i < doc.length; i++) {
    const c = doc.charCodeAt(i);
    const ok =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff && !(c >= 0x7f && c <= 0x9f)) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0xd800 && c <= 0xdbff && doc.charCodeAt(i + 1) >= 0xdc00 && doc.charCodeAt(i + 1) <= 0xdfff && i++ >= 0);
    if (!ok) throw new Error(`character U+${c.toString(16)} at ${i} is not allowed in XML`);
  }
}

/** Parse the subset of XML junit.ts writes; throws on anything not well-formed. */
function parseXml(doc: string): XmlElement {
  assertXmlChars(doc);
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(doc);
  if (!decl) throw new Error('missing XML declaration');
  let i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const NAME = /[A-Za-z_][\w.-]*/y;
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const text = doc.slice(i, lt === -1 ? doc.length : lt);
    if (text.includes(']]>')) throw new Error(']]> in text');
    const parent = stack[stack.length - 1];
    if (parent) parent.text += decode(text, 'text');
    else if (text.trim() !== '') throw new Error('text outside the root element');
    if (lt === -1) break;
    i = lt + 1;
    if (doc[i] === '/') {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(doc);
      const top = stack.pop();
      if (!m || !top || top.name !== m[0] || doc[NAME.lastIndex] !== '>') throw new Error(`bad close tag at ${lt}`);
      i = NAME.lastIndex + 1;
      continue;
    }
    NAME.lastIndex = i;
    const m = NAME.exec(doc);
    if (!m) throw new Error(`bad tag at ${lt}`);
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    i = NAME.lastIndex;
    for (;;) {
      const ws = /\s*/y;
      ws.lastIndex = i;
      ws.exec(doc);
      const hadSpace = ws.lastIndex > i;
      i = ws.lastIndex;
      if (doc.startsWith('/>', i) || doc[i] === '>') break;
      if (!hadSpace) throw new Error(`missing space before attribute at ${i}`);
      const attr = /([A-Za-z_][\w.-]*)="([^"<]*)"/y;
      attr.lastIndex = i;
      const a = attr.exec(doc);
      if (!a) throw new Error(`bad attribute at ${i}: ${doc.slice(i, i + 30)}`);
      const [, key = '', raw = ''] = a;
      if (key in el.attrs) throw new Error(`duplicate attribute ${key}`);
      el.attrs[key] = decode(raw, `attribute ${key}`);
      i = attr.lastIndex;
    }
    if (parent) parent.children.push(el);
    else if (root) throw new Error('second root element');
    else root = el;
    if (doc.startsWith('/>', i)) i += 2;
    else {
      i += 1;
      stack.push(el);
    }
  }
  if (stack.length > 0 || !root) throw new Error('unclosed elements');
  return root;
}

function junitOf(report: Report) {
  const root = parseXml(toJunit(report));
  expect(root.name).toBe('testsuites');
  expect(root.children).toHaveLength(1);
  const suite = root.children[0] as XmlElement;
  expect(suite.name).toBe('testsuite');
  const cases = suite.children.filter((c) => c.name === 'testcase');
  return { root, suite, cases };
}

// ---------- tests ----------

describe('toJson', () => {
  it.each(ALL)('round-trips the %s report', (_, make) => {
    const r = make();
    const text = toJson(r);
    expect(JSON.parse(text)).toEqual({ ...JSON.parse(JSON.stringify(r)), $schema: REPORT_SCHEMA_ID });
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n').slice(1, 3)).toEqual([`  "$schema": "${REPORT_SCHEMA_ID}",`, '  "schemaVersion": 1,']);
  });

  it('orders keys the same way whatever the insertion order', () => {
    const r = passReport();
    const shuffled = Object.fromEntries(Object.entries(r).reverse()) as unknown as Report;
    shuffled.objectives = r.objectives.map((o) => Object.fromEntries(Object.entries(o).reverse()) as typeof o);
    expect(toJson(shuffled)).toBe(toJson(r));
    const keys = Object.keys(JSON.parse(toJson(r)) as object);
    expect(keys.slice(0, 7)).toEqual([
      '$schema',
      'schemaVersion',
      'scenario',
      'runId',
      'startedAt',
      'endedAt',
      'verdict',
    ]);
    const objectiveKeys = Object.keys((JSON.parse(toJson(r)) as Report).objectives[0] as object);
    expect(objectiveKeys.slice(0, 4)).toEqual(['name', 'target', 'actual', 'pass']);
    expect(toJson(r)).toContain('"statusCounts": {\n      "200": 23978,\n      "503": 12\n    }');
  });
});

describe('toJunit', () => {
  it('writes one passing test case per objective for a pass report', () => {
    const { root, suite, cases } = junitOf(passReport());
    expect(root.attrs).toMatchObject({ tests: '2', failures: '0', errors: '0' });
    expect(suite.attrs).toEqual({
      name: 'gameday.sandbox-pod-kill',
      tests: '2',
      failures: '0',
      errors: '0',
      skipped: '0',
      time: '125.500',
      timestamp: '2024-01-01T00:00:00',
      hostname: hostname() || 'localhost',
    });
    expect(cases.map((c) => [c.attrs.classname, c.attrs.name, c.attrs.time, c.children.length])).toEqual([
      ['gameday.sandbox-pod-kill', 'rto', '0', 0],
      ['gameday.sandbox-pod-kill', 'availability(api, during)', '0', 0],
    ]);
    const props = suite.children.find((c) => c.name === 'properties');
    expect(props?.children.map((p) => [p.attrs.name, p.attrs.value])).toContainEqual(['gameday.verdict', 'pass']);
  });

  it('marks a failed objective with a failure', () => {
    const { suite, cases } = junitOf(failReport());
    expect(suite.attrs).toMatchObject({ tests: '3', failures: '1', errors: '0' });
    const failure = cases[2]?.children[0];
    expect(failure?.name).toBe('failure');
    expect(failure?.attrs).toEqual({ message: 'target <= 0s, actual 1.50s', type: 'objective' });
    expect(failure?.text).toBe('target <= 0s\nactual 1.50s');
  });

  it('adds a run error and a rollback failure for an aborted run with an incomplete rollback', () => {
    const { suite, cases } = junitOf(abortedReport());
    expect(suite.attrs).toMatchObject({ tests: '2', failures: '1', errors: '1' });
    expect(cases.map((c) => [c.attrs.name, c.children[0]?.name])).toEqual([
      ['run', 'error'],
      ['rollback', 'failure'],
    ]);
    expect(cases[0]?.children[0]?.attrs).toEqual({
      message: 'guard: availability of api below 50% for 30s',
      type: 'aborted',
    });
    expect(cases[1]?.children[0]?.text).toContain('step-1/undo: ECONNREFUSED <sandbox> & "co"');
  });

  it('escapes special and control characters into well-formed XML', () => {
    const xml = toJunit(specialReport());
    const { suite, cases } = junitOf(specialReport());
    expect(suite.attrs.name).toBe(`gameday.weird<&"'|>name`);
    const special = cases.find((c) => c.attrs.name === `availability(<&"'|>, run)`);
    expect(special?.children[0]?.attrs.message).toContain(`a<b&c"d'e|f\\u0001g\\u001b\n]]>`);
    expect(special?.children[0]?.text).toContain('\ufffd');
    expect(cases.find((c) => c.attrs.name === 'run')?.children[0]?.attrs).toEqual({
      message: `a<b&c"d'e|f\\u0001g\\u001b\n]]>`,
      type: 'error',
    });
    expect(xml).not.toMatch(/<script>/);
  });

  it('writes a valid empty suite when there are no objectives', () => {
    const { suite, cases } = junitOf(emptyReport());
    expect(suite.attrs).toMatchObject({ tests: '0', failures: '0', errors: '0' });
    expect(cases).toEqual([]);
  });

  it('falls back for unreadable times', () => {
    const { suite } = junitOf({ ...passReport(), startedAt: 'nope' });
    expect(suite.attrs).toMatchObject({ time: '0.000', timestamp: '' });
  });
});

/** Table rows of a Markdown section, split on unescaped pipes. */
function tableRows(md: string, heading: string): string[][] {
  const start = md.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = md.slice(start).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

describe('toMarkdown', () => {
  it('summarizes a pass report', () => {
    const md = toMarkdown(passReport());
    expect(md.startsWith('# PASS: sandbox-pod-kill\n')).toBe(true);
    expect(md).toContain('- **Run:** `20240101T000000Z-ab12`');
    expect(md).toContain('- **Duration:** 2m 05s');
    expect(tableRows(md, '## Objectives')).toEqual([
      ['Objective', 'Target', 'Actual', 'Result'],
      ['---', '---', '---', '---'],
      ['rto', '<= 30s', '6.42s ± 100ms', 'PASS'],
      ['availability(api, during)', '>= 99.5%', '99.833% (599/600 good)', 'PASS'],
    ]);
    expect(md).toContain('- **RTO:** 6.42s ± 100ms');
    expect(md).toContain('- **Time to detect:** 300ms');
    expect(md).toContain('- **RPO:** 0s');
    expect(md).toContain('- **Lost writes:** 0 of 1200 acknowledged (1200 survived)');
    expect(tableRows(md, '### SLOs').slice(2)).toEqual([
      ['api', 'during', '600', '99.833%', '10ms', '20ms', '30.3ms', '80ms', '120ms'],
      ['api', 'after', '0', '—', '—', '—', '—', '—', '—'],
    ]);
    expect(tableRows(md, '### Load')[2]).toEqual([
      'builtin',
      '200/s',
      '199.7/s',
      '2m 00s',
      '24000',
      '23990',
      '12',
      '0.051%',
      '10',
    ]);
    expect(md).toContain('Status codes: 200: 23978, 503: 12');
    expect(tableRows(md, '## Timeline').slice(2)).toEqual([
      ['+0:00.000', 'phase: steady-state'],
      ['+0:10.000', 'fault-injected: pod-kill: killed api-a-1'],
      ['+1:00:10.250', 'phase: rollback'],
    ]);
    expect(md).toContain('## Rollback\n\nComplete: 2 undo step(s) done.');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('marks failed objectives', () => {
    const md = toMarkdown(failReport());
    expect(md.startsWith('# FAIL: sandbox-pod-kill')).toBe(true);
    expect(tableRows(md, '## Objectives')[4]).toEqual(['rpo', '<= 0s', '1.50s', '**FAIL**']);
  });

  it('shows the abort reason and an incomplete rollback', () => {
    const md = toMarkdown(abortedReport());
    expect(md.startsWith('# ABORTED: sandbox-pod-kill')).toBe(true);
    expect(md).toContain('- **Reason:** guard: availability of api below 50% for 30s');
    expect(md).toContain('_No objectives were defined._');
    expect(md).toContain('_Nothing was measured._');
    expect(md).toContain('**INCOMPLETE: a person must look.** 1 undo step(s) done, 1 failed:');
    expect(md).toContain('- `step-1/undo`: ECONNREFUSED &lt;sandbox> & "co"');
    expect(md).not.toContain('## Probes');
  });

  it('says what to do about an undo that cannot succeed, in summary.md and junit.xml', () => {
    const report = abortedReport();
    report.rollback.failed = [
      {
        id: 'm3',
        error: 'runbook database-promote: RDS instance r1 was promoted to a standalone primary',
        code: 'RDS_PROMOTION_IRREVERSIBLE',
        hint: 'create a new read replica of p1 in r1_region',
      },
    ];
    const md = toMarkdown(report);
    expect(md).toContain(
      '- `m3`: runbook database-promote: RDS instance r1 was promoted to a standalone primary\n' +
        '  - **What to do** (`RDS_PROMOTION_IRREVERSIBLE`): create a new read replica of p1 in r1\\_region',
    );
    const { cases } = junitOf(report);
    expect(cases[1]?.children[0]?.text).toContain(
      'm3: runbook database-promote: RDS instance r1 was promoted to a standalone primary\n' +
        '  what to do: create a new read replica of p1 in r1_region',
    );
  });

  it('escapes special characters so tables keep their columns', () => {
    const md = toMarkdown(specialReport());
    expect(md.startsWith('# ERROR: weird<&"\'\\|>name\n')).toBe(true);
    expect(md).toContain('- **Run:** `` run\\|`1` ``');
    for (const row of tableRows(md, '## Objectives')) expect(row).toHaveLength(4);
    const special = tableRows(md, '## Objectives')[5];
    expect(special?.[0]).toBe(`availability(<&"'\\|>, run)`);
    expect(special?.[2]).toContain('\\*bold\\* \\_it\\_ \\[link\\](x) &lt;script>alert(1)&lt;/script> &amp;amp;');
    expect(special?.[2]).not.toContain('\n');
    for (const row of tableRows(md, '## Timeline')) expect(row).toHaveLength(2);
    expect(md).not.toMatch(/<script/);
  });

  it('handles a report with nothing in it', () => {
    const md = toMarkdown(emptyReport());
    expect(md).toContain('_No objectives were defined._');
    expect(md).toContain('_No events were recorded._');
  });

  it('cuts very long timelines', () => {
    const r = passReport();
    r.timeline = Array.from({ length: 600 }, (_, i) => ({ at: r.startedAt, t: i, kind: 'log', message: `m${i}` }));
    const md = toMarkdown(r);
    expect(md).toContain('_100 more events in report.json._');
    expect(md).toContain('m499');
    expect(md).not.toContain('m500');
  });
});

describe('markdown helpers', () => {
  it('escapes only what could break Markdown', () => {
    expect(escapeMarkdown('<= 30s')).toBe('<= 30s');
    expect(escapeMarkdown('a|b\nc')).toBe('a\\|b c');
    expect(escapeMarkdown('<b>&lt;')).toBe('&lt;b>&amp;lt;');
  });

  it('formats offsets', () => {
    expect(formatOffset(0)).toBe('+0:00.000');
    expect(formatOffset(65_432.4)).toBe('+1:05.432');
    expect(formatOffset(-1500)).toBe('-0:01.500');
  });
});

describe('verdictTable', () => {
  it('lists objectives with PASS/FAIL under a header', () => {
    expect(verdictTable(failReport())).toEqual([
      ['Objective', 'Target', 'Actual', 'Result'],
      ['rto', '<= 30s', '6.42s ± 100ms', 'PASS'],
      ['availability(api, during)', '>= 99.5%', '99.833% (599/600 good)', 'PASS'],
      ['rpo', '<= 0s', '1.50s', 'FAIL'],
    ]);
  });

  it('keeps rows on one line and handles no objectives', () => {
    const rows = verdictTable(specialReport());
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/[\r\n]/);
    expect(verdictTable(emptyReport())).toEqual([['Objective', 'Target', 'Actual', 'Result']]);
  });
});
