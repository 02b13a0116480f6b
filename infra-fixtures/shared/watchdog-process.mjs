// The owner watchdog's process (started detached by watchdog.mjs; one timer, no network): when the
// owner is gone it runs the fixture's `down` for the state dir, then exits. It exits as well once the
// fixture's marker file is gone (the fixture was stopped normally). Usage: node watchdog-process.mjs <config-json>

import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Teardowns tried before giving up (each `down` already waits for SIGTERM, then SIGKILLs). */
const MAX_ATTEMPTS = 3;

const { ownerPid, stateDir, marker, module, exportName, intervalMs } = JSON.parse(process.argv[2] ?? '{}');
const log = (line) => console.log(`${new Date().toISOString()} [watchdog ${process.pid}] ${line}`);

// Loaded now, not when the owner dies: the teardown that runs is the code that started the fixture.
const down = (await import(pathToFileURL(module).href))[exportName];
if (typeof down !== 'function') {
  log(`${module} has no function ${exportName}; exiting`);
  process.exit(2);
}

/** Fields 3.. of /proc/<pid>/stat (state first, start time at index 19), or null without procfs. */
function statFields(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const ownerStart = statFields(ownerPid)?.[19] ?? null;

/**
 * True while the owner lives. A zombie is gone (it exited; its parent has not reaped it yet), and so is
 * a process with the owner's pid but another start time (the pid was reused).
 */
function ownerAlive() {
  try {
    process.kill(ownerPid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  const fields = statFields(ownerPid);
  if (fields === null) return true; // no procfs (or it exited just now; the next look sees it): trust kill(0)
  return !/^[ZX]/.test(fields[0] ?? '') && (ownerStart === null || fields[19] === ownerStart);
}

/** The marker's identity: a marker removed and written again belongs to a new fixture, not to our owner. */
function markerId() {
  try {
    const st = fs.statSync(marker);
    return `${st.ino}:${st.birthtimeMs}`;
  } catch {
    return null;
  }
}

const ours = markerId();
let attempts = 0;
let busy = false;
log(`watching owner pid ${ownerPid} for ${stateDir}`);
setInterval(() => {
  if (busy) return;
  if (ours === null || markerId() !== ours) {
    log(`${marker} is gone (stopped normally); exiting`);
    process.exit(0);
  }
  if (ownerAlive()) return;
  busy = true;
  attempts++;
  log(`owner pid ${ownerPid} is gone; stopping the fixture in ${stateDir} (attempt ${attempts} of ${MAX_ATTEMPTS})`);
  Promise.resolve()
    .then(() => down({ stateDir, log }))
    .catch((error) => log(`stopping failed: ${error?.message ?? error}`))
    .finally(() => {
      busy = false;
      if (markerId() !== ours) {
        log('fixture stopped; exiting');
        process.exit(0);
      }
      if (attempts >= MAX_ATTEMPTS) {
        // Why give up: a process that survives SIGKILL three times will not go by retrying, and a
        // watchdog spinning forever would itself be something left running.
        log(`the fixture in ${stateDir} is still there after ${attempts} attempts; giving up`);
        process.exit(1);
      }
    });
}, intervalMs);
