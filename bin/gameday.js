#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=30
// Thin launcher: the CLI lives in dist/cli/main.js (built by `npm run build`, run by `npm ci` via `prepare`).
// The node flags keep gameday's memory at Node 20's level. `--max-semi-space-size=16` caps V8's young
// generation at Node 20's size (16 MB semi-spaces): Node 24 sizes it from the machine's memory (64 MB
// semi-spaces on a 24 GiB machine). `--heap-growing-percent=30` lets the old generation grow to 1.3× what
// the last full collection kept (V8 picks a factor up to 4× from its GC and allocation speeds): at 5,000
// pods the harness's peak RSS was 330–370 MB with the first flag alone and is 290–295 MB with both, much of
// the difference garbage waiting for a full collection. The price: more frequent full collections of a
// small heap, the probe scheduler alone at 20 Hz takes 2.2–2.4 % of a core instead of 1.6–1.8 %.
// `--optimize-for-size` went lower still (~225 MB) but took 3.3–3.7 %, and 50 % more CPU at 5,000 pods.
// bench/k8s.js runs with the flags of this line too.
// It checks the Node version before loading anything else, in syntax every Node since 12 parses, so an
// old Node gets one clear line and exit code 2 instead of a syntax error deep in a dependency.
// MINIMUM mirrors package.json engines.node (test/launcher.test.ts keeps them equal).

const MINIMUM = [22, 12];
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
  import('../dist/cli/main.js').then((cli) => cli.main(process.argv.slice(2)));
}
