// `load.k6.operator` against the real control plane (infra-fixtures/kubernetes), which serves the k6-operator's
// TestRun CRD (infra-fixtures/kubernetes/crds/k6-testrun.yaml, schema validation on). The real CLI runs as the
// restricted `gameday` user with exactly the RBAC `gameday rbac` prints for the scenario: the TestRun and the
// script ConfigMap it creates are accepted by the API server, hold the expected spec, and are deleted —
// after the TestRun finished, when it missed its deadline, when the run was stopped (SIGTERM), and by
// `gameday rollback` after the run was killed with SIGKILL.
//
// What cannot run here, and the one stand-in: no k6-operator controller runs in the fixture, and kwok's
// fake nodes cannot run k6 pods, so no load is generated and no runner Job or pod ever exists. The test
// plays the operator's part in the only way gameday sees it: it sets the TestRun's status.stage through the
// status subresource (as the operator's reconciler does). Everything else — the API server, the CRD
// validation, RBAC, the CLI, the journal, rollback — is real.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { readJournal } from '../../src/runner/journal.js';
import { eventually, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { testTempDir } from '../helpers/tmp.js';
import { NAMESPACE, grantGeneratedRbac, startFixture, type Fixture } from './cluster.js';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
}, 15 * 60_000);

afterAll(async () => {
  await fixture?.stop();
}, 60_000);

const TESTRUNS = `/apis/k6.io/v1alpha1/namespaces/${NAMESPACE}/testruns`;
const CONFIGMAPS = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
const MANAGED = 'labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgameday';
const SCRIPT = `import http from 'k6/http';\nexport default function () { http.get(__ENV.API_URL); }\n`;

interface TestRunObject {
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { stage?: string };
}

const env = (): Record<string, string> => ({ KUBECONFIG: fixture.kubeconfig });

/** A scenario with k6-operator load in a temp dir of the test; `timeout` is the TestRun's deadline. */
function writeScenario(name: string, opts: { timeout: string; namespace?: string }): { file: string; dir: string } {
  const dir = testTempDir(`k6op-${name}`);
  writeFileSync(join(dir, 'load.js'), SCRIPT);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: gameday/v1
kind: Scenario
metadata: { name: ${name} }
targets:
  kubernetes: { context: gameday, namespace: ${NAMESPACE} }
guards: { allowedNamespaces: [${NAMESPACE}], timeout: 5m }
probes:
  fleet: { kubernetes: { deployment: connectkit-app, readyAtLeast: 5 }, interval: 500ms }
load:
  k6:
    script: load.js
    vus: 40
    duration: 30s
    env: { API_URL: 'http://connectkit-app.production.svc/contacts' }
    operator: { parallelism: 3, timeout: ${opts.timeout}${opts.namespace ? `, namespace: ${opts.namespace}` : ''} }
steps:
  - wait: { for: fleet, timeout: 30s }
objectives:
  availability: { probe: fleet, window: run, min: 100% }
`,
  );
  return { file, dir };
}

/** The TestRuns and ConfigMaps gameday made in the namespace (by its managed-by label). */
async function leftovers(): Promise<string[]> {
  const runs = (await fixture.admin.get(`${TESTRUNS}?${MANAGED}`)).items.map((o) => `TestRun ${o.metadata.name}`);
  const maps = (await fixture.admin.get(`${CONFIGMAPS}?${MANAGED}`)).items.map((o) => `ConfigMap ${o.metadata.name}`);
  return [...runs, ...maps];
}

/** Wait until the run has created its TestRun (or ended without one). */
async function createdTestRun(done: Started['state']): Promise<TestRunObject> {
  return eventually(
    async () => {
      if (done.exited) throw new Error(`the run ended before creating a TestRun:\n${done.result?.stderr ?? ''}`);
      const list = (await fixture.admin.get(`${TESTRUNS}?${MANAGED}`)).items as unknown as TestRunObject[];
      return list[0];
    },
    60_000,
    'the TestRun gameday creates',
  );
}

/** Play the operator: set status.stage through the status subresource. */
async function setStage(name: string, stage: string): Promise<void> {
  await fixture.admin.request('PATCH', `${TESTRUNS}/${name}/status`, {
    body: { status: { stage } },
    contentType: 'application/merge-patch+json',
  });
}

interface Started {
  child: ReturnType<typeof startCli>['child'];
  /** Whether it exited, and what it printed so far. */
  state: { exited: boolean; out: string; result?: CliResult };
  done: Promise<CliResult>;
}

function start(file: string, reportDir: string): Started {
  const { child, done } = startCli(['run', file, '--report-dir', reportDir], env());
  const state: Started['state'] = { exited: false, out: '' };
  child.stdout?.on('data', (d: Buffer) => (state.out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (state.out += d.toString()));
  void done.then((r) => {
    state.exited = true;
    state.result = r;
  });
  return { child, state, done };
}

function runDirOf(reportDir: string, scenario: string): string {
  const runs = readdirSync(join(reportDir, scenario));
  expect(runs).toHaveLength(1);
  return join(reportDir, scenario, runs[0] as string);
}

function reportOf(runDir: string): Report {
  return JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
}

/** The journal's story of the TestRun: its intent with the undo, applied, and undone. */
function journalOfTestRun(runDir: string): { undo: unknown; applied: boolean; undone: string | undefined } {
  const entries = readJournal(join(runDir, 'journal.ndjson'));
  const intent = entries.find((e) => e.type === 'intent' && e.undo.op === 'delete-k6-testrun');
  if (intent?.type !== 'intent') throw new Error('no journaled TestRun');
  const undone = entries.find((e) => e.type === 'undone' && e.id === intent.id);
  return {
    undo: intent.undo,
    applied: entries.some((e) => e.type === 'applied' && e.id === intent.id),
    undone: undone?.type === 'undone' ? (undone.detail ?? '') : undefined,
  };
}

/** The journal's detail when both objects were deleted. */
const deletedBoth = (name: string): string => `TestRun ${NAMESPACE}/${name} deleted, ConfigMap ${name}-script deleted`;

/**
 * Run a scenario (with its `gameday rbac` granted) until its TestRun exists and the operator — played by the
 * test — has started it; then `body` ends the run its own way. The grant is revoked afterwards.
 */
async function withStartedRun(
  scenario: string,
  timeout: string,
  body: (r: { run: Started; name: string; runDir: () => string }) => Promise<void>,
): Promise<void> {
  const { file, dir } = writeScenario(scenario, { timeout });
  const revoke = await grantGeneratedRbac(fixture.admin, file, env());
  try {
    const reportDir = join(dir, 'reports');
    const run = start(file, reportDir);
    const name = (await createdTestRun(run.state)).metadata.name;
    await setStage(name, 'started');
    await body({ run, name, runDir: () => runDirOf(reportDir, scenario) });
  } finally {
    await revoke();
  }
}

describe('load.k6.operator on the real API server', () => {
  it('the CRD validates: a TestRun without a script or with a text parallelism is refused', async () => {
    const bad = await fixture.admin.request('POST', TESTRUNS, {
      body: { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 'bad' }, spec: { parallelism: 'x' } },
      allow: [422],
    });
    const message = JSON.stringify(bad);
    expect(message).toMatch(/spec.parallelism/);
    expect(message).toMatch(/spec.script: Required value/);
  });

  it('preflight refuses a run whose user may not create TestRuns (exit 2, nothing created); gameday rbac grants it', async () => {
    const { file, dir } = writeScenario('k6op-preflight', { timeout: '60s' });
    const r = await runCli(['run', file, '--report-dir', join(dir, 'reports')], env());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`needs create on testruns.k6.io in ${NAMESPACE}`);
    // (ConfigMaps it may create already: the shared lock mirrors every run's journal into one.)
    expect(await leftovers()).toEqual([]);

    const rbac = await runCli(['rbac', file], env());
    expect(rbac.code, rbac.stderr).toBe(0);
    expect(rbac.stdout).toMatch(
      /- k6\.io\n\s+resources:\n\s+- testruns\n\s+verbs:\n\s+- get\n\s+- create\n\s+- delete/,
    );
  }, 60_000);

  it('creates the TestRun as specified, waits for the operator to finish it, then deletes it and its ConfigMap', async () => {
    const { file, dir } = writeScenario('k6op-finish', { timeout: '2m' });
    const revoke = await grantGeneratedRbac(fixture.admin, file, env());
    try {
      const plan = await runCli(['plan', file], env());
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain(
        'k6-operator: load.js as a TestRun of 3 runner(s) in namespace production, arguments: --no-usage-report --vus 40 --duration 30s',
      );
      expect(await leftovers()).toEqual([]);
      const reportDir = join(dir, 'reports');
      const run = start(file, reportDir);
      const testRun = await createdTestRun(run.state);
      const name = testRun.metadata.name;
      expect(name).toMatch(/^gameday-k6-\d{8}t\d{6}z-[0-9a-f]{4}$/);
      // The API server stored it as gameday wrote it (after validating it against the CRD).
      expect(testRun.spec).toEqual({
        parallelism: 3,
        script: { configMap: { name: `${name}-script`, file: 'load.js' } },
        arguments: '--no-usage-report --vus 40 --duration 30s',
        runner: {
          env: [
            { name: 'API_URL', value: 'http://connectkit-app.production.svc/contacts' },
            { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          ],
          metadata: { labels: testRun.metadata.labels },
        },
      });
      expect(testRun.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('gameday');
      const configMap = (await fixture.admin.get(`${CONFIGMAPS}/${name}-script`)) as unknown as {
        data: Record<string, string>;
      };
      expect(configMap.data).toEqual({ 'load.js': SCRIPT });

      // The operator's stages, as its reconciler sets them; gameday keeps waiting until "finished".
      for (const stage of ['initialization', 'initialized', 'created', 'started']) await setStage(name, stage);
      await eventually(() => (run.state.out.includes('stage started') ? true : undefined), 30_000, 'gameday to see it');
      await setStage(name, 'stopped');
      await eventually(() => (run.state.out.includes('stage stopped') ? true : undefined), 30_000, 'gameday to see it');
      expect(run.state.exited).toBe(false);
      await setStage(name, 'finished');
      const r = await run.done;
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(await leftovers()).toEqual([]);

      const runDir = runDirOf(reportDir, 'k6op-finish');
      const op = reportOf(runDir).measurements.k6Operator;
      expect(op).toMatchObject({
        namespace: NAMESPACE,
        testRun: name,
        configMap: `${name}-script`,
        parallelism: 3,
        stage: 'finished',
        status: 'finished',
        perRequestResults: false,
        deleted: true,
      });
      // Polling may miss a stage shorter than a poll; the last one is always seen.
      expect(op?.stages.at(-1)?.stage).toBe('finished');
      expect(reportOf(runDir).load).toBeNull();
      const j = journalOfTestRun(runDir);
      expect(j.undo).toMatchObject({
        driver: 'kubernetes',
        op: 'delete-k6-testrun',
        args: { namespace: NAMESPACE, testRun: name, configMap: `${name}-script`, context: 'gameday' },
      });
      expect(JSON.stringify(j.undo)).not.toMatch(/BEGIN|client-key|token/i);
      expect(j.applied).toBe(true);
      expect(j.undone).toBe(deletedBoth(name));
    } finally {
      await revoke();
    }
  }, 180_000);

  it('stops a TestRun that misses its deadline: deleted, exit 3 with K6_OPERATOR_TIMEOUT', async () => {
    await withStartedRun('k6op-deadline', '3s', async ({ run, name, runDir }) => {
      const r = await run.done;
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(
        new RegExp(`TestRun ${NAMESPACE}/${name} did not finish within 3.00s \\(last stage: started\\)`),
      );
      expect(await leftovers()).toEqual([]);
      const report = reportOf(runDir());
      expect(report.verdict).toBe('aborted');
      expect(report.measurements.k6Operator).toMatchObject({ status: 'timeout', stage: 'started', deleted: true });
    });
  }, 180_000);

  it('a TestRun the operator puts in stage error ends the run (exit 3, K6_OPERATOR_ERROR) and is deleted', async () => {
    await withStartedRun('k6op-error', '2m', async ({ run, name, runDir }) => {
      await setStage(name, 'error');
      const r = await run.done;
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
      expect(r.stderr).toContain(`TestRun ${NAMESPACE}/${name} ended in stage error`);
      expect(await leftovers()).toEqual([]);
      expect(reportOf(runDir()).measurements.k6Operator).toMatchObject({
        status: 'error',
        stage: 'error',
        deleted: true,
      });
    });
  }, 180_000);

  it('a stopped run (SIGTERM) deletes the TestRun and its ConfigMap, journaled', async () => {
    await withStartedRun('k6op-abort', '2m', async ({ run, name, runDir }) => {
      run.child.kill('SIGTERM');
      const r = await run.done;
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
      expect(await leftovers()).toEqual([]);
      expect(reportOf(runDir()).measurements.k6Operator).toMatchObject({ status: 'stopped', deleted: true });
      expect(journalOfTestRun(runDir()).undone).toBe(deletedBoth(name));
    });
  }, 180_000);

  it('after kill -9 of the run, gameday rollback deletes the TestRun and its ConfigMap; a second rollback has nothing to do', async () => {
    await withStartedRun('k6op-killed', '2m', async ({ run, name, runDir }) => {
      // Killed once the creation is journaled as applied (the TestRun exists, so it is at most a moment away).
      await eventually(() => (journalOfTestRun(runDir()).applied ? true : undefined), 10_000, 'the applied entry');
      run.child.kill('SIGKILL');
      await run.done;
      // The run's journal, mirrored next to its Lease, outlives the run: it is what a rollback from elsewhere reads.
      const journal = `ConfigMap ${name.replace(/^gameday-k6-/, 'gameday-journal-')}`;
      expect((await leftovers()).sort()).toEqual([journal, `ConfigMap ${name}-script`, `TestRun ${name}`]);

      const rb = await runCli(['rollback', runDir()], env());
      expect(rb.code, `${rb.stdout}\n${rb.stderr}`).toBe(0);
      expect(await leftovers()).toEqual([]);
      expect(journalOfTestRun(runDir()).undone).toBe(deletedBoth(name));
      const again = await runCli(['rollback', runDir()], env());
      expect(again.code).toBe(0);
      expect(`${again.stdout}${again.stderr}`).toContain('nothing to roll back');
    });
  }, 180_000);

  // Last: it takes the CRD away from this file's cluster.
  it('a cluster without the k6-operator CRD stops the run before any fault (exit 3, what to install); the ConfigMap is rolled back', async () => {
    const { file, dir } = writeScenario('k6op-no-crd', { timeout: '2m' });
    const revoke = await grantGeneratedRbac(fixture.admin, file, env());
    try {
      const crd = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/testruns.k6.io';
      await fixture.admin.request('DELETE', crd);
      await eventually(
        async () =>
          ((await fixture.admin.request('GET', crd, { allow: [404] })) as { status?: number }).status === 404 ||
          undefined,
        30_000,
        'the CRD to be gone',
      );
      const r = await runCli(['run', file, '--report-dir', join(dir, 'reports')], env());
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/does not serve k6\.io\/v1alpha1 TestRuns/);
      expect(r.stderr).toContain('install the k6-operator (its CRD testruns.k6.io)');
      expect(r.stderr).not.toMatch(/step 1: wait/);
      expect(await fixture.admin.get(`${CONFIGMAPS}?${MANAGED}`).then((l) => l.items)).toEqual([]);
    } finally {
      await revoke();
    }
  }, 120_000);
});
