// The moto fixture as a person uses it: `npm run fixture:aws -- up` prints AWS_ENDPOINT_URL last,
// `down` leaves no process and no listening port.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { portOpen } from '../../infra-fixtures/shared/net.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'infra-fixtures/aws/cli.mjs');

describe('fixture:aws', () => {
  it('up prints the endpoint as its last line; down stops moto and frees the port', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'gameday-moto-cli-'));
    const env = { ...process.env, GAMEDAY_MOTO_POINTER: path.join(stateDir, 'pointer') };
    // Owned by this test process, so a run killed between up and down leaves no moto behind.
    const args = ['up', '--state-dir', stateDir, '--owner-pid', String(process.pid)];
    const up = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
    expect(up.status, up.stderr).toBe(0);
    const last = up.stdout.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+$/);
    const endpoint = last.split('=')[1] as string;
    const port = Number(new URL(endpoint).port);
    expect((await fetch(`${endpoint}/moto-api/data.json`)).ok).toBe(true);
    const down = spawnSync(process.execPath, [cli, 'down'], { encoding: 'utf8', env });
    expect(down.status, down.stderr).toBe(0);
    expect(down.stdout).toContain(`port ${port} closed`);
    expect(await portOpen(port)).toBe(false);
  });

  it('rejects an unknown command with exit 2', () => {
    const r = spawnSync(process.execPath, [cli, 'sideways'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('fixture:aws: command must be "up" or "down"\n');
  });
});
