// The `kubernetes-scale` runbook action against the real control plane (infra-fixtures/kubernetes), as
// the restricted `gameday` user: scale ConnectKit up, roll it back when a later step fails, and replay
// the journal of a killed run with `gameday rollback`'s code path.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunbook, runRunbook, type RunbookStep } from '../../src/runbook/index.js';
import { rollback } from '../../src/runner/rollback.js';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { systemClock } from '../../src/util/clock.js';
import { DEPLOYMENT, NAMESPACE, nodes, settled, startFixture, type Fixture } from './cluster.js';

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
