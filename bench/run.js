// npm run bench: every benchmark, printed as numbers (ratios against baselines measured in the same run).
// Usage: node bench/run.js [rto] [scheduler] [load] [rpo] [restore] [k8s] [html] [crash [sandbox|k8s|aws]] [iam] [fuzz [--cases N]] [--quick]
// Goals are printed next to each number, never asserted: these machines are shared and noisy.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchFuzz } from './fuzz.js';
import { benchHtml, htmlBenchLines } from './html.js';
import { benchIam } from './iam.js';
import { benchLoad, benchMaxRate } from './load.js';
import { benchRestore } from './restore.js';
import { benchRpo } from './rpo.js';
import { benchRto } from './rto.js';
import { benchScheduler } from './scheduler.js';
import { startSandbox } from '../dist/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const casesAt = args.indexOf('--cases');
const fuzzCases = casesAt >= 0 ? Number(args[casesAt + 1]) : undefined;
const words = args.filter((a, i) => !a.startsWith('--') && (casesAt < 0 || i !== casesAt + 1));
// Words after `crash` choose its targets (crash sandbox k8s aws); they are not benchmarks of their own.
const crashAt = words.indexOf('crash');
const crashTargets = crashAt < 0 ? [] : words.slice(crashAt + 1).filter((a) => ['sandbox', 'k8s', 'aws'].includes(a));
const only = words.filter((a, i) => crashAt < 0 || i <= crashAt || !crashTargets.includes(a));
const want = (name) => only.length === 0 || only.includes(name);
const verdict = (ok) => (ok ? 'meets goal' : 'MISSES GOAL');
const lines = [];
const say = (line) => {
  console.log(line);
  lines.push(line);
};

if (want('rto')) {
  const runs = quick ? 3 : 10;
  console.log(`\n# RTO accuracy: ${runs} pod-kill runs, 100 ms probe interval, vs the supervisor's ground truth`);
  const rows = await benchRto({ runs });
  for (const r of rows) {
    console.log(
      `  run ${String(r.run).padStart(2)}: measured ${r.measuredMs.toFixed(1)} ms, true ${r.trueMs.toFixed(1)} ms, error ${r.errorMs.toFixed(1)} ms (bound ±${r.boundMs} ms)`,
    );
  }
  const worst = Math.max(...rows.map((r) => Math.abs(r.errorMs)));
  const inBound = rows.filter((r) => Math.abs(r.errorMs) <= r.boundMs).length;
  say(
    `rto accuracy: ${inBound}/${rows.length} runs within interval + 10 ms; worst |error| ${worst.toFixed(1)} ms — ${verdict(inBound === rows.length)}`,
  );
}

if (want('scheduler')) {
  const durationMs = quick ? 10_000 : 60_000;
  console.log(`\n# probe scheduler: 20 Hz for ${durationMs / 1000} s`);
  const s = await benchScheduler({ durationMs, hz: 20 });
  say(
    `scheduler: p50 jitter ${s.p50JitterMs} ms, p99 ${s.p99JitterMs} ms (goal < 5), max ${s.maxJitterMs} ms, CPU ${s.cpuPercentOfCore}% of a core (goal < 5) — ${verdict(s.p99JitterMs < 5 && s.cpuPercentOfCore < 5)}`,
  );
}

if (want('load')) {
  const durationMs = quick ? 10_000 : 30_000;
  console.log(`\n# built-in load: 1,000 req/s for ${durationMs / 1000} s against the sandbox`);
  const sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 0, database: false });
  try {
    const c = await benchLoad({ url: `${sandbox.apiUrl}/contacts`, rate: 1000, durationMs });
    const off = (Math.abs(c.achievedRatePerSec - 1000) / 1000) * 100;
    say(
      `load constant: target 1000/s, achieved ${c.achievedRatePerSec.toFixed(1)}/s (${off.toFixed(2)}% off, goal <= 1%), errors ${c.errorPercent}%, p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms — ${verdict(off <= 1)}`,
    );
  } finally {
    await sandbox.stop();
  }
  console.log(`\n# built-in load vs autocannon: maximum rate against a trivial local server`);
  const m = await benchMaxRate({ durationMs: quick ? 6_000 : 15_000, connections: 50, rounds: 3 });
  say(
    `load max rate (median of ${m.rounds} alternating rounds): builtin ${m.builtin.completedPerSec}/s, autocannon ${m.autocannon.completedPerSec}/s, ratio ${m.ratio} (goal >= 0.8); client CPU per request ${m.builtin.clientCpuUsPerRequest} µs vs ${m.autocannon.clientCpuUsPerRequest} µs — ${verdict(m.ratio >= 0.8)}`,
  );
}

if (want('rpo')) {
  const runs = quick ? 3 : 10;
  console.log(`\n# RPO accuracy: ${runs} sandbox failovers under write load (immediate stop, 50 ms replication lag)`);
  const rows = await benchRpo({ runs, lagMs: 50 });
  for (const r of rows) {
    console.log(
      `  run ${String(r.run).padStart(2)}: ${r.acknowledged} acknowledged, measured lost ${r.measuredLost}, true lost ${r.trueLost}`,
    );
  }
  const equal = rows.filter((r) => r.equal).length;
  const lost = rows.reduce((n, r) => n + r.trueLost, 0);
  say(
    `rpo accuracy: measured lost writes equal the true count in ${equal}/${rows.length} failovers (${lost} writes lost in all) — ${verdict(equal === rows.length)}`,
  );
}

if (want('restore')) {
  const sizeMb = quick ? 200 : 1024;
  console.log(`\n# restore drill vs bare pg_restore -j2 of the same dump (${sizeMb} MB database)`);
  const r = await benchRestore({ sizeMb, jobs: 2, log: (m) => console.log(`  ${m}`) });
  say(
    `restore: database ${(r.databaseBytes / 1048576).toFixed(0)} MiB, bare pg_restore -j2 ${(r.bareMs / 1000).toFixed(2)} s, gameday drill ${(r.drillMs / 1000).toFixed(2)} s, overhead ${r.overheadPct.toFixed(1)}% (goal <= 10%) — ${verdict(r.overheadPct <= 10)}`,
  );
}

if (want('k8s')) {
  // Its own process, so the harness's peak RSS is the Kubernetes run's alone.
  const args = quick ? ['--nodes', '100', '--pods', '1000'] : [];
  console.log(`\n# Kubernetes at scale (bench/k8s.js ${args.join(' ')})`);
  const out = execFileSync(process.execPath, [fileURLToPath(new URL('./k8s.js', import.meta.url)), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('pod-kill') || l.startsWith('zone-outage') || l.startsWith('harness'))) {
    say(`k8s ${line}`);
  }
}

if (want('html')) {
  const hours = quick ? 0.25 : 1;
  console.log(
    `\n# report.html: a ${hours} h run, 2 probes at 100 ms and 100 ms load buckets, opened in headless chromium`,
  );
  const m = await benchHtml({ hours, intervalMs: 100, probes: 2 });
  for (const line of htmlBenchLines(m)) say(line);
  if (m.consoleErrors.length > 0) say(`html render: console errors: ${m.consoleErrors.join(' | ')}`);
}

if (want('crash')) {
  // The full crash matrix shares its harness with the test tiers (TypeScript): run it through vite-node.
  // `crash sandbox`, `crash k8s`, `crash aws` choose targets; --quick runs the tiers' kill points only.
  const targets = crashTargets;
  const root = fileURLToPath(new URL('../', import.meta.url));
  console.log(`\n# crash matrix (test/crash/bench.ts ${[...targets, ...(quick ? ['--quick'] : [])].join(' ')})`);
  const out = execFileSync(
    process.execPath,
    [`${root}node_modules/.bin/vite-node`, `${root}test/crash/bench.ts`, ...targets, ...(quick ? ['--quick'] : [])],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  process.stdout.write(out);
  lines.push(...out.split('\n').filter((l) => l.startsWith('crash matrix:')));
}

if (want('iam')) {
  console.log('\n# least privilege on moto with IAM enforced: each AWS scenario, whole policy and one action less');
  const rows = benchIam();
  console.log('  scenario | removed action | exit | verdict | refusal');
  for (const r of rows) console.log(`  ${r.scenario} | ${r.removed} | ${r.code} | ${r.verdict} | ${r.refusal}`);
  const whole = rows.filter((r) => r.removed === '(none)');
  const less = rows.filter((r) => r.removed !== '(none)');
  const refused = less.filter((r) => r.refusal !== 'none' && r.code !== 0).length;
  say(
    `iam: ${whole.filter((r) => r.verdict === 'pass').length}/${whole.length} scenarios pass with exactly their policy; ${refused}/${less.length} runs with one action less fail with AWS_ACCESS_DENIED naming it (goal: all) — ${verdict(refused === less.length && whole.every((r) => r.verdict === 'pass'))}`,
  );
}

if (want('fuzz')) {
  const cases = fuzzCases ?? (quick ? 5_000 : 20_000);
  console.log(`\n# wrong input: ${cases} mutated scenarios through gameday validate (and iam, rbac when valid)`);
  const f = benchFuzz({ cases });
  say(
    `fuzz: ${f.cases} cases (${f.valid} valid, ${f.invalid} invalid) in ${f.seconds.toFixed(0)} s, ${((f.seconds * 1000) / f.cases).toFixed(1)} ms a case; ${f.failed ? 'a case FAILED (see the counterexample above)' : 'every answer exit 0 or 2, file:line:col, no stack trace'} — ${verdict(!f.failed)}`,
  );
}

console.log('\n# summary');
for (const l of lines) console.log(`  ${l}`);
