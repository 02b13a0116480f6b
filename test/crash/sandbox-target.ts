// Crash-matrix targets on the sandbox: a long-lived sandbox the runs attach to (GAMEDAY_SANDBOX_URL),
// whose replicas per zone, zones, regions, database roles, marker schema, listening ports and
// processes must be as they were; and the sandbox a run starts itself, which must be gone with its
// run, leaving no process, port or dir. Everything lives under one temp dir of its own, so what other
// tests run at the same time never shows up in a snapshot.

import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPostmasterPid } from '../../src/drivers/postgres/server.js';
import { startSandbox, type SandboxHandle, type StartSandboxOptions } from '../../src/drivers/sandbox/index.js';
import { isAlive } from '../../src/drivers/sandbox/teardown.js';
import { eventually } from '../helpers/cli.js';
import { processesMentioning } from '../helpers/owner.js';
import { query } from '../helpers/postgres.js';
import { listeningPorts } from '../helpers/procs.js';
import { readJson, type CrashTarget } from './harness.js';

/** The temp dir every crash run, sandbox and scratch server of this process lives in. */
export function crashRoot(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `gameday-crash-${label}-`));
  // PostgreSQL runs as `postgres` (when root) and must traverse this dir to reach its data dirs.
  chmodSync(dir, 0o711);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Processes, dirs and lock files under `root` that belong to no long-lived sandbox: what a run, a drill
 * or a rollback left behind. The per-user lock directory may stay; a lock file in it may not.
 */
export function leftovers(
  root: string,
  keep: readonly string[],
): { dirs: string[]; locks: string[]; processes: string[]; ports: number[] } {
  const kept = (text: string): boolean => keep.some((k) => text.includes(k));
  const procs = processesMentioning(root).filter((p) => !kept(p.cmdline));
  const lockDir = (d: string): boolean => d === 'gameday-locks' || /^gameday-\d+$/.test(d);
  return {
    dirs: readdirSync(root)
      .filter((d) => /^gameday-/.test(d) && !lockDir(d) && !kept(join(root, d)))
      .sort(),
    locks: lockFiles(root),
    processes: procs.map((p) => p.cmdline.replaceAll(root, '<root>').slice(0, 120)).sort(),
    ports: procs.flatMap((p) => listeningPorts(p.pid)).sort((a, b) => a - b),
  };
}

/** Lock files under `root` (gameday-locks/*.lock, gameday-<uid>/locks/*.lock). */
export function lockFiles(root: string): string[] {
  const dirs = [
    join(root, 'gameday-locks'),
    ...readdirSync(root)
      .filter((d) => /^gameday-\d+$/.test(d))
      .map((d) => join(root, d, 'locks')),
  ];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.lock')) : [])).sort();
}

/** A sandbox the runs attach to. */
export async function externalSandbox(
  name: string,
  root: string,
  opts: Omit<StartSandboxOptions, 'stateDir'>,
): Promise<CrashTarget & { sandbox: SandboxHandle; stop(): Promise<void> }> {
  const stateDir = join(root, `sandbox-${name}`);
  const sandbox = await startSandbox({ ...opts, stateDir });
  const client = sandbox.client;
  const fixedPorts = (): number[] => {
    const s = readJson<{ controlUrl: string; apiUrl: string; databaseUrl: string | null; readerUrl: string | null }>(
      join(stateDir, 'sandbox.json'),
    );
    return [s?.controlUrl, s?.apiUrl, s?.databaseUrl, s?.readerUrl].flatMap((u) =>
      u ? [Number(new URL(u).port)] : [],
    );
  };
  const markerTables = async (): Promise<string[]> => {
    if (!sandbox.databaseUrl) return [];
    const rows = await query<{ t: string }>(
      sandbox.databaseUrl,
      `SELECT 'schema ' || nspname AS t FROM pg_namespace WHERE nspname = 'gameday'
       UNION ALL SELECT 'table ' || schemaname || '.' || tablename FROM pg_tables WHERE schemaname = 'gameday'
       ORDER BY 1`,
    );
    return rows.map((r) => r.t);
  };
  return {
    name,
    sandbox,
    env: () => ({ GAMEDAY_SANDBOX_URL: sandbox.controlUrl, TMPDIR: root }),
    async settle() {
      await eventually(
        async () => {
          const s = await client.status();
          const regionsWhole = Object.values(s.regions).every((r) => r.down || r.ready === r.desired);
          const dbWhole = !s.db || (s.db.primary !== null && s.db.standby !== null);
          const zonesUp = Object.values(s.zones).every((z) => z.up);
          return s.ready === s.desired && regionsWhole && dbWhole && zonesUp && !s.rebalancing ? true : undefined;
        },
        90_000,
        `sandbox ${name} to settle (fleet whole, zones up and even, primary + standby)`,
      );
    },
    async snapshot() {
      const s = await client.status();
      const perZone: Record<string, number> = {};
      for (const zone of Object.keys(s.zones)) perZone[zone] = 0;
      const live = s.replicas.filter((r) => r.state === 'ready' || r.state === 'starting');
      for (const r of live) perZone[r.zone] = (perZone[r.zone] ?? 0) + 1;
      const ports = listeningPorts(sandbox.pid);
      const dbPids = [s.db?.primary?.pid, s.db?.standby?.pid].filter((p): p is number => typeof p === 'number');
      return {
        desired: s.desired,
        replicasPerZone: perZone,
        zonesUp: Object.entries(s.zones)
          .filter(([, z]) => z.up)
          .map(([n]) => n),
        servingRegion: s.servingRegion,
        regions: Object.fromEntries(
          Object.entries(s.regions).map(([n, r]) => [n, { desired: r.desired, down: r.down, database: r.database }]),
        ),
        database: s.db
          ? {
              primaryIn: s.db.primary?.region ?? null,
              standbyIn: s.db.standby?.region ?? null,
              stoppedPrimary: s.db.stoppedPrimary?.name ?? null,
              replicationLinks: s.db.replicationLinks ?? 0,
              serversRunning: dbPids.filter(isAlive).length,
            }
          : null,
        markers: await markerTables(),
        // The balancer, control API, writer and reader keep their ports; links and replicas come and go.
        supervisorListens: { count: ports.length, fixed: fixedPorts().every((p) => ports.includes(p)) },
        replicaProcesses: live.filter((r) => isAlive(r.pid)).length,
        leftovers: leftovers(root, [stateDir]),
      };
    },
    stop: () => sandbox.stop(),
  };
}

/** Runs that start their own sandbox under `root`: after rollback nothing of it may be left. */
export function selfStartedSandbox(root: string, keep: () => string[]): CrashTarget {
  return {
    name: 'sandbox (started by the run)',
    env: () => ({ TMPDIR: root }),
    async settle() {
      // A killed run's sandbox stops itself; rollback must have waited for that, so nothing to wait for here.
    },
    async snapshot() {
      const left = leftovers(root, keep());
      const postmasters = readdirSync(root)
        .filter((d) => d.startsWith('gameday-sandbox-'))
        .flatMap((d) => {
          const pg = join(root, d, 'pg');
          return existsSync(pg) ? readdirSync(pg).map((n) => readPostmasterPid(join(pg, n))) : [];
        })
        .filter((p): p is number => p !== null && isAlive(p));
      return { ...left, postmasters: postmasters.length };
    },
  };
}
