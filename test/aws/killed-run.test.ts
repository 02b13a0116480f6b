// A killed run cleaned up from its journal alone: a child process creates a template (moto) and starts an
// experiment (aws-sdk-client-mock, FIS API reference shapes, state shared through a file), is SIGKILLed,
// and `pendingUndos(readJournal(...))` + `rollback()` stop the experiment and delete the template.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal, pendingUndos, readJournal } from '../../src/runner/journal.js';
import { rollback } from '../../src/runner/rollback.js';
import { testTempDir } from '../helpers/tmp.js';
import { installFisFake } from './fis-fake.js';
import { ACCOUNT, REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

describe('killed run', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMotoForTests();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('gameday rollback stops the experiment and deletes the template from journal data only', async () => {
    const dir = testTempDir('aws-killed');
    const journalPath = path.join(dir, 'journal.ndjson');
    const storeFile = path.join(dir, 'fis-experiments.json');
    const runId = `killed-${Date.now().toString(36)}`;
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/.bin/vite-node'),
        path.join(here, 'fixtures/killed-run-child.ts'),
        moto.endpoint,
        journalPath,
        storeFile,
        runId,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('RUNNING') && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('RUNNING');
    child.kill('SIGKILL');
    await exited;

    // What the killed run left behind: a running experiment and a template, both journaled.
    const store = JSON.parse(readFileSync(storeFile, 'utf8')) as Array<{ status: string }>;
    expect(store.map((e) => e.status)).toEqual(['running']);
    const pending = pendingUndos(readJournal(journalPath));
    expect(pending.map((p) => `${p.undo.driver}:${p.undo.op}`)).toEqual([
      'aws:fis-delete-templates',
      'aws:fis-stop-experiments',
    ]);
    // Journal data only: region, endpoint, ids — never credentials.
    expect(JSON.stringify(pending)).not.toMatch(/testing|secret|accessKey/i);

    // `gameday rollback <run-dir>`: a fresh process state, clients rebuilt from the journal.
    const fake = installFisFake({ region: REGION, endpoint: moto.endpoint, account: ACCOUNT, storeFile });
    try {
      const journal = new Journal(journalPath);
      const result = await rollback(journal, pending, { timeoutMs: 20_000 });
      journal.close();
      expect(result).toMatchObject({ complete: true, undone: 2, failed: [] });
      expect(fake.experiments().map((e) => e.status)).toEqual(['stopped']);
      const driver = testDriver(testTarget(moto.endpoint));
      expect(await driver.fis.findTemplates({ 'gameday:run-id': runId })).toEqual([]);
      driver.destroy();
      expect(pendingUndos(readJournal(journalPath))).toEqual([]);
    } finally {
      fake.restore();
    }
  });
});
