// The `kubernetes-scale` runbook action against the real control plane (infra-fixtures/kubernetes), as
// the restricted `gameday` user: scale ConnectKit up, roll it back when a later step fails, and replay
// the journal of a killed run with `gameday rollback`'s code path. Also its preflight in its own kube
// context: `gameday run` stops before any change when that context lacks a permission or cannot be reached.

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { preflightRunbookKubernetes } from '../../src/faults/kubernetes/runbook-preflight.js';
import { checkRunbook, runRunbook, type RunbookStep } from '../../src/runbook/index.js';
import { rollback } from '../../src/runner/rollback.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { systemClock } from '../../src/util/clock.js';
import { eventually, runCli } from '../helpers/cli.js';
import { DEPLOYMENT, NAMESPACE, gamedayRbac, nodes, settled, startFixture, type Fixture } from './cluster.js';

let fixture: Fixture;
let nodeCount: number;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'gameday-k8s-runbook-'));
  fixture = await startFixture();
  nodeCount = (await nodes(fixture.admin)).length;
}, 15 * 60_000);

afterAll(async () => {
  await fixture?.stop();
  rmSync(workDir, { recursive: true, force: true });
}, 60_000);

const scaleStep = (name: string, replicas: number, timeoutMs = 30_000): RunbookStep => ({
  name,
  action: 'kubernetes-scale',
  args: { kubeconfig: fixture.kubeconfig, context: 'gameday', namespace: NAMESPACE, deployment: DEPLOYMENT, replicas },
  timeoutMs,
});

const ctx = (journal: Journal) => ({
  journal,
  clock: systemClock,
  signal: AbortSignal.timeout(120_000),
  step: 'region-failover',
  log: () => undefined,
  pollMs: 100,
});

async function replicas(): Promise<{ desired: number; ready: number }> {
  const d = (await fixture.admin.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`)) as unknown as {
    spec: { replicas: number };
    status: { readyReplicas?: number };
  };
  return { desired: d.spec.replicas, ready: d.status.readyReplicas ?? 0 };
}

function journalPath(name: string): string {
  return join(mkdtempSync(join(workDir, `${name}-`)), 'journal.ndjson');
}

describe('kubernetes-scale runbook action', () => {
  it('checks its arguments at plan time', () => {
    const bad = checkRunbook([
      { name: 's', action: 'kubernetes-scale', args: { namespace: 'Prod!', replicas: -1 }, timeoutMs: 1000 },
    ]);
    expect(bad.join('\n')).toMatch(/args.context/);
    expect(bad.join('\n')).toMatch(/args.namespace/);
    expect(bad.join('\n')).toMatch(/args.deployment/);
    expect(bad.join('\n')).toMatch(/args.replicas/);
    expect(checkRunbook([{ ...scaleStep('s', 6) }])).toEqual([]);
  });

  it('scales 5 → 6 as the gameday user, and rolls back to 5 when a later step fails', async () => {
    await settled(fixture.admin, nodeCount);
    const path = journalPath('rolled-back');
    const journal = new Journal(path);
    const result = await runRunbook(
      [
        scaleStep('scale-dr', 6),
        // kwok makes a new pod Ready 2.5-6.5 s after scheduling: 7 ready within 300 ms cannot happen.
        scaleStep('scale-impossible', 7, 300),
      ],
      ctx(journal),
    );
    journal.close();
    expect(result.ok).toBe(false);
    expect(result.steps[0]?.status, result.steps[0]?.error).toBe('ok');
    expect(result.steps[0]?.detail).toMatch(/scaled 5 → 6; 6\/6 ready/);
    expect(result.failed?.step).toBe('scale-impossible');
    expect(result.failed?.reason).toMatch(/not verified within 300ms/);
    expect(result.steps[1]?.rollback?.status).toBe('ok');
    expect(result.steps[0]?.rollback?.status).toBe('ok');
    expect(result.steps[0]?.rollback?.detail).toMatch(/back to 5 replicas/);
    expect(result.rollback?.complete).toBe(true);
    expect((await replicas()).desired).toBe(5);
    await settled(fixture.admin, nodeCount);
    expect(await replicas()).toEqual({ desired: 5, ready: 5 });
    expect(pendingUndos(readJournal(path))).toEqual([]);

    // Plain data only in the journal: the kubeconfig path and the context name, never a credential.
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/BEGIN|client-key|client-certificate-data|token/i);
    const intent = readJournal(path).find((e) => e.type === 'intent');
    expect(intent?.type === 'intent' && intent.undo).toEqual({
      driver: 'kubernetes',
      op: 'scale-deployment',
      args: {
        kubeconfig: fixture.kubeconfig,
        context: 'gameday',
        namespace: NAMESPACE,
        deployment: DEPLOYMENT,
        replicas: 5,
      },
    });
  }, 120_000);

  it('gameday rollback scales back to 5/5 from the journal of a killed run alone', async () => {
    await settled(fixture.admin, nodeCount);
    const path = journalPath('killed');
    const journal = new Journal(path);
    const result = await runRunbook([scaleStep('scale-dr', 6)], ctx(journal));
    // A killed run: the step is done, nothing rolled it back, the journal is all that is left.
    journal.close();
    expect(result.ok, JSON.stringify(result.failed)).toBe(true);
    expect(await replicas()).toEqual({ desired: 6, ready: 6 });

    const pending = pendingUndos(readJournal(path));
    expect(pending).toHaveLength(1);
    const again = new Journal(path);
    const res = await rollback(again, pending, { timeoutMs: 60_000 });
    again.close();
    expect(res.complete, JSON.stringify(res.failed)).toBe(true);
    expect((await replicas()).desired).toBe(5);
    await settled(fixture.admin, nodeCount);
    expect(await replicas()).toEqual({ desired: 5, ready: 5 });
    expect(pendingUndos(readJournal(path))).toEqual([]);

    // Idempotent: a second replay finds nothing pending, and the undo itself may run again.
    const twice = new Journal(path);
    const res2 = await rollback(twice, pending, { timeoutMs: 60_000 });
    twice.close();
    expect(res2.complete, JSON.stringify(res2.failed)).toBe(true);
    expect(await replicas()).toEqual({ desired: 5, ready: 5 });
  }, 180_000);
});

/** A sandbox failover whose runbook scales ConnectKit through `context` (the DR cluster's, here the fixture's). */
function preflightScenario(file: string, args: { kubeconfig: string; context: string }): string {
  const text = [
    'apiVersion: gameday/v1',
    'kind: Scenario',
    'metadata: { name: it-k8s-runbook-preflight }',
    'targets:',
    '  sandbox: { replicas: 1, zones: [a], regions: [{ name: west }, { name: east, replicas: 0 }] }',
    'steps:',
    '  - fault: region-failover',
    '    from: west',
    '    to: east',
    '    runbook:',
    '      - name: switch-traffic',
    '        action: sandbox-switch-traffic',
    '        args: { to: east }',
    '      - name: scale-dr',
    '        action: kubernetes-scale',
    `        args: { kubeconfig: '${args.kubeconfig}', context: ${args.context}, namespace: ${NAMESPACE}, deployment: ${DEPLOYMENT}, replicas: 6 }`,
    '        timeout: 30s',
  ].join('\n');
  const path = join(workDir, file);
  writeFileSync(path, `${text}\n`);
  return path;
}

/** The Deployment's spec as the admin sees it: any write to it would bump its generation. */
async function deploymentSpec(): Promise<{ replicas: number; generation: number }> {
  const d = (await fixture.admin.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`)) as unknown as {
    spec: { replicas: number };
    metadata: { generation: number };
  };
  return { replicas: d.spec.replicas, generation: d.metadata.generation };
}

/** `gameday run` that must stop in preflight: exit 2, the message, no journaled intent, the Deployment untouched. */
async function runStopsInPreflight(file: string, message: string | RegExp): Promise<string> {
  const reportDir = mkdtempSync(join(workDir, 'reports-'));
  const before = await deploymentSpec();
  const res = await runCli(['run', file, '--report-dir', reportDir]);
  const out = res.stdout + res.stderr;
  expect(res.stderr).not.toMatch(/internal error/);
  expect(res.code, out).toBe(2);
  if (typeof message === 'string') expect(out).toContain(message);
  else expect(out).toMatch(message);
  const runs = readdirSync(join(reportDir, 'it-k8s-runbook-preflight'));
  expect(runs).toHaveLength(1);
  const entries = readJournal(join(reportDir, 'it-k8s-runbook-preflight', runs[0] as string, 'journal.ndjson'));
  // Nothing journaled, so nothing done: not even the sandbox was started, let alone the runbook's first step.
  expect(entries.filter((e) => e.type === 'intent')).toEqual([]);
  expect(await deploymentSpec()).toEqual(before);
  return out;
}

/** May the gameday user `verb` ConnectKit's Deployment (`sub`: a subresource)? (SubjectAccessReview as the admin) */
async function gamedayMay(verb: string, sub?: string): Promise<boolean> {
  const r = await fixture.admin.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'gameday',
        resourceAttributes: {
          namespace: NAMESPACE,
          verb,
          group: 'apps',
          resource: 'deployments',
          name: DEPLOYMENT,
          ...(sub ? { subresource: sub } : {}),
        },
      },
    },
  });
  return r.status?.allowed === true;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("kubernetes-scale preflight in the step's own context", () => {
  it('passes as the gameday user, whose Role grants get on the Deployment and patch on its scale', async () => {
    const file = preflightScenario('preflight-ok.yaml', { kubeconfig: fixture.kubeconfig, context: 'gameday' });
    const { scenario, diagnostics } = loadScenarioText(readFileSync(file, 'utf8'), file);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const logs: string[] = [];
    await preflightRunbookKubernetes(scenario!, { log: (m) => logs.push(m) });
    expect(logs).toEqual([
      expect.stringMatching(
        /^kubernetes https:\/\/127\.0\.0\.1:\d+ \(context gameday, runbook step scale-dr\): preflight ok, 2 permission\(s\) checked$/,
      ),
    ]);
  });

  it('gameday run stops in preflight when the user lacks patch on deployments: exit 2, nothing changed', async () => {
    await settled(fixture.admin, nodeCount);
    type Role = { kind: string; rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };
    const role = parseAllDocuments(gamedayRbac())
      .map((d) => d.toJS() as Role)
      .find((d) => d.kind === 'Role') as Role;
    // The fixture's Role grants patch on connectkit-app's scale subresource (and get on the Deployment): drop that rule.
    const withoutPatch = { ...role, rules: role.rules.filter((r) => !r.resources.includes('deployments/scale')) };
    const file = preflightScenario('preflight-no-patch.yaml', { kubeconfig: fixture.kubeconfig, context: 'gameday' });
    await fixture.admin.apply(withoutPatch);
    try {
      await eventually(
        async () => ((await gamedayMay('patch', 'scale')) ? undefined : true),
        10_000,
        'patch to be revoked',
      );
      expect(await gamedayMay('get')).toBe(true);
      await runStopsInPreflight(
        file,
        'the Kubernetes user of context gameday lacks permissions runbook step scale-dr needs: needs patch on deployments/scale.apps (connectkit-app) in production',
      );
    } finally {
      await fixture.admin.apply(role);
      await eventually(
        async () => ((await gamedayMay('patch', 'scale')) ? true : undefined),
        10_000,
        'patch to be granted again',
      );
    }
  }, 120_000);

  it('gameday run stops in preflight, naming the context, when it is missing or unreachable', async () => {
    const kc = parse(readFileSync(fixture.kubeconfig, 'utf8')) as {
      clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
      contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
    };
    const port = await closedPort();
    const gameday = kc.contexts.find((c) => c.name === 'gameday');
    const cluster = kc.clusters.find((c) => c.name === gameday?.context.cluster);
    kc.clusters.push({ name: 'dr-down', cluster: { ...cluster?.cluster, server: `https://127.0.0.1:${port}` } });
    kc.contexts.push({ name: 'dr-down', context: { cluster: 'dr-down', user: gameday?.context.user ?? 'gameday' } });
    const kubeconfig = join(workDir, 'dr.kubeconfig');
    writeFileSync(kubeconfig, stringify(kc), { mode: 0o600 });

    const down = preflightScenario('preflight-down.yaml', { kubeconfig, context: 'dr-down' });
    await runStopsInPreflight(
      down,
      new RegExp(
        `runbook step scale-dr: cannot reach Kubernetes context dr-down \\(https://127\\.0\\.0\\.1:${port}\\) at preflight: selfsubjectaccessreview: .*ECONNREFUSED`,
      ),
    );

    const missing = preflightScenario('preflight-missing.yaml', { kubeconfig, context: 'dr-cluster' });
    await runStopsInPreflight(
      missing,
      'runbook step scale-dr: cannot use Kubernetes context dr-cluster at preflight: kubeconfig has no context "dr-cluster"',
    );
  }, 120_000);
});
