// Integration tests of the embedded sandbox: real replica processes, a real balancer, real
// PostgreSQL primary + standby. Behaviour only, no timing thresholds (machines are noisy).

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portOpen } from '../infra-fixtures/shared/net.mjs';
import { POSTGRES_MISSING_MESSAGE } from '../src/drivers/postgres/server.js';
import {
  SandboxClient,
  readGroundTruth,
  startSandbox,
  stopSandboxFromState,
  type GroundTruthEvent,
  type SandboxHandle,
  type SandboxStateFile,
  type SandboxStatus,
} from '../src/drivers/sandbox/index.js';
import { isAlive } from '../src/drivers/sandbox/teardown.js';
import { query } from './helpers/postgres.js';

const ZONES = ['a', 'b', 'c'];
const STARTUP_DELAY_MS = 1000;
const root = path.resolve(import.meta.dirname, '..');

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gameday-test-${label}-`));
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const events = (sb: SandboxHandle, name: string): GroundTruthEvent[] =>
  readGroundTruth(sb.stateDir).filter((e) => e.event === name);

describe('sandbox with PostgreSQL', () => {
  const stateDir = tempDir('sandbox-db');
  let sb: SandboxHandle | undefined;
  const handle = (): SandboxHandle => {
    if (!sb) throw new Error('sandbox did not start');
    return sb;
  };

  beforeAll(async () => {
    const t0 = performance.now();
    sb = await startSandbox({ replicas: 6, zones: ZONES, startupDelayMs: STARTUP_DELAY_MS, database: true, stateDir });
    console.log(
      `sandbox with database up in ${Math.round(performance.now() - t0)} ms (start-up delay ${STARTUP_DELAY_MS} ms)`,
    );
  });

  afterAll(async () => {
    await sb?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('comes up whole: 6 ready replicas spread over zones a/b/c with both capacities, primary + standby', async () => {
    const status = await handle().client.status();
    expect(status.desired).toBe(6);
    expect(status.ready).toBe(6);
    expect(status.replicas.every((r) => r.state === 'ready' && r.readyAt !== null && r.port !== null)).toBe(true);
    for (const zone of ZONES) {
      const here = status.replicas.filter((r) => r.zone === zone);
      expect(here).toHaveLength(2);
      expect(new Set(here.map((r) => r.capacity))).toEqual(new Set(['on-demand', 'spot']));
    }
    expect(status.zones).toEqual({ a: { up: true }, b: { up: true }, c: { up: true } });
    expect(status.db?.primary?.pid).toBeGreaterThan(0);
    expect(status.db?.standby?.pid).toBeGreaterThan(0);
    expect(status.lastFleetWholeAt).not.toBeNull();
    expect(events(handle(), 'fleet-whole').length).toBeGreaterThanOrEqual(1);
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'sandbox.json'), 'utf8')) as SandboxStateFile;
    expect(state.controlUrl).toBe(handle().controlUrl);
    expect(state.pgDataDirs).toHaveLength(2);
  });

  it('the balancer spreads requests over several replicas and exposes their metrics', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const res = await fetch(`${handle().apiUrl}/health`);
      expect(res.status).toBe(200);
      seen.add(res.headers.get('x-replica') ?? '');
      await res.arrayBuffer();
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    const metrics = await (await fetch(`${handle().apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/health",code="200"\} \d+/);
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{method="GET",route="\/health",le="\+Inf"\} \d+/);
    expect(metrics).toMatch(
      /sandbox_replica_info\{replica="api-[abc]-\d+",zone="[abc]",capacity="(spot|on-demand)"\} 1/,
    );
  });

  it('POST /contacts persists in PostgreSQL and streams to the standby', async () => {
    const name = `persist-${Date.now()}`;
    const res = await fetch(`${handle().apiUrl}/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, email: `${name}@example.test` }),
    });
    expect(res.status).toBe(201);
    const row = (await res.json()) as { id: number; name: string };
    expect(row.name).toBe(name);
    const list = (await (await fetch(`${handle().apiUrl}/contacts`)).json()) as Array<{ id: number }>;
    expect(list.some((r) => r.id === row.id)).toBe(true);
    const url = handle().databaseUrl ?? '';
    expect(await query(url, 'SELECT name FROM contacts WHERE id = $1', [row.id])).toEqual([{ name }]);
    const readerUrl = (await handle().client.status()).db?.readerUrl ?? '';
    await waitFor('the row on the standby', async () =>
      (await query(readerUrl, 'SELECT 1 FROM contacts WHERE id = $1', [row.id])).length === 1 ? true : undefined,
    );
    const bad = await fetch(`${handle().apiUrl}/contacts`, { method: 'POST', body: '{"name":1}' });
    expect(bad.status).toBe(400);
  });

  it('replaces killed replicas; ground truth logs fleet-whole after the start-up delay', async () => {
    const sbx = handle();
    const before = await sbx.client.status();
    const victims = [before.replicas[0], before.replicas[1]].map((r) => r?.id ?? '');
    const result = await sbx.client.kill(victims, 'SIGKILL', 0);
    expect(result.killed.map((k) => k.id)).toEqual(victims);
    const whole = await waitFor('fleet whole after the kill', () => {
      const signalled = events(sbx, 'replica-signalled').filter((e) => victims.includes(e.id ?? ''));
      const last = Math.max(...signalled.map((e) => e.at));
      return signalled.length === 2 ? events(sbx, 'fleet-whole').find((e) => e.at > last) : undefined;
    });
    const signalledAt = Math.max(
      ...events(sbx, 'replica-signalled')
        .filter((e) => victims.includes(e.id ?? ''))
        .map((e) => e.at),
    );
    // A replacement cannot be ready before its start-up delay (1 ms slack for timer rounding).
    expect(whole.at - signalledAt).toBeGreaterThanOrEqual(STARTUP_DELAY_MS - 1);
    expect(events(sbx, 'fleet-degraded').some((e) => e.at > signalledAt && e.at < whole.at)).toBe(true);
    const exited = events(sbx, 'replica-exited').filter((e) => victims.includes(e.id ?? ''));
    expect(exited.map((e) => e.signal)).toEqual(['SIGKILL', 'SIGKILL']);
    const after = await sbx.client.status();
    expect(after.ready).toBe(6);
    expect(after.replicas.some((r) => victims.includes(r.id))).toBe(false);
    for (const zone of ZONES) expect(after.replicas.filter((r) => r.zone === zone)).toHaveLength(2);
    await expect(sbx.client.kill(['api-x-999'], 'SIGKILL', 0)).rejects.toMatchObject({
      code: 'SANDBOX_REJECTED',
      message: expect.stringContaining('unknown replica ids: api-x-999'),
    });
  });

  it('a zone outage moves the fleet to the other zones; the zone comes back up', async () => {
    const sbx = handle();
    const down = await sbx.client.zoneDown('a');
    expect(down.killed.length).toBe(2);
    expect(down.killed.every((k) => k.zone === 'a')).toBe(true);
    const status = await waitFor('fleet whole outside zone a', async () => {
      const s = await sbx.client.status();
      return s.ready === 6 && s.replicas.length === 6 && s.replicas.every((r) => r.zone !== 'a') ? s : undefined;
    });
    expect(status.zones['a']).toEqual({ up: false });
    expect(status.replicas.filter((r) => r.zone === 'b')).toHaveLength(3);
    expect(status.replicas.filter((r) => r.zone === 'c')).toHaveLength(3);
    for (const pid of down.killed.map((k) => k.pid)) expect(isAlive(pid)).toBe(false);
    const res = await fetch(`${sbx.apiUrl}/contacts`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect((await sbx.client.zoneUp('a')).up).toBe(true);
    expect((await sbx.client.status()).zones['a']).toEqual({ up: true });
    expect(events(sbx, 'zone-down').map((e) => e.zone)).toEqual(['a']);
    expect(events(sbx, 'zone-up').map((e) => e.zone)).toEqual(['a']);
    // Zone a is refilled (replicas moved back one at a time) before the next test picks a replica.
    const ready = (s: SandboxStatus, zone: string): number =>
      s.replicas.filter((r) => r.zone === zone && r.state === 'ready').length;
    const even = await waitFor('zone a refilled', async () => {
      const s = await sbx.client.status();
      return s.ready === 6 && !s.rebalancing && ready(s, 'a') === 2 ? s : undefined;
    });
    expect(['a', 'b', 'c'].map((z) => ready(even, z))).toEqual([2, 2, 2]);
    await expect(sbx.client.zoneDown('x')).rejects.toMatchObject({ code: 'SANDBOX_REJECTED' });
  });

  it('a spot interruption drains the replica at once, replaces it, then stops it', async () => {
    const sbx = handle();
    const victim = (await sbx.client.status()).replicas.find((r) => r.state === 'ready');
    if (!victim) throw new Error('no ready replica');
    await sbx.client.interrupt([victim.id], 1500, 2000);
    const draining = await sbx.client.status();
    expect(draining.replicas.find((r) => r.id === victim.id)?.state).toBe('draining');
    expect(draining.replicas.filter((r) => r.state === 'starting')).toHaveLength(1);
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${sbx.apiUrl}/health`);
      expect(res.headers.get('x-replica')).not.toBe(victim.id);
      await res.arrayBuffer();
    }
    await waitFor('the interrupted replica gone and the fleet whole', async () => {
      const s = await sbx.client.status();
      return s.ready === 6 && !s.replicas.some((r) => r.id === victim.id) ? s : undefined;
    });
    const mine = readGroundTruth(sbx.stateDir)
      .filter((e) => e.id === victim.id)
      .map((e) => e.event);
    expect(mine.slice(-3)).toEqual(['replica-draining', 'replica-signalled', 'replica-exited']);
    const exited = events(sbx, 'replica-exited').find((e) => e.id === victim.id);
    expect(exited?.code).toBe(0); // graceful SIGTERM within the grace period
    expect(isAlive(victim.pid)).toBe(false);
  });

  it('fails the database over under writes: the API keeps serving, rebuild-standby restores a standby', async () => {
    const sbx = handle();
    const acked: Array<{ name: string; at: number }> = [];
    let failures = 0;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const name = `failover-${i}`;
        try {
          const res = await fetch(`${sbx.apiUrl}/contacts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name, email: 'w@example.test' }),
          });
          await res.arrayBuffer();
          if (res.status === 201) acked.push({ name, at: performance.timeOrigin + performance.now() });
          else failures++;
        } catch {
          failures++;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      await waitFor('writes before the failover', () => acked.length >= 10);
      const ackedBefore = acked.length;
      const result = await sbx.client.dbFailover('fast');
      const status = await sbx.client.status();
      expect(status.db?.primary?.name).toBe(result.newPrimary);
      expect(result.oldPrimary).not.toBe(result.newPrimary);
      expect(status.db?.standby).toBeNull();
      await waitFor('writes through the new primary', () => acked.filter((a) => a.at > result.promotedAt).length >= 20);
      expect(acked.length).toBeGreaterThan(ackedBefore);
    } finally {
      writing = false;
      await writer;
    }
    console.log(`failover under writes: ${acked.length} acknowledged, ${failures} failed during the switch`);
    // A fast shutdown ships all WAL to the standby before the primary stops: no acknowledged write is lost.
    const names = (
      await query<{ name: string }>(sbx.databaseUrl ?? '', "SELECT name FROM contacts WHERE name LIKE 'failover-%'")
    ).map((r) => r.name);
    expect(acked.map((a) => a.name).filter((n) => !names.includes(n))).toEqual([]);
    expect(events(sbx, 'db-failover')).toHaveLength(1);
    expect(events(sbx, 'db-promoted')).toHaveLength(1);
    const list = await fetch(`${sbx.apiUrl}/contacts`);
    expect(list.status).toBe(200);
    await list.arrayBuffer();

    await expect(sbx.client.dbFailover('immediate')).rejects.toMatchObject({
      code: 'SANDBOX_REJECTED',
      message: expect.stringContaining('there is no standby to promote'),
    });
    const rebuilt = await sbx.client.rebuildStandby();
    expect(rebuilt.standby.pid).toBeGreaterThan(0);
    expect((await sbx.client.status()).db?.standby?.name).toBe(rebuilt.standby.name);
    await expect(sbx.client.rebuildStandby()).rejects.toMatchObject({ code: 'SANDBOX_REJECTED' });
    const [row] = await query<{ id: number }>(
      sbx.databaseUrl ?? '',
      "INSERT INTO contacts (name) VALUES ('after-rebuild') RETURNING id",
    );
    const readerUrl = (await sbx.client.status()).db?.readerUrl ?? '';
    await waitFor('the new standby to stream', async () =>
      (await query(readerUrl, 'SELECT 1 FROM contacts WHERE id = $1', [row?.id])).length === 1 ? true : undefined,
    );
  });

  it('shuts down without leaving a process or a listening port', async () => {
    const sbx = handle();
    const status = await sbx.client.status();
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'sandbox.json'), 'utf8')) as SandboxStateFile;
    const pids = [sbx.pid, ...status.replicas.map((r) => r.pid), ...state.pids];
    if (status.db?.primary?.pid) pids.push(status.db.primary?.pid);
    if (status.db?.standby?.pid) pids.push(status.db.standby.pid);
    const portOf = (url: string): number => Number(new URL(url.replace(/^postgres:/, 'http:')).port);
    const ports = [
      portOf(sbx.apiUrl),
      portOf(sbx.controlUrl),
      portOf(status.db?.writerUrl ?? ''),
      portOf(status.db?.readerUrl ?? ''),
      ...status.replicas.map((r) => r.port ?? 0),
      status.db?.primary?.port ?? 0,
      status.db?.standby?.port ?? 0,
    ];
    for (const port of ports) expect(await portOpen(port)).toBe(true);
    await sbx.stop();
    await sbx.stop(); // idempotent
    expect(pids.filter(isAlive)).toEqual([]);
    for (const port of ports) expect(await portOpen(port)).toBe(false);
    expect(events(sbx, 'sandbox-stopped')).toHaveLength(1);
  });
});

describe('sandbox without a database', () => {
  it('serves contacts from memory and refuses database operations', async () => {
    const t0 = performance.now();
    const sb = await startSandbox({ replicas: 3, zones: ZONES, startupDelayMs: 200, database: false });
    console.log(`sandbox without database (3 replicas) up in ${Math.round(performance.now() - t0)} ms`);
    try {
      const status = await sb.client.status();
      expect(status.db).toBeNull();
      expect(sb.databaseUrl).toBeNull();
      expect(status.replicas.map((r) => r.zone).sort()).toEqual(['a', 'b', 'c']);
      const res = await fetch(`${sb.apiUrl}/contacts`, {
        method: 'POST',
        body: JSON.stringify({ name: 'm', email: 'm@x' }),
      });
      expect(res.status).toBe(201);
      await res.arrayBuffer();
      await expect(sb.client.dbFailover('fast')).rejects.toMatchObject({
        code: 'SANDBOX_REJECTED',
        message: expect.stringContaining('runs without a database'),
      });
      expect((await sb.client.setDesired(2)).desired).toBe(2);
      await waitFor('scale down to 2', async () =>
        (await sb.client.status()).replicas.length === 2 ? true : undefined,
      );
    } finally {
      await sb.stop();
    }
    expect(fs.existsSync(sb.stateDir)).toBe(false); // a state dir it created itself is removed
    expect(isAlive(sb.pid)).toBe(false);
  });
});

describe('sandbox failures and recovery', () => {
  it('fails with the install message when PostgreSQL binaries are missing', async () => {
    const env = { ...process.env, GAMEDAY_PG_BIN_ROOT: '/nonexistent', PATH: '/nonexistent' };
    const start = startSandbox({ replicas: 1, zones: ZONES, startupDelayMs: 0, database: true, env });
    await expect(start).rejects.toMatchObject({
      code: 'SANDBOX_START_FAILED',
      message: expect.stringContaining(POSTGRES_MISSING_MESSAGE),
    });
  });

  it('reports an unreachable control API with a stable code', async () => {
    await expect(new SandboxClient('http://127.0.0.1:1', { timeoutMs: 2000 }).status()).rejects.toMatchObject({
      code: 'SANDBOX_UNREACHABLE',
      kind: 'runtime',
    });
  });

  it('stops a sandbox whose supervisor was killed with SIGKILL, from its state dir', async () => {
    const stateDir = tempDir('sandbox-orphan');
    try {
      const sb = await startSandbox({ replicas: 2, zones: ZONES, startupDelayMs: 0, database: true, stateDir });
      const status = await sb.client.status();
      const replicaPids = status.replicas.map((r) => r.pid);
      const pgPids = [status.db?.primary?.pid ?? 0, status.db?.standby?.pid ?? 0];
      process.kill(sb.pid, 'SIGKILL');
      // Replicas notice their parent is gone (IPC channel closes) and exit on their own.
      await waitFor('replicas to exit', () => replicaPids.every((p) => !isAlive(p)));
      expect(pgPids.every(isAlive)).toBe(true);
      const result = await stopSandboxFromState(stateDir);
      expect(result.actions.join('\n')).toContain('stopped PostgreSQL');
      expect([sb.pid, ...pgPids].filter(isAlive)).toEqual([]);
    } finally {
      await stopSandboxFromState(stateDir).catch(() => undefined);
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('shuts itself down, PostgreSQL included, when the process that started it is gone', async () => {
    const stateDir = tempDir('sandbox-owner');
    const owner = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const config = { stateDir, replicas: 2, zones: ZONES, startupDelayMs: 0, database: true, ownerPid: owner.pid };
      fs.writeFileSync(path.join(stateDir, 'config.json'), JSON.stringify(config));
      const supervisor = spawn(
        process.execPath,
        [path.join(root, 'infra-fixtures/sandbox/supervisor.mjs'), path.join(stateDir, 'config.json')],
        {
          stdio: 'ignore',
        },
      );
      const stateFile = path.join(stateDir, 'sandbox.json');
      await waitFor('the sandbox to come up', () => fs.existsSync(stateFile));
      const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SandboxStateFile;
      expect(state.pids.length).toBe(4); // 2 replicas + primary + standby
      owner.kill('SIGKILL');
      await waitFor('the supervisor to exit', () => supervisor.exitCode !== null);
      expect([state.pid, ...state.pids].filter(isAlive)).toEqual([]);
      expect(readGroundTruth(stateDir).some((e) => e.event === 'owner-gone')).toBe(true);
    } finally {
      owner.kill('SIGKILL');
      await stopSandboxFromState(stateDir).catch(() => undefined);
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('the fixture CLI brings a sandbox up and down', async () => {
    const stateDir = path.join(tempDir('sandbox-cli'), 'state');
    const env = { ...process.env, GAMEDAY_SANDBOX_POINTER: path.join(path.dirname(stateDir), 'pointer') };
    const run = (args: string[]): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(root, 'infra-fixtures/sandbox/cli.mjs'), ...args], { env });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
    try {
      const up = await run([
        'up',
        '--replicas',
        '2',
        '--no-database',
        '--startup-delay',
        '100',
        '--state-dir',
        stateDir,
      ]);
      expect(up.code, up.out).toBe(0);
      const last = up.out.trim().split('\n').at(-1) ?? '';
      expect(last).toMatch(/^SANDBOX_URL=http:\/\/127\.0\.0\.1:\d+$/);
      const status = await new SandboxClient(last.slice('SANDBOX_URL='.length)).status();
      expect(status.ready).toBe(2);
      const down = await run(['down']);
      expect(down.code, down.out).toBe(0);
      expect(fs.existsSync(stateDir)).toBe(false);
      expect(status.replicas.map((r) => r.pid).filter(isAlive)).toEqual([]);
      const usage = await run(['sideways']);
      expect(usage.code).toBe(2);
    } finally {
      await stopSandboxFromState(stateDir).catch(() => undefined);
      fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
    }
  });
});
