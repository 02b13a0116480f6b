// A real Prometheus (Debian's `prometheus` package) on loopback for tests, benches and by hand: a free
// port, its config and data in one temp dir, scraping every sandbox on the machine every second through
// the sandboxes' file_sd files (infra-fixtures/sandbox/lib/prometheus-sd.mjs). Started with an owner, it
// stops by itself when that process is gone (infra-fixtures/shared/watchdog.mjs).

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portOpen } from '../../shared/net.mjs';
import { startOwnerWatchdog } from '../../shared/watchdog.mjs';
import { fileSdDir, removeFileSdDirIfEmpty } from '../../sandbox/lib/prometheus-sd.mjs';

const SELF = fileURLToPath(import.meta.url);
const PID_FILE = 'prometheus.pid';
const STATE_FILE = 'prometheus.json';

export const PROMETHEUS_MISSING_MESSAGE =
  'Prometheus is not installed: the Prometheus fixture runs the system package (Debian/Ubuntu: apt-get install prometheus), or set GAMEDAY_PROMETHEUS to a prometheus binary.';

/** The prometheus binary: $GAMEDAY_PROMETHEUS, else `prometheus` on PATH; throws with an install hint. */
export function findPrometheus(env = process.env) {
  const binary = env.GAMEDAY_PROMETHEUS || 'prometheus';
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { binary, version: /version (\S+)/.exec(out)?.[1] ?? 'unknown' };
  } catch (error) {
    throw new Error(PROMETHEUS_MISSING_MESSAGE, { cause: error });
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch (error) {
    return error?.code === 'EPERM';
  }
}

/** The scrape config: every sandbox's targets file, every `scrapeIntervalMs`. */
function config({ sdDir, scrapeIntervalMs }) {
  const every = `${Math.max(1, Math.round(scrapeIntervalMs / 1000))}s`;
  return [
    'global:',
    `  scrape_interval: ${every}`,
    `  scrape_timeout: ${every}`,
    `  evaluation_interval: ${every}`,
    'scrape_configs:',
    '  - job_name: sandbox',
    '    file_sd_configs:',
    `      - files: [${JSON.stringify(path.join(sdDir, '*.json'))}]`,
    '        refresh_interval: 2s',
    '',
  ].join('\n');
}

/**
 * Web config (Prometheus's --web.config.file): basic auth users (bcrypt hashes) and TLS.
 * @param {{ basicAuth?: Record<string, string>, tls?: { certFile: string, keyFile: string } }} web
 */
function webConfig(web) {
  const lines = [];
  if (web.tls) lines.push('tls_server_config:', `  cert_file: ${web.tls.certFile}`, `  key_file: ${web.tls.keyFile}`);
  if (web.basicAuth) {
    lines.push('basic_auth_users:');
    for (const [user, hash] of Object.entries(web.basicAuth)) lines.push(`  ${user}: ${JSON.stringify(hash)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Start Prometheus and wait until it is ready.
 * @param {{ stateDir?: string, sdDir?: string, scrapeIntervalMs?: number, ownerPid?: number | null,
 *   web?: { basicAuth?: Record<string, string>, tls?: { certFile: string, keyFile: string } },
 *   readyTimeoutMs?: number, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {Promise<{ url: string, port: number, pid: number, stateDir: string, sdDir: string, stop: () => Promise<void> }>}
 */
export async function startPrometheus(opts = {}) {
  const env = opts.env ?? process.env;
  const { binary } = findPrometheus(env);
  const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-prometheus-'));
  const sdDir = opts.sdDir ?? fileSdDir(env);
  fs.mkdirSync(path.join(stateDir, 'data'), { recursive: true });
  fs.mkdirSync(sdDir, { recursive: true });
  const configFile = path.join(stateDir, 'prometheus.yml');
  fs.writeFileSync(configFile, config({ sdDir, scrapeIntervalMs: opts.scrapeIntervalMs ?? 1000 }));
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(stateDir, 'data')}`,
    '--storage.tsdb.retention.time=1d',
    '--log.level=warn',
  ];
  if (opts.web) {
    const webFile = path.join(stateDir, 'web.yml');
    fs.writeFileSync(webFile, webConfig(opts.web));
    args.push(`--web.config.file=${webFile}`);
  }
  const scheme = opts.web?.tls ? 'https' : 'http';
  // A free port can be taken by someone else before Prometheus binds it: try a few.
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFile = path.join(stateDir, 'prometheus.log');
    const log = fs.openSync(logFile, 'a');
    // Detached, output to a file: it must survive a Ctrl-C meant for its starter (the watchdog stops it).
    const child = spawn(binary, [...args, `--web.listen-address=127.0.0.1:${port}`], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    child.unref();
    const pid = child.pid;
    if (!pid) throw new Error(`could not start ${binary}`);
    const url = `${scheme}://127.0.0.1:${port}`;
    fs.writeFileSync(path.join(stateDir, PID_FILE), `${pid}\n`);
    fs.writeFileSync(path.join(stateDir, STATE_FILE), JSON.stringify({ pid, url, port, sdDir }, null, 2) + '\n');
    if (opts.ownerPid) {
      startOwnerWatchdog({
        ownerPid: opts.ownerPid,
        stateDir,
        marker: path.join(stateDir, PID_FILE),
        module: SELF,
        exportName: 'stopPrometheus',
        logFile: path.join(stateDir, 'watchdog.log'),
        intervalMs: 500,
      });
    }
    try {
      await waitReady(pid, port, opts.readyTimeoutMs ?? 60_000, logFile);
      return { url, port, pid, stateDir, sdDir, stop: () => stopPrometheus({ stateDir, removeDir: !opts.stateDir }) };
    } catch (error) {
      lastError = error;
      await stopPrometheus({ stateDir });
    }
  }
  throw lastError;
}

/** Ready when /-/ready answers (any status: with auth or TLS configured, a 401 or a TLS error still means up). */
async function waitReady(pid, port, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) {
      const log = fs.existsSync(logFile)
        ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n')
        : '';
      throw new Error(`prometheus exited during start-up:\n${log}`);
    }
    if (await portOpen(port)) {
      const ready = await fetch(`http://127.0.0.1:${port}/-/ready`, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.status !== 503)
        .catch(() => true); // TLS-only: the plain request fails once the server listens
      if (ready) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus on port ${port} was not ready within ${timeoutMs} ms`);
}

/**
 * Stop the Prometheus in `stateDir` (SIGTERM, then SIGKILL after 10 s) and remove its pid file; with
 * `removeDir`, its whole state dir. Also the owner watchdog's teardown.
 * @param {{ stateDir: string, log?: (line: string) => void, removeDir?: boolean }} opts
 */
export async function stopPrometheus({ stateDir, log = () => {}, removeDir = false }) {
  const pidFile = path.join(stateDir, PID_FILE);
  const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : NaN);
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    const cmd = fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') : 'prometheus';
    // Why the check: a pid from an old state file may belong to an unrelated process by now.
    if (cmd.includes('prometheus')) {
      log(`stopping prometheus (pid ${pid})`);
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
    }
  }
  fs.rmSync(pidFile, { force: true });
  const sdDir = readPrometheusState(stateDir)?.sdDir;
  if (typeof sdDir === 'string') removeFileSdDirIfEmpty(sdDir);
  if (removeDir) fs.rmSync(stateDir, { recursive: true, force: true });
}

/** The state of a running fixture (`up` wrote it), or null. */
export function readPrometheusState(stateDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, STATE_FILE), 'utf8'));
  } catch {
    return null;
  }
}
