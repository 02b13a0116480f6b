// The node flags gameday's launcher (bin/gameday.js) starts Node with, read from its shebang line: the
// benches that measure gameday's own memory (Kubernetes at scale, the long k6 run) run it as users do,
// and start the launcher's memory saver (src/util/memory-saver.ts) in that process as it does.

import { readFileSync } from 'node:fs';

const LAUNCHER = new URL('../bin/gameday.js', import.meta.url);

/** The flags after `node` on the launcher's `#!/usr/bin/env -S node …` line ([] when there are none). */
export function launcherNodeFlags(text = readFileSync(LAUNCHER, 'utf8')) {
  const first = text.split('\n', 1)[0] ?? '';
  const m = /^#!\S*env(?: -S)? node((?: \S+)*)\s*$/.exec(first);
  if (!m) throw new Error(`bin/gameday.js: unexpected first line ${JSON.stringify(first)}`);
  return m[1].split(' ').filter(Boolean);
}
