// The "current fixture" pointer of a fixture CLI: which state dir a plain `down` stops. It lives per
// user and per temp dir ($TMPDIR, else the system's), never machine-wide, so one person's `down` can
// never stop another person's fixture; `down` removes it, and refuses a pointer that does not name a
// state dir this fixture made.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './cli-args.mjs';

function uid() {
  try {
    return String(os.userInfo().uid);
  } catch {
    return 'user';
  }
}

/**
 * @param {string} name e.g. "sandbox", "moto"
 * @param {string | undefined} override the env variable's value (a test seam), if set
 * @param {(stateDir: string) => boolean} isStateDir true when a dir is one this fixture made
 */
export function fixturePointer(name, override, isStateDir) {
  const file = override ?? path.join(os.tmpdir(), `gameday-${name}-current-${uid()}`);
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null);
  return {
    file,
    /** Record `stateDir` as the current fixture; returns the previous one when it still exists. */
    set(stateDir) {
      const previous = read();
      fs.writeFileSync(file, `${stateDir}\n`);
      return previous && previous !== stateDir && fs.existsSync(previous) ? previous : null;
    },
    /** The state dir a plain `down` acts on (a UsageError when there is none or it is not one of ours). */
    resolve() {
      const stateDir = read();
      if (stateDir === null) throw new UsageError(`no --state-dir given and no current ${name} (${file})`);
      if (fs.existsSync(stateDir) && !isStateDir(stateDir)) {
        throw new UsageError(`${file} names ${stateDir}, which is not a ${name} state dir; pass --state-dir`);
      }
      return stateDir;
    },
    /** Forget `stateDir` (after `down`), when it is the current one. */
    clear(stateDir) {
      if (read() === stateDir) fs.rmSync(file, { force: true });
    },
  };
}
