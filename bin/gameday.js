#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=30
// Thin launcher: the CLI lives in dist/cli/main.js (built by `npm run build`, run by `npm ci` via `prepare`).
// Memory, kept near Node 20's level. `--max-semi-space-size=16` caps V8's young generation at Node 20's
// size (16 MB semi-spaces): Node 24 sizes it from the machine's memory (64 MB semi-spaces on a 24 GiB
// machine). `--heap-growing-percent=30` lets the old generation grow to 1.3× what the last full collection
// kept (V8 picks up to 4×): more, smaller full collections, so the load generator at a constant 1,000/s
// keeps its p99 send lateness under 10 ms (4.5–6.8 ms with the flag, 12–36 ms without), for 0.6 % of a core
// more in the probe scheduler. Above 192 MB of RSS the launcher also switches V8's memory saver on
// (dist/util/memory-saver.js). At 5,000 pods the harness's peak RSS was 330–370 MB with the first flag
// alone, 283–295 MB with both, 258–262 MB with the saver too, and 197–206 MB once the journal mirror no
// longer loaded the Kubernetes client a second time in a worker thread (Node 20: 212–224 MB, same fixture).
// Always on, the saver cost the load generator 25–30 % of its top rate, so it is on only while the process
// is large.
// bench/k8s.js and bench/k6.js run with this line's flags and the memory saver too.
// It checks the Node version before loading anything else, in syntax every Node since 12 parses, so an
// old Node gets one clear line and exit code 2 instead of a syntax error deep in a dependency.
// MINIMUM mirrors package.json engines.node (test/launcher.test.ts keeps them equal).

const MINIMUM = [22, 19];
const found = process.versions.node.split('.').map(Number);
const tooOld = found[0] < MINIMUM[0] || (found[0] === MINIMUM[0] && found[1] < MINIMUM[1]);

if (tooOld) {
  process.stderr.write(
    `gameday needs Node >= ${MINIMUM.join('.')}, found ${process.versions.node} (${process.execPath})\n` +
      '  hint: run it through npx or npm scripts (they use the Node 24 that `npm ci` puts in node_modules/.bin),\n' +
      '        or install Node 24 LTS\n',
  );
  process.exitCode = 2;
} else {
  // V8's memory saver while the process is large (dist/util/memory-saver.js says why and when).
  const debug = (line) => process.env.GAMEDAY_DEBUG && process.stderr.write(`gameday: ${line}\n`);
  import('../dist/util/memory-saver.js')
    .then((memory) => {
      const saver = memory.startMemorySaver({
        onSwitch: (on, rssMb) => debug(`memory saver ${on ? 'on' : 'off'} at ${Math.round(rssMb)} MB RSS`),
      });
      if (saver) debug(`memory saver on above ${saver.highMb} MB RSS, off below ${saver.lowMb} MB`);
      return import('../dist/cli/main.js');
    })
    .then((cli) => cli.main(process.argv.slice(2)));
}
