import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { loadScenarioFile, loadScenarioText } from './load.js';
import type { LoadOptions, LoadResult } from './load.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const fixtures = join(root, 'test/fixtures/scenarios');
const tmp = mkdtempSync(join(tmpdir(), 'gameday-load-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SLOW_MS = 250;

/** Load and time it; a slow load is reported (not failed: machines differ). */
async function timed(name: string, load: () => Promise<LoadResult> | LoadResult): Promise<LoadResult> {
  const start = performance.now();
  const result = await load();
  const ms = performance.now() - start;
  // eslint-disable-next-line no-console
  if (ms > SLOW_MS) console.warn(`slow scenario load: ${name} took ${ms.toFixed(0)}ms`);
  return result;
}

/** The lines a user reads, with the file shown by its base name. */
function lines(diagnostics: Diagnostic[]): string[] {
  return diagnostics.flatMap((d) => formatDiagnostic({ ...d, file: basename(d.file) }).split('\n'));
}

async function loadFixture(kind: 'valid' | 'invalid', name: string, options: LoadOptions = { env: {} }) {
  return timed(name, () => loadScenarioFile(join(fixtures, kind, name), options));
}

const FOREIGN_HINT =
  '  hint: a gameday scenario starts with "apiVersion: gameday/v1" and "kind: Scenario"; see schema/scenario.schema.json and the examples in scenarios/sandbox/';

/** Every invalid fixture and the exact output `gameday validate` prints for it. */
const INVALID: Record<string, string[]> = {
  'unknown-key.yaml': [
    'unknown-key.yaml:6:5: targets.sandbox.replicaz: unknown key "replicaz"',
    '  hint: did you mean "replicas"? allowed keys: url, replicas, zones, startupDelay, database, regions, replicationLag',
  ],
  'wrong-type.yaml': ['wrong-type.yaml:8:14: steps[0].select.count: expected an integer, got the string "two"'],
  'unknown-fault.yaml': [
    'unknown-fault.yaml:6:12: steps[0].fault: unknown fault type "pod-kil"',
    '  hint: did you mean "pod-kill"? fault types: pod-kill, zone-outage, spot-interruption, db-failover, region-failover, az-outage, fis-experiment',
  ],
  'unknown-probe-kind.yaml': [
    'unknown-probe-kind.yaml:7:5: probes.api.grpc: unknown probe kind "grpc"',
    '  hint: probe kinds: http, tcp, sql, command, sandbox, kubernetes, cloudwatch, rds, prometheus',
  ],
  'undefined-probe.yaml': [
    'undefined-probe.yaml:10:18: steps[1].wait.for: probe "apii" is not defined',
    '  hint: did you mean "api"? defined probes: api, fleet',
  ],
  'interval-too-short.yaml': [
    'interval-too-short.yaml:8:15: probes.fleet.interval: probe interval must be at least 50ms, got 10ms',
    '  hint: sampling faster than 20 times a second measures the harness more than the system',
  ],
  'bad-duration.yaml': [
    'bad-duration.yaml:9:34: steps[1].wait.timeout: expected a duration such as "250ms", "30s", "5m" or "1h", got the string "5 minutes"',
    '  hint: write "5m"',
  ],
  'percent-over-100.yaml': [
    'percent-over-100.yaml:10:36: objectives.availability.min: a percentage must be at most 100%, got 150%',
  ],
  'chaos-mesh.yaml': [
    'chaos-mesh.yaml:1:1: apiVersion: this looks like a Chaos Mesh PodChaos manifest, not a gameday scenario',
    FOREIGN_HINT,
  ],
  'litmus.yaml': [
    'litmus.yaml:1:1: apiVersion: this looks like a LitmusChaos ChaosEngine manifest, not a gameday scenario',
    FOREIGN_HINT,
  ],
  'kubernetes.yaml': [
    'kubernetes.yaml:1:1: apiVersion: this looks like a Kubernetes Deployment manifest (apiVersion "apps/v1"), not a gameday scenario',
    FOREIGN_HINT,
  ],
  'chaos-toolkit.yaml': [
    'chaos-toolkit.yaml:4:1: steady-state-hypothesis: this looks like a Chaos Toolkit experiment, not a gameday scenario',
    FOREIGN_HINT,
  ],
  'fis-template.yaml': [
    'fis-template.yaml:9:1: actions: this looks like an AWS FIS experiment template, not a gameday scenario',
    FOREIGN_HINT,
  ],
  'krkn.yaml': ['krkn.yaml:1:1: kraken: this looks like a Krkn (kraken) config, not a gameday scenario', FOREIGN_HINT],
  'empty.yaml': [
    'empty.yaml:1:1: the file is empty',
    '  hint: a scenario starts with "apiVersion: gameday/v1" and "kind: Scenario"',
  ],
  'comments-only.yaml': [
    'comments-only.yaml:1:1: the file has no content (only comments or blank lines)',
    '  hint: a scenario starts with "apiVersion: gameday/v1" and "kind: Scenario"',
  ],
  'alias-bomb.yaml': [
    'alias-bomb.yaml:1:1: too many alias expansions (more than 50); refusing to expand this document',
    '  hint: nested YAML aliases (*name) multiply; write the values out or use fewer aliases',
  ],
  'unset-variable.yaml': [
    'unset-variable.yaml:8:12: probes.api.http.url: environment variable API_URL is not set',
    '  hint: export API_URL=… or write ${API_URL:-default}',
  ],
  'multiple-documents.yaml': [
    'multiple-documents.yaml:7:1: the file holds 2 YAML documents; a scenario file holds one',
    '  hint: put each scenario in its own file, or remove the "---" separator',
  ],
  'missing-required.yaml': [
    'missing-required.yaml:1:1: missing required key "targets"',
    '  hint: add "targets: { sandbox: {} }"',
    'missing-required.yaml:1:1: a scenario needs "steps" (a chaos experiment) or "drill" (a backup-restore drill)',
    '  hint: add "steps:" with at least one step, e.g. "- fault: pod-kill", or a "drill:" section',
    'missing-required.yaml:3:1: metadata: missing required key "name"',
    '  hint: the scenario name, e.g. "name: my-scenario"; reports are written under it',
  ],
  'kubernetes-ambiguous-target.yaml': [
    'kubernetes-ambiguous-target.yaml:8:12: steps[0].fault: fault "pod-kill" could act on sandbox or kubernetes',
    '  hint: add "target: kubernetes" (or sandbox) to the step',
    'kubernetes-ambiguous-target.yaml:11:13: steps[1].target: target kubernetes cannot inject fault "db-failover"',
    '  hint: targets that can: sandbox, aws',
  ],
  'kubernetes-pod-kill.yaml': [
    'kubernetes-pod-kill.yaml:10:5: steps[0].select: pod-kill on kubernetes needs select.labels',
    '  hint: e.g. select: { labels: { app: connectkit }, count: 2 }',
    'kubernetes-pod-kill.yaml:10:36: steps[0].select.namespace: namespace "kube-system" is not in guards.allowedNamespaces (production)',
    '  hint: add the namespace to guards.allowedNamespaces, or act on an allowed one',
    'kubernetes-pod-kill.yaml:11:5: steps[0].signal: "signal" applies to the sandbox, not to kubernetes',
    '  hint: on kubernetes use "mode: delete" or "mode: evict", and "grace"',
    'kubernetes-pod-kill.yaml:14:16: steps[1].podAction: expected one of "evict", "delete", got the string "drain"',
  ],
  'kubernetes-probe.yaml': [
    'kubernetes-probe.yaml:8:5: probes.fleet.kubernetes: probe "fleet" watches Kubernetes, but targets.kubernetes is not set',
    '  hint: add "targets: { kubernetes: { context: …, namespace: … } }"',
    'kubernetes-probe.yaml:8:47: probes.fleet.kubernetes.pdb: kubernetes probe "fleet" watches more than one thing (deployment, pdb)',
    '  hint: split it into one probe per thing watched',
    'kubernetes-probe.yaml:10:5: probes.nodes.kubernetes: probe "nodes" watches Kubernetes, but targets.kubernetes is not set',
    '  hint: add "targets: { kubernetes: { context: …, namespace: … } }"',
    'kubernetes-probe.yaml:10:44: probes.nodes.kubernetes.readyAtLeast: "readyAtLeast" applies to deployment, statefulSet, not to nodesReady',
    'kubernetes-probe.yaml:12:5: probes.nothing.kubernetes: probe "nothing" watches Kubernetes, but targets.kubernetes is not set',
    '  hint: add "targets: { kubernetes: { context: …, namespace: … } }"',
    'kubernetes-probe.yaml:12:5: probes.nothing.kubernetes: kubernetes probe "nothing" watches nothing',
    '  hint: give it one of: deployment, statefulSet, pdb, podRestarts, nodesReady',
    'kubernetes-probe.yaml:15:5: steps[0].mode: "mode" applies to kubernetes, not to sandbox',
    '  hint: add "target: kubernetes" to the step (and targets.kubernetes), or remove the key',
  ],
  'several-errors.yaml': [
    'several-errors.yaml:9:15: probes.api.interval: probe interval must be at least 50ms, got 10ms',
    '  hint: sampling faster than 20 times a second measures the harness more than the system',
    'several-errors.yaml:12:5: probes.fleet.intervall: unknown key "intervall"',
    '  hint: did you mean "interval"? allowed keys: http, tcp, sql, command, sandbox, kubernetes, cloudwatch, rds, prometheus, interval, timeout',
    'several-errors.yaml:15:25: steps[0].select.percent: use either "count" or "percent" in select, not both',
    'several-errors.yaml:16:5: steps[1]: missing required key "zone"',
    '  hint: the zone to act on, e.g. "zone: a"',
    'several-errors.yaml:17:18: steps[2].wait.for: probe "flet" is not defined',
    '  hint: did you mean "fleet"? defined probes: api, fleet',
    'several-errors.yaml:18:5: steps[3]: a step needs one of "fault", "wait", "verify", "checkpoint" or "action"',
    '  hint: write "- fault: pod-kill", "- wait: { for: <probe> }" or "- verify: { probe: <probe> }"',
    'several-errors.yaml:20:45: objectives.rto.stableFor: stableFor (5m) must be shorter than the recovery timeout (2m)',
    '  hint: raise rollback.recoveryTimeout or lower stableFor',
    'several-errors.yaml:21:36: objectives.availability.min: a percentage must be at most 100%, got 101%',
  ],
};

describe('invalid fixtures', () => {
  it('has an expectation for every fixture file', () => {
    expect(readdirSync(join(fixtures, 'invalid')).sort()).toEqual(Object.keys(INVALID).sort());
  });

  for (const [name, expected] of Object.entries(INVALID)) {
    it(`reports ${name}`, async () => {
      const result = await loadFixture('invalid', name);
      expect(lines(result.diagnostics)).toEqual(expected);
      expect(result.scenario).toBeUndefined();
      expect(result.diagnostics.every((d) => d.severity === 'error')).toBe(true);
    });
  }

  it('uses stable codes', async () => {
    const codes = async (name: string) => (await loadFixture('invalid', name)).diagnostics.map((d) => d.code);
    expect(await codes('unknown-key.yaml')).toEqual(['unknown-key']);
    expect(await codes('wrong-type.yaml')).toEqual(['wrong-type']);
    expect(await codes('unknown-fault.yaml')).toEqual(['unknown-fault']);
    expect(await codes('unknown-probe-kind.yaml')).toEqual(['unknown-probe-kind']);
    expect(await codes('undefined-probe.yaml')).toEqual(['undefined-probe']);
    expect(await codes('interval-too-short.yaml')).toEqual(['out-of-range']);
    expect(await codes('bad-duration.yaml')).toEqual(['invalid-format']);
    expect(await codes('chaos-mesh.yaml')).toEqual(['foreign-format']);
    expect(await codes('empty.yaml')).toEqual(['empty-file']);
    expect(await codes('comments-only.yaml')).toEqual(['empty-file']);
    expect(await codes('alias-bomb.yaml')).toEqual(['alias-limit']);
    expect(await codes('unset-variable.yaml')).toEqual(['unset-variable']);
    expect(await codes('multiple-documents.yaml')).toEqual(['multiple-documents']);
    expect(await codes('missing-required.yaml')).toEqual(['missing-key', 'missing-key', 'missing-key']);
  });
});

describe('reading files', () => {
  it('refuses binary content: NUL bytes and invalid UTF-8', async () => {
    const nul = Buffer.from('apiVersion: gameday/v1\nkind: Scen\u0000ario\n', 'utf8');
    const file = join(tmp, 'binary.yaml');
    writeFileSync(file, nul);
    const fromFile = await timed('binary.yaml', () => loadScenarioFile(file));
    expect(lines(fromFile.diagnostics)).toEqual([
      'binary.yaml: is not a text file (it contains NUL bytes)',
      '  hint: a scenario is a UTF-8 YAML text file',
    ]);
    expect(fromFile.diagnostics[0]?.code).toBe('binary-file');
    const latin1 = loadScenarioText(Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]), 'latin1.yaml');
    expect(lines(latin1.diagnostics)[0]).toBe('latin1.yaml: is not a text file (it is not valid UTF-8)');
  });

  it('refuses an oversized file before parsing it', async () => {
    const file = join(tmp, 'huge.yaml');
    writeFileSync(file, `# ${'x'.repeat(1024 * 1024)}\n`);
    const result = await timed('huge.yaml', () => loadScenarioFile(file));
    expect(lines(result.diagnostics)).toEqual([
      'huge.yaml: the file is 1048579 bytes, more than the 1048576-byte limit for a scenario',
      '  hint: a scenario is a few kilobytes; is this the right file?',
    ]);
    expect(result.diagnostics[0]?.code).toBe('too-large');
    expect(loadScenarioText('a: 1\n', 'small.yaml', { maxBytes: 3 }).diagnostics[0]?.code).toBe('too-large');
  });

  it('reports a missing file and a directory', async () => {
    const missing = await loadScenarioFile(join(tmp, 'nope.yaml'));
    expect(lines(missing.diagnostics)).toEqual([
      'nope.yaml: no such file',
      '  hint: check the path; scenario files usually live under scenarios/',
    ]);
    expect(missing.diagnostics[0]?.code).toBe('not-found');
    const dir = await loadScenarioFile(tmp);
    expect(dir.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['not-a-file', 'is a directory, not a scenario file'],
    ]);
  });
});

const HEAD = 'apiVersion: gameday/v1\nkind: Scenario\nmetadata: { name: t }\n';
const text = (body: string, options: LoadOptions = { env: {} }) => loadScenarioText(HEAD + body, 't.yaml', options);

describe('parsing', () => {
  it('reports YAML syntax errors with their position, once', () => {
    expect(lines(text('targets:\n\tsandbox: {}\nsteps: []\n').diagnostics)).toEqual([
      't.yaml:5:1: tabs are not allowed as indentation',
      '  hint: indent with spaces',
    ]);
    expect(lines(text('targets: { sandbox: {} }\nsteps: [{ fault: pod-kill }]\nsteps: []\n').diagnostics)).toEqual([
      't.yaml:6:1: map keys must be unique',
      '  hint: each key may appear once per mapping; remove or merge the duplicate',
    ]);
  });

  it('points at an unresolved alias', () => {
    expect(lines(text('targets: *nope\nsteps: [{ fault: pod-kill }]\n').diagnostics)).toEqual([
      't.yaml:4:10: unresolved alias (the anchor must be set before the alias): nope',
      '  hint: define the anchor (&name) before the alias (*name) that uses it',
    ]);
  });

  it('accepts modest anchors and aliases, a byte-order mark and CRLF line ends', () => {
    const body =
      'targets: { sandbox: {} }\nprobes:\n  a: &p { sandbox: {}, interval: 100ms }\n  b: *p\nsteps: [{ fault: pod-kill }]\n';
    expect(text(body).diagnostics).toEqual([]);
    const crlf = loadScenarioText(`\uFEFF${HEAD}${body}`.replace(/\n/g, '\r\n'), 't.yaml');
    expect(crlf.scenario?.probes.b?.intervalMs).toBe(100);
  });

  it('says what the top level should be', () => {
    expect(lines(loadScenarioText('- a\n- b\n', 'list.yaml').diagnostics)[0]).toBe(
      'list.yaml:1:1: expected a mapping with apiVersion, kind, metadata, targets and steps, got a list',
    );
  });
});

describe('variables', () => {
  const probe = (url: string) =>
    `targets: { sandbox: {} }\nprobes:\n  api: { http: { url: "${url}" } }\nsteps: [{ fault: pod-kill }]\n`;
  const url = (r: LoadResult) => {
    const check = r.scenario?.probes.api?.check;
    return check?.kind === 'http' ? check.url : undefined;
  };

  it('substitutes ${VAR}, ${VAR:-default} and the $${ escape', () => {
    expect(url(text(probe('${API_URL}/health'), { env: { API_URL: 'http://x:1' } }))).toBe('http://x:1/health');
    expect(url(text(probe('${API_URL:-http://localhost}/health'), { env: {} }))).toBe('http://localhost/health');
    expect(url(text(probe('${API_URL:-http://localhost}/h'), { env: { API_URL: '' } }))).toBe('http://localhost/h');
    expect(url(text(probe('http://x/$${literal}'), { env: {} }))).toBe('http://x/${literal}');
  });

  it('leaves runtime variables for the runner, but only with a sandbox target', () => {
    expect(url(text(probe('${SANDBOX_API_URL}/health')))).toBe('${SANDBOX_API_URL}/health');
    const body =
      'targets: {}\nprobes:\n  api: { http: { url: "${SANDBOX_API_URL}/x" } }\nsteps: [{ wait: { duration: 1s } }]\n';
    expect(lines(text(body).diagnostics)).toEqual([
      't.yaml:6:23: probes.api.http.url: ${SANDBOX_API_URL} comes from the sandbox target, and this scenario has none',
      '  hint: add "targets: { sandbox: {} }", or use a variable of your own such as ${API_URL}',
      't.yaml:7:1: warning: steps: no step injects a fault, so there is nothing to recover from',
      '  hint: add a step such as "- fault: pod-kill"',
    ]);
  });

  it('gives an unquoted whole-value variable the type its value reads as', () => {
    const body =
      'targets: { sandbox: {} }\nprobes:\n  db:\n    tcp:\n      host: localhost\n      port: ${PG_PORT}\nsteps: [{ fault: pod-kill }]\n';
    const check = text(body, { env: { PG_PORT: '5432' } }).scenario?.probes.db?.check;
    expect(check).toEqual({ kind: 'tcp', host: 'localhost', port: 5432 });
  });

  it('reports malformed references', () => {
    expect(text(probe('${bad name}')).diagnostics.map((d) => d.code)).toEqual(['bad-interpolation']);
  });
});

describe('shape messages', () => {
  const sandbox = 'targets: { sandbox: {} }\n';
  it('does not list every union alternative', () => {
    expect(
      lines(text(`${sandbox}steps:\n  - fault: pod-kill\n    signl: SIGKILL\n  - wait: {}\n`).diagnostics),
    ).toEqual([
      't.yaml:7:5: steps[0].signl: unknown key "signl"',
      '  hint: did you mean "signal"? allowed keys: fault, name, measure, target, select, signal, grace, mode, evictionTimeout, repeat',
      't.yaml:8:5: steps[1].wait: missing required key "for"',
    ]);
    expect(
      lines(text(`${sandbox}guards: { maxUnavailable: true }\nsteps: [{ fault: pod-kill }]\n`).diagnostics),
    ).toEqual(['t.yaml:5:27: guards.maxUnavailable: expected a percentage such as "40%" or an integer, got true']);
  });

  it('explains a step with two actions', () => {
    expect(lines(text(`${sandbox}steps:\n  - fault: pod-kill\n    wait: { duration: 1s }\n`).diagnostics)).toEqual([
      't.yaml:7:5: steps[0].wait: a step has exactly one of "fault", "wait", "verify", "checkpoint" or "action"; this one has "fault" and "wait"',
      '  hint: split it into one step per action',
    ]);
  });

  it('suggests fixes for common type slips', () => {
    const body = `targets: { sandbox: { replicas: "6" } }\nprobes:\n  f: { sandbox: {}, interval: 100 }\nsteps: [{ fault: pod-kill, signal: SIGKIL }]\n`;
    expect(lines(text(body).diagnostics)).toEqual([
      't.yaml:4:33: targets.sandbox.replicas: expected an integer, got the string "6"',
      '  hint: write the number without quotes: 6',
      't.yaml:6:31: probes.f.interval: expected a duration such as "30s", got the number 100',
      '  hint: add a unit: "100ms" or "100s"',
      't.yaml:7:36: steps[0].signal: expected one of "SIGKILL", "SIGTERM", got the string "SIGKIL"',
      '  hint: did you mean "SIGKILL"?',
    ]);
  });

  it('reports an unknown top-level key once, not also as a missing one', () => {
    expect(lines(text(`${sandbox}step: [{ fault: pod-kill }]\n`).diagnostics)).toEqual([
      't.yaml:5:1: step: unknown key "step"',
      '  hint: did you mean "steps"? allowed keys: apiVersion, kind, metadata, targets, guards, probes, load, markers, slos, steadyState, steps, drill, objectives, rollback, notify',
    ]);
  });
});

describe('semantic rules', () => {
  const codes = (body: string) => text(body).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`);

  it('checks probe kinds', () => {
    expect(
      codes(
        'targets: { sandbox: {} }\nprobes:\n  f: { sandbox: {}, tcp: { host: h, port: 1 } }\n  g: { interval: 1s }\nsteps: [{ fault: pod-kill }]\n',
      ),
    ).toEqual(['error multiple-probe-kinds probes.f.sandbox', 'error missing-probe-kind probes.g']);
  });

  it('checks zones against the allow-list and the sandbox', () => {
    expect(
      codes(
        'targets: { sandbox: {} }\nguards: { allowedZones: [a] }\nsteps: [{ fault: zone-outage, zone: b }, { fault: pod-kill, select: { count: 9 } }]\n',
      ),
    ).toEqual(['error zone-not-allowed steps[0].zone', 'error out-of-range steps[1].select.count']);
    expect(codes('targets: { sandbox: {} }\nsteps: [{ fault: zone-outage, zone: d }]\n')).toEqual([
      'error unknown-zone steps[0].zone',
    ]);
  });

  it('requires the sandbox target and its database where they are used', () => {
    expect(codes('targets: {}\nprobes:\n  f: { sandbox: {} }\nsteps: [{ fault: pod-kill }]\n')).toEqual([
      'error missing-target probes.f.sandbox',
      'error missing-target steps[0].fault',
    ]);
    const db =
      'targets: { sandbox: { database: false } }\nprobes:\n  db: { sql: { url: "${SANDBOX_DATABASE_URL}" } }\n' +
      'markers: { postgres: { url: "${SANDBOX_DATABASE_URL}" } }\nsteps: [{ fault: db-failover }]\n';
    expect(codes(db)).toEqual([
      'error needs-database probes.db.sql.url',
      'error needs-database markers.postgres.url',
      'error needs-database steps[0].fault',
    ]);
    expect(
      codes('targets: { sandbox: {} }\nsteps: [{ fault: db-failover }]\nobjectives: { rpo: { max: 1s } }\n'),
    ).toEqual(['error missing-markers objectives.rpo']);
  });

  it('checks load forms', () => {
    const load = (b: string) =>
      codes(`targets: { sandbox: {} }\nload: { builtin: { url: u, ${b} } }\nsteps: [{ fault: pod-kill }]\n`);
    expect(load('rate: 1/s')).toEqual(['error missing-key load.builtin']);
    expect(load('rate: 1/s, stages: [{ rate: 1/s, duration: 1s }]')).toEqual([
      'error conflicting-keys load.builtin.rate',
    ]);
    expect(load('connections: 1')).toEqual(['error missing-key load.builtin']);
  });

  it('warns without failing: no fault, coarse rto probe', () => {
    const result = text(
      'targets: { sandbox: {} }\nprobes:\n  f: { sandbox: {}, interval: 5s }\nsteps: [{ wait: { for: f } }]\nobjectives: { rto: { probe: f, max: 10s } }\n',
    );
    expect(lines(result.diagnostics)).toEqual([
      't.yaml:6:31: warning: probes.f.interval: probe "f" samples every 5s, more than a tenth of the rto max (10s)',
      '  hint: RTO is measured to within one interval; use "interval: 1s" or less',
      't.yaml:7:1: warning: steps: no step injects a fault, so there is nothing to recover from',
      '  hint: add a step such as "- fault: pod-kill"',
    ]);
    expect(result.scenario).toBeDefined();
  });

  it('rejects duplicate step names', () => {
    expect(
      codes('targets: { sandbox: {} }\nsteps: [{ fault: pod-kill, name: k }, { fault: pod-kill, name: k }]\n'),
    ).toEqual(['error duplicate-name steps[1].name']);
  });
});

describe('formatDiagnostic', () => {
  const d: Diagnostic = { file: 'a.yaml', line: 3, col: 7, path: 'x.y', code: 'c', severity: 'error', message: 'bad' };
  it('prints one line, or two with a hint, and omits the position for whole-file problems', () => {
    expect(formatDiagnostic(d)).toBe('a.yaml:3:7: x.y: bad');
    expect(formatDiagnostic({ ...d, hint: 'do this' })).toBe('a.yaml:3:7: x.y: bad\n  hint: do this');
    expect(formatDiagnostic({ ...d, line: 0, col: 0, path: '' })).toBe('a.yaml: bad');
    expect(formatDiagnostic({ ...d, severity: 'warning' })).toBe('a.yaml:3:7: warning: x.y: bad');
  });
});

describe('valid fixtures and the sandbox catalog', () => {
  it('resolves the minimal scenario with every default', async () => {
    const file = join(fixtures, 'valid/minimal.yaml');
    const result = await loadFixture('valid', 'minimal.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.scenario).toEqual({
      name: 'minimal',
      file,
      targets: { sandbox: { replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 1000, database: false } },
      guards: { abortWhen: [], timeoutMs: 900_000 },
      probes: {
        fleet: { name: 'fleet', kind: 'sandbox', intervalMs: 1000, timeoutMs: 1000, check: { kind: 'sandbox' } },
      },
      markers: {},
      steadyState: ['fleet'],
      steps: [
        {
          kind: 'fault',
          name: 'pod-kill #1',
          target: 'sandbox',
          fault: { type: 'pod-kill', select: { count: 1, order: 'random' }, signal: 'SIGKILL', graceMs: 5000 },
        },
        {
          kind: 'fault',
          name: 'pod-kill #2',
          target: 'sandbox',
          fault: { type: 'pod-kill', select: { count: 1, order: 'random' }, signal: 'SIGKILL', graceMs: 5000 },
        },
        { kind: 'wait-probe', name: 'wait for fleet #1', probe: 'fleet', timeoutMs: 300_000 },
        { kind: 'verify', name: 'verify fleet #1', probe: 'fleet', timeoutMs: 30_000 },
        { kind: 'sleep', name: 'sleep 10s #1', durationMs: 10_000 },
      ],
      objectives: { availability: [], latency: [] },
      rollback: { recoveryTimeoutMs: 120_000, steadyStateAfter: true, timeoutMs: 120_000 },
    });
  });

  it('resolves every field of the full scenario', async () => {
    const result = await loadFixture('valid', 'full.yaml', { env: {} });
    expect(result.diagnostics).toEqual([]);
    const s = result.scenario;
    expect(s?.targets.sandbox).toEqual({
      replicas: 9,
      zones: ['a', 'b', 'c', 'd'],
      startupDelayMs: 500,
      database: true,
    });
    expect(s?.guards).toEqual({
      allowedZones: ['b', 'c'],
      maxUnavailable: { percent: 40 },
      abortWhen: [{ probe: 'api', availabilityBelow: 50, forMs: 30_000 }],
      timeoutMs: 1_200_000,
    });
    expect(s?.probes.api).toEqual({
      name: 'api',
      kind: 'http',
      intervalMs: 250,
      timeoutMs: 2000,
      check: {
        kind: 'http',
        url: 'http://localhost:8080/health',
        method: 'HEAD',
        headers: { 'x-token': '${not-a-variable}' },
        expectStatus: [200, 204],
        maxLatencyMs: 300,
      },
    });
    expect(s?.probes.check?.timeoutMs).toBe(2000);
    expect(s?.load?.stages).toEqual([
      { fromRatePerSec: 10, toRatePerSec: 10, durationMs: 10_000 },
      { fromRatePerSec: 10, toRatePerSec: 100, durationMs: 60_000 },
    ]);
    expect(s?.markers).toEqual({ postgres: { url: '${SANDBOX_DATABASE_URL}', intervalMs: 50, table: 'markers' } });
    expect(s?.steadyState).toEqual(['api', 'db']);
    expect(s?.steps.map((step) => step.name)).toEqual([
      'kill some',
      'zone-outage #1',
      'spot-interruption #1',
      'db-failover #1',
      'wait for api #1',
    ]);
    expect(s?.steps[0]).toEqual({
      kind: 'fault',
      name: 'kill some',
      target: 'sandbox',
      fault: {
        type: 'pod-kill',
        select: { percent: 20, zone: 'b', order: 'oldest' },
        signal: 'SIGTERM',
        graceMs: 3000,
        repeat: { everyMs: 10_000, times: 3 },
      },
    });
    expect(s?.steps[2]).toMatchObject({
      fault: { type: 'spot-interruption', select: { count: 1, capacity: 'spot' }, noticeMs: 120_000, graceMs: 5000 },
    });
    expect(s?.objectives).toEqual({
      rto: { probe: 'api', maxMs: 60_000, stableForMs: 5000 },
      rpo: { maxMs: 1000, maxLostWrites: 0 },
      availability: [
        { probe: 'api', window: 'during', min: 99.5 },
        { probe: 'db', window: 'run', min: 90 },
      ],
      latency: [{ probe: 'api', window: 'run', percentiles: { p50: 50, p99: 400 } }],
      load: { maxErrorRate: 1, p95Ms: 300, p99Ms: 1000 },
    });
    expect(s?.rollback).toEqual({ recoveryTimeoutMs: 300_000, steadyStateAfter: false, timeoutMs: 60_000 });
  });

  const catalog = join(root, 'scenarios/sandbox');
  for (const name of ['pod-kill.yaml', 'zone-outage.yaml', 'spot-interruption.yaml', 'db-failover.yaml']) {
    it(`validates and resolves scenarios/sandbox/${name} without any diagnostic`, async () => {
      const result = await timed(name, () => loadScenarioFile(join(catalog, name), { env: {} }));
      expect(lines(result.diagnostics)).toEqual([]);
      const s = result.scenario;
      expect(s?.targets.sandbox).toMatchObject({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 1000 });
      expect(s?.targets.sandbox?.database).toBe(name === 'db-failover.yaml');
      expect(s?.probes.api?.intervalMs).toBe(100);
      expect(s?.probes.fleet?.check).toEqual({ kind: 'sandbox' });
      expect(s?.objectives.rto).toMatchObject({ maxMs: 30_000, stableForMs: 2000 });
    });
  }
});
