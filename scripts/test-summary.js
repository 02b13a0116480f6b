// The closing lines of CI, from vitest's JSON reports (.tmp/vitest-<tier>.json): one line per tier —
// passed, failed, skipped, files that failed to run, and how long the tier took — then the total.
// A tier whose report is missing did not run (an earlier step failed); it is listed, never left out.
// Usage: node scripts/test-summary.js .tmp/vitest-unit.json .tmp/vitest-integration.json …
// Exit 1 when any tier failed, did not run, or ran no test.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const minutes = (ms) => `${Math.floor(ms / 60_000)}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;

let ok = true;
const total = { passed: 0, failed: 0, skipped: 0, brokenFiles: 0, ms: 0 };
const lines = [];
for (const file of process.argv.slice(2)) {
  const tier = basename(file)
    .replace(/^vitest-/, '')
    .replace(/\.json$/, '');
  if (!existsSync(file)) {
    ok = false;
    lines.push([tier, 'did not run (no report: an earlier step failed or the tier crashed)']);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const passed = r.numPassedTests ?? 0;
  const failed = r.numFailedTests ?? 0;
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A file whose beforeAll threw fails without failing a test: count it, or a broken tier looks green.
  const brokenFiles = (r.testResults ?? []).filter((t) => t.status === 'failed' && failedTests(t) === 0).length;
  const ends = (r.testResults ?? []).map((t) => t.endTime ?? 0);
  const ms = ends.length > 0 ? Math.max(...ends) - r.startTime : 0;
  total.passed += passed;
  total.failed += failed;
  total.skipped += skipped;
  total.brokenFiles += brokenFiles;
  total.ms += ms;
  // test/setup/leftovers.ts: temp dirs or lock files the tier left in its TMPDIR.
  const leftovers = r.leftovers ?? [];
  if (failed > 0 || brokenFiles > 0 || passed === 0 || leftovers.length > 0) ok = false;
  const left = leftovers.length > 0 ? `; LEFT BEHIND in TMPDIR: ${leftovers.join(', ')}` : '';
  lines.push([tier, `${counts(passed, failed, skipped, brokenFiles)} in ${minutes(ms)}${left}`]);
}
const width = Math.max(5, ...lines.map(([t]) => t.length));
for (const [tier, text] of lines) console.log(`${tier.padEnd(width)}  ${text}`);
console.log(
  `${'total'.padEnd(width)}  ${counts(total.passed, total.failed, total.skipped, total.brokenFiles)} in ${minutes(total.ms)}`,
);
process.exitCode = ok ? 0 : 1;

function failedTests(t) {
  return (t.assertionResults ?? []).filter((a) => a.status === 'failed').length;
}

function counts(passed, failed, skipped, brokenFiles) {
  const parts = [`${passed} passed`, `${failed} failed`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (brokenFiles) parts.push(`${brokenFiles} file(s) failed before their tests ran`);
  return parts.join(', ');
}
