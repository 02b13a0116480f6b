// Action steps against a real HTTP server on loopback and real commands: the undo is journaled before
// the action runs, without header or environment values, and replayed at rollback — in the same
// process, and after a crash from the scenario file read again with the environment.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../test/helpers/receiver.js';
import { runUndo } from '../faults/undo.js';
import { Journal, pendingUndos, readJournal } from '../runner/journal.js';
import { loadScenarioText } from '../scenario/load.js';
import type { ResolvedStep } from '../scenario/types.js';
import { forgetUndo } from './registry.js';
import { runAction } from './run.js';

let server: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'gameday-actions-'));
beforeAll(async () => {
  server = await startReceiver((r) => (r.path === '/broken' ? 503 : 200));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A scenario file with one action step, loaded as the runner would (env interpolated). */
function scenarioWith(
  action: string,
  env: Record<string, string>,
): { file: string; step: Extract<ResolvedStep, { kind: 'action' }> } {
  const file = join(dir, `s-${Math.random().toString(36).slice(2)}.yaml`);
  const text = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: t-action }
targets: { sandbox: {} }
steps:
  - name: scale down cache
    action:
${action
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`;
  writeFileSync(file, text);
  const { scenario, diagnostics } = loadScenarioText(text, file, { env });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { file, step: scenario?.steps[0] as Extract<ResolvedStep, { kind: 'action' }> };
}

const HTTP_ACTION = (base: string) => `http:
  url: ${base}/scale-down
  headers: { Authorization: 'Bearer \${CACHE_TOKEN}' }
  body: '{"replicas":0}'
undo:
  http:
    url: ${base}/scale-up
    headers: { Authorization: 'Bearer \${CACHE_TOKEN}' }`;

describe('action steps', () => {
  it('journals the undo without the token before calling, then replays it with the token at rollback', async () => {
    const { file, step } = scenarioWith(HTTP_ACTION(server.url), { CACHE_TOKEN: 's3cret-token' });
    const journalPath = join(dir, 'j1.ndjson');
    const journal = new Journal(journalPath);
    const before = server.requests.length;
    const outcome = await runAction(step, { journal, signal: AbortSignal.timeout(5000), file, index: 0 });
    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/scale-down: HTTP 200 in/);
    const call = server.requests[before];
    expect(call?.path).toBe('/scale-down');
    expect(call?.headers['authorization']).toBe('Bearer s3cret-token');
    expect(call?.body).toBe('{"replicas":0}');
    const text = readFileSync(journalPath, 'utf8');
    expect(text).not.toContain('s3cret-token');
    const pending = pendingUndos(readJournal(journalPath));
    expect(pending).toHaveLength(1);
    expect(pending[0]?.undo.args).toMatchObject({
      secret: true,
      file,
      step: 0,
      undo: { url: `${server.url}/scale-up`, headers: { Authorization: '***' } },
    });
    const detail = await runUndo(pending[0]!.undo, {
      signal: AbortSignal.timeout(5000),
      timeoutMs: 5000,
      applied: true,
    });
    expect(detail).toMatch(/scale-up: HTTP 200/);
    expect(server.requests.at(-1)).toMatchObject({
      path: '/scale-up',
      headers: { authorization: 'Bearer s3cret-token' },
    });
    journal.close();
  });

  it('after a crash, takes the undo from the scenario file and the environment; refuses when they no longer match', async () => {
    const { file, step } = scenarioWith(HTTP_ACTION(server.url), { CACHE_TOKEN: 'from-env' });
    const journalPath = join(dir, 'j2.ndjson');
    const journal = new Journal(journalPath);
    await runAction(step, { journal, signal: AbortSignal.timeout(5000), file, index: 0 });
    journal.close();
    const [p] = pendingUndos(readJournal(journalPath));
    // A new process (gameday rollback) knows nothing of this one's memory.
    forgetUndo(String(p!.undo.args['ref']));
    process.env['CACHE_TOKEN'] = 'from-env';
    try {
      await runUndo(p!.undo, { signal: AbortSignal.timeout(5000), timeoutMs: 5000, applied: true });
      expect(server.requests.at(-1)).toMatchObject({
        path: '/scale-up',
        headers: { authorization: 'Bearer from-env' },
      });
      // The file changed since: the journaled call is not replayed with another call's secrets.
      writeFileSync(file, readFileSync(file, 'utf8').replace('/scale-up', '/scale-elsewhere'));
      await expect(
        runUndo(p!.undo, { signal: AbortSignal.timeout(5000), timeoutMs: 5000, applied: true }),
      ).rejects.toMatchObject({
        code: 'ACTION_UNDO_SECRETS',
        kind: 'rollback-incomplete',
      });
    } finally {
      delete process.env['CACHE_TOKEN'];
    }
  });

  it('runs commands with their environment, fails on an unexpected exit code, and still journals the undo', async () => {
    const mark = join(dir, 'mark');
    const { file, step } = scenarioWith(
      `command: { run: 'echo on > "$MARK"; exit 3', env: { MARK: '${mark}' } }
undo:
  command: { run: 'rm -f "$MARK"', env: { MARK: '${mark}' } }`,
      {},
    );
    const journalPath = join(dir, 'j3.ndjson');
    const journal = new Journal(journalPath);
    const outcome = await runAction(step, { journal, signal: AbortSignal.timeout(5000), file, index: 0 });
    journal.close();
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.detail).toMatch(/exit 3/);
    expect(existsSync(mark)).toBe(true);
    const entries = readJournal(journalPath);
    expect(entries.map((e) => e.type)).toEqual(['intent', 'failed']);
    expect(JSON.stringify(entries)).not.toContain(mark);
    // A failed action may have changed something: its undo still runs.
    const [p] = pendingUndos(entries);
    await runUndo(p!.undo, { signal: AbortSignal.timeout(5000), timeoutMs: 5000, applied: false });
    expect(existsSync(mark)).toBe(false);
  });

  it('reports an undo that fails as a rollback a person must finish', async () => {
    const { file, step } = scenarioWith(
      `http: { url: '${server.url}/ok' }
undo:
  http: { url: '${server.url}/broken' }`,
      {},
    );
    const journal = new Journal(join(dir, 'j4.ndjson'));
    await runAction(step, { journal, signal: AbortSignal.timeout(5000), file, index: 0 });
    journal.close();
    const [p] = pendingUndos(readJournal(join(dir, 'j4.ndjson')));
    await expect(
      runUndo(p!.undo, { signal: AbortSignal.timeout(5000), timeoutMs: 5000, applied: true }),
    ).rejects.toMatchObject({
      code: 'ACTION_UNDO_FAILED',
      message: expect.stringMatching(/HTTP 503/),
    });
  });
});
