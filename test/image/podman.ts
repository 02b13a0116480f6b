// The image tier's container runtime: podman's Docker-compatible API (`podman system service`) on a unix
// socket of this test process, with gameday's containers.conf (runc, cgroupfs, no default ulimits), driven
// through testcontainers with Ryuk disabled and only the locally built image (never a pull).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GenericContainer,
  getContainerRuntimeClient,
  PullPolicy,
  StartupCheckStrategy,
  type StartupStatus,
} from 'testcontainers';
import { ROOT, eventually } from '../helpers/cli.js';

/** The image `npm run image` builds. */
export const IMAGE = `localhost/gameday:${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;
export const CONTAINERS_CONF = join(ROOT, 'scripts/image/containers.conf');

export const INSTALL_HINT =
  'the image tests need podman and runc (apt-get install -y podman runc mmdebstrap) and the image: npm run image';

const podmanEnv = (): NodeJS.ProcessEnv => ({ ...process.env, CONTAINERS_CONF });

/** Fail (never skip) when podman or the image is missing, saying what to do. */
export function requireImage(): void {
  const found = spawnSync('podman', ['image', 'exists', IMAGE], { env: podmanEnv() });
  if (found.error) throw new Error(`${INSTALL_HINT}: podman could not be started (${found.error.message})`);
  if (found.status !== 0) throw new Error(`${INSTALL_HINT}: image ${IMAGE} is not built`);
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export interface PodmanService {
  /** unix:///…/podman.sock, for DOCKER_HOST. */
  dockerHost: string;
  stop(): Promise<void>;
}

/** Start `podman system service` on a socket of our own; testcontainers reaches it through DOCKER_HOST. */
export async function startPodmanService(): Promise<PodmanService> {
  requireImage();
  const dir = mkdtempSync(join(tmpdir(), 'gameday-podman-'));
  const socket = join(dir, 'podman.sock');
  const child: ChildProcess = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
    env: podmanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await eventually(async () => ((await ping(socket)) ? true : undefined), 60_000, 'podman system service');
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${INSTALL_HINT}: podman system service did not answer: ${stderr.slice(-500)}`, { cause: error });
  }
  const dockerHost = `unix://${socket}`;
  process.env['DOCKER_HOST'] = dockerHost;
  process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
  return {
    dockerHost,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A container's end: done once it exited, whatever its code (the test reads the code). */
class Exited extends StartupCheckStrategy {
  override async checkStartupState(
    client: Parameters<StartupCheckStrategy['checkStartupState']>[0],
    id: string,
  ): Promise<StartupStatus> {
    const info = await client.getContainer(id).inspect();
    return info.State.Running || !info.State.FinishedAt || info.State.FinishedAt.startsWith('0001')
      ? 'PENDING'
      : 'SUCCESS';
  }
}

/** The gameday image as a container: never pulled; optionally with a read-only root filesystem, as in a pod. */
export class GamedayContainer extends GenericContainer {
  constructor() {
    super(IMAGE);
    this.withPullPolicy(PullPolicy.defaultPolicy());
  }

  withReadOnlyRoot(): this {
    this.hostConfig.ReadonlyRootfs = true;
    return this;
  }
}

export interface ContainerRun {
  exitCode: number;
  output: string;
}

/** Start the container, wait (bounded) until it exits, and answer its exit code and output; remove it. */
export async function runToExit(container: GenericContainer, timeoutMs: number): Promise<ContainerRun> {
  const started = await container
    .withWaitStrategy(new Exited())
    .withStartupTimeout(timeoutMs)
    .withAutoRemove(false)
    .start();
  try {
    const client = await getContainerRuntimeClient();
    const info = await client.container.inspect(client.container.getById(started.getId()));
    let output = '';
    for await (const chunk of await started.logs()) output += String(chunk);
    return { exitCode: info.State.ExitCode, output };
  } finally {
    await started.stop({ remove: true, timeout: 0 });
  }
}
