// The sandbox as Prometheus sees it: a file_sd targets file, kept current as replicas come and go, and
// the balancer's request counters (by status code, as its clients saw them).
//
// Every sandbox writes its file into one shared folder — $GAMEDAY_PROMETHEUS_SD_DIR, default
// <tmpdir>/gameday-prometheus-sd — so one Prometheus (`npm run fixture:prometheus -- up`) scrapes every
// sandbox on the machine, also those `gameday run` starts for a single run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from './util.mjs';

/** The shared folder of file_sd files (the Prometheus fixture reads `<dir>/*.json`). */
export function fileSdDir(env = process.env) {
  return env.GAMEDAY_PROMETHEUS_SD_DIR || path.join(os.tmpdir(), 'gameday-prometheus-sd');
}

/** Remove the shared folder once no sandbox and no Prometheus fixture uses it (nothing left in /tmp). */
export function removeFileSdDirIfEmpty(dir) {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (another sandbox's file is there), or already gone.
  }
}

/**
 * Keeps `<dir>/sandbox-<pid>.json` in step with the fleet: one target per replica that has a port
 * (labels replica, zone, region, capacity) and one for the balancer's counters (the control API).
 * Every target carries `api` (the sandbox's API URL, as ${SANDBOX_API_URL}), so a scenario's PromQL can
 * select its own sandbox when one Prometheus scrapes several.
 */
export function createFileSd({ dir = fileSdDir(), name = `sandbox-${process.pid}` } = {}) {
  const file = path.join(dir, `${name}.json`);
  let last = '';
  return {
    file,
    /**
     * @param {Array<{id: string, zone: string, port: number | null, capacity?: string, region?: string}>} replicas
     * @param {number | null} controlPort
     * @param {string} apiUrl
     */
    update(replicas, controlPort, apiUrl) {
      const groups = replicas
        .filter((r) => r.port)
        .map((r) => ({
          targets: [`127.0.0.1:${r.port}`],
          labels: {
            role: 'replica',
            sandbox: name,
            api: apiUrl,
            replica: r.id,
            zone: r.zone,
            region: r.region ?? 'local',
            capacity: r.capacity ?? 'on-demand',
          },
        }));
      if (controlPort) {
        groups.push({
          targets: [`127.0.0.1:${controlPort}`],
          labels: { role: 'balancer', sandbox: name, api: apiUrl },
        });
      }
      const text = JSON.stringify(groups);
      if (text === last) return;
      const write = () => {
        fs.mkdirSync(dir, { recursive: true });
        writeJsonAtomic(file, groups);
      };
      try {
        write();
      } catch (error) {
        // Another sandbox removed the shared folder as it became empty, between mkdir and write: again.
        if (error.code !== 'ENOENT') throw error;
        write();
      }
      last = text;
    },
    remove() {
      fs.rmSync(file, { force: true });
      removeFileSdDirIfEmpty(dir);
    },
  };
}

/** Request counters of the balancer by status code, in the Prometheus text format. */
export function createBalancerMetrics() {
  /** @type {Map<string, number>} */
  const byCode = new Map();
  return {
    /** @param {number} code */
    observe(code) {
      const key = String(code);
      byCode.set(key, (byCode.get(key) ?? 0) + 1);
    },
    /** Totals so far, by code (for tests and the control API). */
    counts: () => Object.fromEntries(byCode),
    render() {
      const out = [
        '# HELP sandbox_balancer_requests_total Requests the balancer answered, by status code.',
        '# TYPE sandbox_balancer_requests_total counter',
      ];
      for (const [code, n] of [...byCode].sort()) out.push(`sandbox_balancer_requests_total{code="${code}"} ${n}`);
      return out.join('\n') + '\n';
    },
  };
}
