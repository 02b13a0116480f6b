// moto in server mode on loopback: install it if missing, start it on a free 127.0.0.1 port, stop it
// leaving no process and no listening port. Used by `npm run fixture:aws` and by test/aws/moto.ts.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portOpen } from '../../shared/net.mjs';
import { startOwnerWatchdog } from '../../shared/watchdog.mjs';

/** The moto release these fixtures were written and tested against; 5.2.5 is the first with FIS Get/ListExperimentTemplates. */
export const MOTO_SPEC = process.env.GAMEDAY_MOTO_SPEC ?? 'moto[server]==5.2.5';
const MOTO_MIN = [5, 2, 5];
export const INSTALL_HINT = 'pip install "moto[server]"';
const python = process.env.GAMEDAY_PYTHON ?? 'python3';

/** The installed moto version when `python3 -m moto.server` can run it (server extras: flask, werkzeug). */
export function motoVersion() {
  const probe = spawnSync(python, ['-c', 'import moto.server, flask, flask_cors; print(moto.__version__)'], {
    encoding: 'utf8',
  });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** The installed version when it is recent enough for these fixtures, else undefined. */
export function motoInstalled() {
  const version = motoVersion();
  if (!version) return undefined;
  const parts = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < MOTO_MIN.length; i++) {
    if ((parts[i] ?? 0) !== MOTO_MIN[i]) return (parts[i] ?? 0) > MOTO_MIN[i] ? version : undefined;
  }
  return version;
}

/** Install moto[server] with pip when it is missing. `log` hears what is done; throws with the exact install hint. */
export function ensureMoto(log = () => {}) {
  const found = motoInstalled();
  if (found) {
    log(`moto ${found} found (${python})`);
    return found;
  }
  const old = motoVersion();
  log(
    `${old ? `moto ${old} is older than ${MOTO_MIN.join('.')}` : 'moto not found'}; running: ${python} -m pip install "${MOTO_SPEC}"`,
  );
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', MOTO_SPEC], { encoding: 'utf8' });
  const installed = motoInstalled();
  if (pip.status !== 0 || !installed) {
    const why = (pip.stderr || pip.stdout || (pip.error ? String(pip.error) : '')).trim().split('\n').slice(-5);
    throw new Error(
      `moto is not installed and pip could not install it; install it with: ${INSTALL_HINT}\n${why.join('\n')}`,
    );
  }
  log(`installed moto ${installed}`);
  return installed;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Start moto_server on a free loopback port and wait until it answers. State (pid, port, log) goes to
 * `stateDir` (a new temp dir by default). With `ownerPid`, a detached watchdog stops moto and removes
 * `stateDir` once that process is gone. Returns { endpoint, port, pid, stateDir, watchdogPid }.
 */
export async function startMoto({ stateDir, timeoutMs = 30_000, log = () => {}, ownerPid, iam = false } = {}) {
  ensureMoto(log);
  const dir = stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-moto-'));
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'moto.log');
  // Another process may take the port between freePort() and bind; try a few ports.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const out = fs.openSync(logFile, 'a');
    // Detached (own process group) so `down` can stop it and anything it spawned; loopback only.
    // With IAM enforcement, moto runs through moto_iam.py (which says what moto checks and what it corrects).
    const program = iam ? [fileURLToPath(new URL('./moto_iam.py', import.meta.url))] : ['-m', 'moto.server'];
    const child = spawn(python, [...program, '-H', '127.0.0.1', '-p', String(port)], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    });
    fs.closeSync(out);
    child.unref();
    const state = { pid: child.pid, port, endpoint: `http://127.0.0.1:${port}`, stateDir: dir, logFile };
    const stateFile = path.join(dir, 'moto.json');
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
    log(`started moto_server pid ${child.pid} on 127.0.0.1:${port} (log ${logFile})`);
    // Watched from before it answers: an owner killed during start-up leaves nothing behind either.
    state.watchdogPid = ownerPid
      ? startOwnerWatchdog({
          ownerPid,
          stateDir: dir,
          marker: stateFile,
          module: fileURLToPath(import.meta.url),
          exportName: 'removeMoto',
          logFile: path.join(dir, 'watchdog.log'),
        })
      : null;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && isAlive(child.pid)) {
      try {
        const res = await fetch(`${state.endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) {
          if (!iam) return state;
          state.iam = await enforceIam(state.endpoint, log);
          fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
          return state;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await stopMoto(dir);
    // This attempt's watchdog would exit on its own (moto.json is gone), unless the next attempt writes it first.
    try {
      if (state.watchdogPid) process.kill(state.watchdogPid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (attempt === 3 || Date.now() >= deadline) {
      throw new Error(
        `moto_server did not answer on 127.0.0.1:${port} within ${timeoutMs} ms; is it installed (${INSTALL_HINT})?\n${tail(logFile)}`,
      );
    }
    log(`moto_server exited during start-up (port taken?); retrying`);
  }
  throw new Error('unreachable');
}

/** The IAM user that may do everything, created while moto still lets every request through. */
export const ADMIN_USER = 'gameday-fixture-admin';

const iamClient = async (endpoint, credentials) => {
  const { IAMClient } = await import('@aws-sdk/client-iam');
  return new IAMClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
};

/** Create an IAM user with one inline policy and an access key, through moto's IAM API, as `caller`. */
export async function createIamUser(endpoint, caller, userName, policy) {
  const { CreateUserCommand, PutUserPolicyCommand, CreateAccessKeyCommand } = await import('@aws-sdk/client-iam');
  const client = await iamClient(endpoint, caller);
  try {
    await client.send(new CreateUserCommand({ UserName: userName }));
    await client.send(
      new PutUserPolicyCommand({ UserName: userName, PolicyName: 'gameday', PolicyDocument: JSON.stringify(policy) }),
    );
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: userName }));
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  } finally {
    client.destroy();
  }
}

async function setNoAuthCount(endpoint, count) {
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: String(count) });
  if (!res.ok) throw new Error(`moto reset-auth ${count}: HTTP ${res.status}`);
}

/**
 * The admin bootstrap: with authentication still off, create the admin user (Action "*", Resource "*") and
 * its access key through the IAM API, then set INITIAL_NO_AUTH_ACTION_COUNT to 0: from then on every
 * request is authenticated and checked against its user's policies. Returns the admin's credentials.
 */
async function enforceIam(endpoint, log) {
  const everything = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const admin = await createIamUser(
    endpoint,
    { accessKeyId: 'testing', secretAccessKey: 'testing' },
    ADMIN_USER,
    everything,
  );
  await setNoAuthCount(endpoint, 0);
  log(`IAM enforced; admin user ${ADMIN_USER} (access key ${admin.accessKeyId})`);
  return { admin };
}

/**
 * Forget everything moto stores. With IAM enforced, the admin user goes too, so it is created again
 * (authentication off for the bootstrap, then on); returns the new admin credentials (or undefined).
 */
export async function resetMoto(state) {
  if (state.iam) await setNoAuthCount(state.endpoint, Infinity);
  const res = await fetch(`${state.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset: HTTP ${res.status}`);
  if (!state.iam) return undefined;
  state.iam = await enforceIam(state.endpoint, () => {});
  return state.iam.admin;
}

/** Stop the moto started in `stateDir`: SIGTERM its process group, SIGKILL after a grace, check the port is closed. */
export async function stopMoto(stateDir, { graceMs = 3000, log = () => {} } = {}) {
  const file = path.join(stateDir, 'moto.json');
  if (!fs.existsSync(file)) return { stopped: false, reason: `no moto state in ${stateDir}` };
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  const signalGroup = (sig) => {
    try {
      process.kill(-state.pid, sig);
    } catch {
      try {
        process.kill(state.pid, sig);
      } catch {
        // already gone
      }
    }
  };
  if (isAlive(state.pid)) {
    signalGroup('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(state.pid) && Date.now() < deadline) await sleep(50);
    if (isAlive(state.pid)) {
      log(`moto pid ${state.pid} ignored SIGTERM; sending SIGKILL`);
      signalGroup('SIGKILL');
      while (isAlive(state.pid)) await sleep(50);
    }
  }
  for (let i = 0; i < 40 && (await portOpen(state.port)); i++) await sleep(50);
  if (await portOpen(state.port))
    throw new Error(`port ${state.port} still listening after moto pid ${state.pid} stopped`);
  fs.rmSync(file, { force: true });
  log(`stopped moto pid ${state.pid}; port ${state.port} closed`);
  return { stopped: true, pid: state.pid, port: state.port };
}

/** Stop the moto started in `stateDir` and remove the dir: what the owner watchdog runs once the owner is gone. */
export async function removeMoto({ stateDir, log = () => {} }) {
  await stopMoto(stateDir, { log });
  fs.rmSync(stateDir, { recursive: true, force: true });
}
