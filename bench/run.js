// npm run bench: every benchmark, printed as numbers (ratios against baselines measured in the same run).
// Usage: node bench/run.js [rto] [rto-limit] [scheduler] [load] [rpo] [restore] [k8s] [html] [k6] [prometheus]
//        [crash [sandbox|k8s|aws]] [iam] [fuzz [--cases N]] [--quick]
//        [--k6-duration 10m] [--prometheus-duration 10m]   (the long k6 RSS run and the Prometheus probe run)
//        [--list]   (print the node, its flags and the benchmarks chosen; run nothing)
// Goals are printed next to each number, never asserted: these machines are shared and noisy.

import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchFuzz } from './fuzz.js';
import { benchHtml, htmlBenchLines } from './html.js';
import { benchIam } from './iam.js';
import { benchLoad, benchMaxRate } from './load.js';
import { benchRestore } from './restore.js';
import { benchRpo, formatRpoRow } from './rpo.js';
import { benchRto } from './rto.js';
import { benchScheduler } from './scheduler.js';
import { judgeFuzz, judgeIam, judgeK6Ingest, judgeK6Rss, judgeMaxRate, judgeRpo, judgeRto } from './verdicts.js';
import { benchBuiltinVsK6, benchK6Ingest, benchK6Rss } from './k6.js';
import { benchPrometheusProbes } from './prometheus.js';
import { benchRtoOutages, judgeRto as judgeRtoOutages } from './rto-outage.js';
import { startSandbox } from '../dist/index.js';
import { parseDuration } from '../dist/util/duration.js';
import { startMemorySaver } from '../dist/util/memory-saver.js';
import { launcherNodeFlags } from './launcher-flags.js';

const SELF = fileURLToPath(import.meta.url);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** The value after a --flag, as a duration in ms. */
const durationArg = (name, fallback) => {
  const i = args.indexOf(name);
  const text = i >= 0 ? args[i + 1] : undefined;
  return (text && parseDuration(text)) || fallback;
};
/** Flags followed by a value (the value is not a benchmark name). */
const VALUE_FLAGS = ['--cases', '--k6-duration', '--prometheus-duration'];
const casesAt = args.indexOf('--cases');
const fuzzCases = casesAt >= 0 ? Number(args[casesAt + 1]) : undefined;
const words = args.filter((a, i) => !a.startsWith('--') && !VALUE_FLAGS.includes(args[i - 1] ?? ''));
// Words after `crash` choose its targets (crash sandbox k8s aws); they are not benchmarks of their own.
const crashAt = words.indexOf('crash');
const crashTargets = crashAt < 0 ? [] : words.slice(crashAt + 1).filter((a) => ['sandbox', 'k8s', 'aws'].includes(a));
const only = words.filter((a, i) => crashAt < 0 || i <= crashAt || !crashTargets.includes(a));
const want = (name) => only.length === 0 || only.includes(name);
const BENCHES = [
  'rto',
  'rto-limit',
  'scheduler',
  'load',
  'rpo',
  'restore',
  'k8s',
  'html',
  'k6',
  'prometheus',
  'crash',
  'iam',
  'fuzz',
];
const unknown = only.filter((w) => !BENCHES.includes(w));
if (unknown.length > 0) {
  const names = BENCHES.map((b) => (b === 'crash' ? 'crash [sandbox|k8s|aws]' : b)).join(', ');
  console.error(`bench/run.js: no benchmark named ${unknown.join(', ')}; names: ${names}`);
  process.exit(2);
}

// The benches that run gameday in this process (RTO, scheduler, load, RPO, restore) measure it as users run
// it: with the node flags of bin/gameday.js's shebang and its memory saver. Started without those flags
// (`node bench/run.js`, `npm run bench`), this script runs itself again with them.
const flags = launcherNodeFlags();
if (!flags.every((f) => process.execArgv.includes(f))) {
  const child = spawn(process.execPath, [...flags, ...process.execArgv, SELF, ...args], { stdio: 'inherit' });
  // Ctrl-C in a terminal reaches both processes; a signal sent to this one alone is passed on.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
  process.exit(code);
}
startMemorySaver();
console.log(`# node ${process.version} ${process.execArgv.join(' ')} (bin/gameday.js's flags), with its memory saver`);
if (args.includes('--list')) {
  // What would run, and how, without running it.
  console.log(`benchmarks: ${BENCHES.filter(want).join(', ')}${quick ? ' (--quick)' : ''}`);
  process.exit(0);
}
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
      `  run ${String(r.run).padStart(2)}: true ${r.trueMs.toFixed(1)} ms, measured ${r.measuredMs.toFixed(1)} ms, error ${r.errorMs.toFixed(1)} ms (bound ±${r.boundMs} ms)`,
    );
  }
  say(judgeRto(rows).line);
}

if (want('rto-limit')) {
  const outages = quick ? 5 : 20;
  console.log(
    `\n# RTO to the sampling limit: ${outages} outages of known length (ground-truth server), probes at 100 ms and 50 ms`,
  );
  const rows = await benchRtoOutages({ outages, intervalsMs: [100, 50] });
  for (const intervalMs of [100, 50]) {
    const m = judgeRtoOutages(rows.midpoint[intervalMs], intervalMs);
    const b = judgeRtoOutages(rows['first healthy sample'][intervalMs], intervalMs);
    say(
      `rto ${intervalMs} ms interval: baseline (first healthy sample) mean |error| ${b.meanAbsMs.toFixed(1)} ms, max ${b.maxAbsMs.toFixed(1)} ms; midpoint mean ${m.meanAbsMs.toFixed(1)} ms (goal <= ${m.meanGoalMs}), max ${m.maxAbsMs.toFixed(1)} ms (goal <= ${m.maxGoalMs}) — ${m.verdict}`,
    );
  }
}

if (want('scheduler')) {
  const durationMs = quick ? 10_000 : 60_000;
  console.log(`\n# probe scheduler: 20 Hz for ${durationMs / 1000} s, beside a bare timer loop (the baseline)`);
  const s = await benchScheduler({ durationMs, hz: 20 });
  say(s.line);
}

if (want('load')) {
  const durationMs = quick ? 10_000 : 30_000;
  console.log(`\n# built-in load: 1,000 req/s for ${durationMs / 1000} s against the sandbox`);
  const sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 0, database: false });
  try {
    const c = await benchLoad({ url: `${sandbox.apiUrl}/contacts`, rate: 1000, durationMs });
    say(c.line);
    console.log(`  errors ${c.errorPercent}%, latency from intended start p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms`);
  } finally {
    await sandbox.stop();
  }
  console.log(`\n# built-in load vs autocannon: maximum rate against a trivial local server`);
  const m = await benchMaxRate({ durationMs: quick ? 6_000 : 15_000, connections: 50, rounds: 3 });
  say(
    `load max rate (median of ${m.rounds} alternating rounds): builtin ${m.builtin.completedPerSec}/s, autocannon ${m.autocannon.completedPerSec}/s, ratio ${m.ratio} (goal >= 0.8); client CPU per request ${m.builtin.clientCpuUsPerRequest} µs vs ${m.autocannon.clientCpuUsPerRequest} µs — ${judgeMaxRate({ builtinPerSec: m.builtin.completedPerSec, autocannonPerSec: m.autocannon.completedPerSec }).verdict}`,
  );
}

if (want('rpo')) {
  const runs = quick ? 3 : 10;
  console.log(`\n# RPO accuracy: ${runs} sandbox failovers under write load (immediate stop, 50 ms replication lag)`);
  const rows = await benchRpo({ runs, lagMs: 50 });
  for (const r of rows) console.log(`  ${formatRpoRow(r)}`);
  say(judgeRpo(rows).line);
}

if (want('restore')) {
  const sizeMb = quick ? 200 : 1024;
  const rounds = quick ? 3 : 5;
  console.log(
    `\n# restore drill (default target: a scratch server) vs bare pg_restore -j2 of the same dump (${sizeMb} MB database, ${rounds} alternating rounds)`,
  );
  const r = await benchRestore({ sizeMb, jobs: 2, rounds, log: (m) => console.log(`  ${m}`) });
  say(`${r.line}; database ${(r.databaseBytes / 1048576).toFixed(0)} MiB`);
}

if (want('k8s')) {
  // Its own process, so the harness's peak RSS is the Kubernetes run's alone.
  const args = quick ? ['--nodes', '100', '--pods', '1000', '--rounds', '1'] : [];
  console.log(`\n# Kubernetes at scale (bench/k8s.js ${args.join(' ')})`);
  // Its rounds run with the node flags of gameday's launcher: its peak RSS as users run it.
  const k8s = fileURLToPath(new URL('./k8s.js', import.meta.url));
  const out = execFileSync(process.execPath, [k8s, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of out
    .trim()
    .split('\n')
    .filter((l) => /^(pod-kill|zone-outage|harness|k8s scale)/.test(l))) {
    say(line.startsWith('k8s ') ? line : `k8s ${line}`);
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

if (want('k6')) {
  const ingestMs = quick ? 10_000 : 30_000;
  console.log(
    `\n# k6 ingest: k6 at its maximum rate against the sandbox for ${ingestMs / 1000} s, then gameday parses its NDJSON`,
  );
  const i = await benchK6Ingest({ durationMs: ingestMs });
  say(judgeK6Ingest(i).line);
  const rssMs = durationArg('--k6-duration', quick ? 60_000 : 600_000);
  console.log(`\n# k6 RSS: gameday ingesting a ${rssMs / 60_000}-minute k6 run live (500 req/s), in its own process`);
  const r = await benchK6Rss({ durationMs: rssMs });
  say(judgeK6Rss(r).line);
  console.log(`\n# built-in generator vs k6: maximum rate against the same trivial server, 50 connections / VUs`);
  const v = await benchBuiltinVsK6({ durationMs: quick ? 6_000 : 15_000 });
  say(
    `builtin vs k6: k6 ${Math.round(v.k6.perSec)} req/s at ${v.k6.cpuUsPerRequest.toFixed(1)} µs CPU/request; builtin ${Math.round(v.builtin.perSec)} req/s at ${v.builtin.cpuUsPerRequest.toFixed(1)} µs CPU/request; rate ratio ${v.rateRatio.toFixed(2)}, CPU ratio ${v.cpuRatio.toFixed(2)} (reported)`,
  );
}

if (want('prometheus')) {
  const ms = durationArg('--prometheus-duration', quick ? 60_000 : 600_000);
  console.log(`\n# Prometheus probes: 10 probes at 1 s for ${ms / 60_000} min against the Prometheus fixture`);
  const p = await benchPrometheusProbes({ durationMs: ms });
  say(
    `prometheus probes: queries/s expected ${p.expectedQueriesPerSec}, Prometheus counted ${p.queriesPerSec.toFixed(2)}; gameday CPU ${p.gamedayCpuPercentOfCore.toFixed(2)}% of a core (${Math.round(p.gamedayCpuUsPerQuery)} µs per query), Prometheus ${p.prometheusCpuPercentOfCore.toFixed(2)}%; ${p.failures} failed samples (reported)`,
  );
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
  say(judgeIam(rows).line);
}

if (want('fuzz')) {
  const cases = fuzzCases ?? (quick ? 5_000 : 20_000);
  console.log(`\n# wrong input: ${cases} mutated scenarios through gameday validate (and iam, rbac when valid)`);
  const f = benchFuzz({ cases });
  say(judgeFuzz(f).line);
}

console.log('\n# summary');
for (const l of lines) console.log(`  ${l}`);
