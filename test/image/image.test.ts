// The image tier, part 1: the gameday image built by `npm run image` (scripts/image/build.sh) runs as
// users run it — through podman's Docker-compatible API with testcontainers, the locally built image only.
// Inside it: Node 24, the PostgreSQL client tools, a non-root user; `gameday demo` passes in a container
// with a read-only root filesystem, only /tmp writable and no network but its own loopback (the sandbox it
// starts, API replicas as processes behind a balancer, needs no PostgreSQL server: the default pod-kill
// scenario uses no database).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GamedayContainer, IMAGE, runToExit, startPodmanService, type PodmanService } from './podman.js';

let podman: PodmanService;

beforeAll(async () => {
  podman = await startPodmanService();
}, 120_000);

afterAll(async () => {
  await podman?.stop();
}, 60_000);

describe(`the image ${IMAGE}`, () => {
  it('carries Node 24, gameday and the PostgreSQL client tools, and runs as a non-root user', async () => {
    const run = await runToExit(
      new GamedayContainer()
        .withEntrypoint(['sh', '-c'])
        .withCommand([
          'id -u; node --version; gameday --version; for t in pg_dump pg_restore psql; do $t --version; done',
        ]),
      120_000,
    );
    expect(run.exitCode, run.output).toBe(0);
    const [uid, node, version, ...pg] = run.output.trim().split('\n');
    expect(uid).toBe('10001');
    expect(node).toMatch(/^v24\./);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(pg.join('\n')).toMatch(/pg_dump \(PostgreSQL\) \d+/);
    expect(pg.join('\n')).toMatch(/pg_restore \(PostgreSQL\) \d+/);
    expect(pg.join('\n')).toMatch(/psql \(PostgreSQL\) \d+/);
  }, 180_000);

  it('with no arguments prints its usage (ENTRYPOINT gameday, CMD --help)', async () => {
    const run = await runToExit(new GamedayContainer().withNetworkMode('none'), 120_000);
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain('Usage: gameday <command>');
  }, 180_000);

  it('runs gameday demo in a container with a read-only root filesystem: the experiment passes', async () => {
    const run = await runToExit(
      new GamedayContainer()
        .withNetworkMode('none')
        .withReadOnlyRoot()
        .withTmpFs({ '/tmp': 'rw,size=256m' })
        .withCommand(['demo', '--report-dir', '/tmp/reports']),
      300_000,
    );
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/sandbox-pod-kill.*PASS/);
    expect(run.output).toContain('rollback');
  }, 360_000);

  it('on a read-only root filesystem without a writable report directory says to give one (exit 2)', async () => {
    const run = await runToExit(
      new GamedayContainer()
        .withNetworkMode('none')
        .withReadOnlyRoot()
        .withTmpFs({ '/tmp': 'rw,size=64m' })
        .withCommand(['demo']),
      120_000,
    );
    expect(run.exitCode, run.output).toBe(2);
    expect(run.output).toContain('cannot create the run directory /work/reports/sandbox-pod-kill/');
    expect(run.output).toContain('give a writable --report-dir');
  }, 180_000);
});
