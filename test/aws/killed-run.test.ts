// A killed run cleaned up from its journal alone: a child process creates a template and starts an
// experiment on moto, is SIGKILLed while the experiment runs, and `pendingUndos(readJournal(...))` +
// `rollback()` stop the experiment and delete the template — moto's own FIS, no mock.

import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { testTempDir } from '../helpers/tmp.js';
import {
  holdFisRunning,
  motoExperiments,
  setFisProgression,
  startMotoForTests,
  testDriver,
  testTarget,
  type Moto,
} from './moto.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

describe('killed run', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMotoForTests();
  });
  afterAll(async () => {
    await setFisProgression(moto.endpoint, null);
    await moto?.stop();
  });

  it('gameday rollback stops the experiment and deletes the template from journal data only', async () => {
    const dir = testTempDir('aws-killed');
    const journalPath = path.join(dir, 'journal.ndjson');
    const hold = await holdFisRunning(moto.endpoint);
    const runId = `killed-${Date.now().toString(36)}`;
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/.bin/vite-node'),
        path.join(here, 'fixtures/killed-run-child.ts'),
        moto.endpoint,
        journalPath,
        runId,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const id = await hold.running().catch((error: unknown) => {
      throw new Error(`${String(error)}\nchild output:\n${out}`);
    });
    child.kill('SIGKILL');
    await exited;

    // What the killed run left behind: a running experiment and a template, both journaled.
    expect((await motoExperiments(moto.endpoint)).filter((e) => e.tags['gameday:run-id'] === runId)).toMatchObject([
      { id, status: 'running' },
    ]);
    const pending = pendingUndos(readJournal(journalPath));
    expect(pending.map((p) => `${p.undo.driver}:${p.undo.op}`)).toEqual([
      'aws:fis-delete-templates',
      'aws:fis-stop-experiments',
    ]);
    // Journal data only: region, endpoint, ids — never credentials.
    expect(JSON.stringify(pending)).not.toMatch(/testing|secret|accessKey/i);

    // `gameday rollback <run-dir>`: a fresh process state, clients rebuilt from the journal.
    const journal = new Journal(journalPath);
    const [result] = await Promise.all([rollback(journal, pending, { timeoutMs: 20_000 }), hold.stopWhenRequested()]);
    journal.close();
    expect(result).toMatchObject({ complete: true, undone: 2, failed: [] });
    expect((await motoExperiments(moto.endpoint)).find((e) => e.id === id)?.status).toBe('stopped');
    const driver = testDriver(testTarget(moto.endpoint));
    expect(await driver.fis.findTemplates({ 'gameday:run-id': runId })).toEqual([]);
    driver.destroy();
    expect(pendingUndos(readJournal(journalPath))).toEqual([]);
  }, 180_000);
});
