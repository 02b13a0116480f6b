// The benchmarks' judgements, as pure functions of what each bench measured: the benches print them and
// bench/verdicts.test.js feeds them deliberately bad input (a late scheduler, a throttled sender, a lost
// write hidden from the writer's own read-back, a slow restore) to show every goal can be missed.
// Each judgement returns { meets, verdict, misses: [why…], …numbers } and a `line` that puts the
// baseline and the measured value side by side.

export const MEETS = 'meets goal';
export const MISSES = 'MISSES GOAL';

function verdictOf(misses) {
  return { meets: misses.length === 0, verdict: misses.length === 0 ? MEETS : MISSES, misses };
}

/** The value at percentile p (nearest rank) of an ascending array; 0 when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const r3 = (v) => Math.round(v * 1000) / 1000;
const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

// ---- scheduler -------------------------------------------------------------------------------------

/** A timer may fire this much before its due time (whole-ms rounding); the scheduler accepts it too. */
const EARLY_SLACK_MS = 0.5;

/**
 * Lateness of every tick against its own due time (startT + k·interval): the first check that started at
 * or after it, minus the due time. A tick no check started for before the next one was due is missed; its
 * lateness still counts (to the check that finally ran), so a blocked loop cannot hide in the percentiles.
 * Ticks whose next due time is past endT are left out (the run stopped before they could be judged).
 */
export function tickLateness({ startT, intervalMs, endT, starts }) {
  const sorted = [...starts].sort((a, b) => a - b);
  const lateness = [];
  let missed = 0;
  let j = 0;
  for (let k = 0; startT + (k + 1) * intervalMs <= endT; k++) {
    const due = startT + k * intervalMs;
    while (j < sorted.length && sorted[j] < due - EARLY_SLACK_MS) j++;
    const first = sorted[j];
    if (first === undefined) {
      missed++;
      lateness.push(endT - due);
      continue;
    }
    if (first >= due + intervalMs - EARLY_SLACK_MS) missed++;
    lateness.push(Math.max(0, first - due));
  }
  const asc = [...lateness].sort((a, b) => a - b);
  return {
    ticks: lateness.length,
    missedTicks: missed,
    p50Ms: r3(percentile(asc, 50)),
    p99Ms: r3(percentile(asc, 99)),
    maxMs: r3(asc.at(-1) ?? 0),
  };
}

/**
 * The scheduler against a bare timer loop run alongside it (the machine's own timer lateness).
 * Goals: p99 lateness < 5 ms, no missed tick, CPU < 5 % of a core.
 */
export function judgeScheduler({ measured, baseline, cpuPercentOfCore, goals = { p99Ms: 5, cpuPercent: 5 } }) {
  const m = tickLateness(measured);
  const b = baseline ? tickLateness(baseline) : null;
  const misses = [];
  if (m.ticks === 0) misses.push('no tick could be judged');
  if (m.p99Ms >= goals.p99Ms) misses.push(`p99 lateness ${m.p99Ms} ms >= ${goals.p99Ms} ms`);
  if (m.missedTicks > 0) misses.push(`${m.missedTicks} missed tick(s)`);
  if (cpuPercentOfCore >= goals.cpuPercent) misses.push(`CPU ${cpuPercentOfCore}% >= ${goals.cpuPercent}%`);
  const v = verdictOf(misses);
  const fmt = (s) => `p50 ${s.p50Ms} / p99 ${s.p99Ms} / max ${s.maxMs} ms, ${s.missedTicks} of ${s.ticks} ticks missed`;
  return {
    ...v,
    measured: m,
    baseline: b,
    cpuPercentOfCore,
    line: `scheduler lateness per tick: bare timer loop ${b ? fmt(b) : 'n/a'} · gameday scheduler ${fmt(m)} (goal p99 < ${goals.p99Ms} ms, none missed); CPU ${cpuPercentOfCore}% of a core (goal < ${goals.cpuPercent}) — ${v.verdict}`,
  };
}

// ---- load, constant rate -----------------------------------------------------------------------------

/**
 * A constant-rate run judged by when requests actually left (offsets from the first slot, ms), never by how
 * many were planned. Goals: achieved inside the window within 1 % of the target, every whole second within
 * 5 %, p99 send lateness <= 10 ms, nothing dropped.
 */
export function judgeConstantLoad({
  targetRatePerSec,
  windowMs,
  intended,
  sent,
  dropped = 0,
  goals = { ratePct: 1, secondPct: 5, p99LagMs: 10 },
}) {
  const seconds = Math.floor(windowMs / 1000);
  const perSecond = new Array(Math.max(1, seconds)).fill(0);
  const lag = [];
  let inWindow = 0;
  for (let i = 0; i < sent.length; i++) {
    const s = sent[i];
    lag.push(Math.max(0, s - intended[i]));
    if (s <= windowMs + 1e-6) {
      inWindow++;
      const b = Math.floor(s / 1000);
      if (b < seconds) perSecond[b]++;
    }
  }
  lag.sort((a, b) => a - b);
  const achieved = windowMs > 0 ? (inWindow / windowMs) * 1000 : 0;
  const offPct = (Math.abs(achieved - targetRatePerSec) / targetRatePerSec) * 100;
  const whole = perSecond.slice(0, seconds);
  const worstSecondPct = whole.length
    ? Math.max(...whole.map((n) => (Math.abs(n - targetRatePerSec) / targetRatePerSec) * 100))
    : 0;
  const late = lag.filter((x) => x > goals.p99LagMs).length;
  const lagP99 = percentile(lag, 99);
  const misses = [];
  if (offPct > goals.ratePct) misses.push(`achieved ${r3(achieved)}/s is ${r3(offPct)}% off the target`);
  if (worstSecondPct > goals.secondPct) misses.push(`a second ${r3(worstSecondPct)}% off the target`);
  if (lagP99 > goals.p99LagMs) misses.push(`p99 send lateness ${r3(lagP99)} ms`);
  if (dropped > 0) misses.push(`${dropped} arrival(s) dropped`);
  const v = verdictOf(misses);
  return {
    ...v,
    achievedRatePerSec: r3(achieved),
    offPct: r3(offPct),
    perSecondMin: whole.length ? Math.min(...whole) : 0,
    perSecondMax: whole.length ? Math.max(...whole) : 0,
    worstSecondPct: r3(worstSecondPct),
    lagP50Ms: r3(percentile(lag, 50)),
    lagP99Ms: r3(lagP99),
    lagMaxMs: r3(lag.at(-1) ?? 0),
    late,
    dropped,
    line: `load constant: schedule ${targetRatePerSec}/s · sent in window ${r3(achieved)}/s (${r3(offPct)}% off, goal <= ${goals.ratePct}%), per second ${whole.length ? Math.min(...whole) : 0}–${whole.length ? Math.max(...whole) : 0} (goal within ${goals.secondPct}%), send lateness p50 ${r3(percentile(lag, 50))} / p99 ${r3(lagP99)} / max ${r3(lag.at(-1) ?? 0)} ms (goal p99 <= ${goals.p99LagMs}), ${late} late, ${dropped} dropped — ${v.verdict}`,
  };
}

// ---- RPO accuracy ------------------------------------------------------------------------------------

/**
 * One failover judged against sources independent of the code under test: the writer's acknowledgement
 * log, the new primary read directly and the old primary's data directory read directly. True lost
 * writes = acknowledged and absent from the new primary; `measuredLost` are the seqs gameday found lost and
 * `reportedLost` the count its report gives.
 * Equal only when both are the same seqs. An acknowledged write the old primary does not hold either is
 * a harness bug (an acknowledged commit is durable on the server that acknowledged it).
 */
export function rpoRunTruth({ acknowledged, measuredLost, reportedLost = undefined, onNew, onOld }) {
  const onNewSet = new Set(onNew);
  const onOldSet = new Set(onOld);
  const acked = [...new Set(acknowledged)].sort((a, b) => a - b);
  const trueLost = acked.filter((q) => !onNewSet.has(q));
  const measured = new Set(measuredLost);
  // The report's count (computeRpo's lostWrites) must agree with the seqs too, when given.
  const count = reportedLost ?? measured.size;
  const same = trueLost.length === measured.size && count === measured.size && trueLost.every((q) => measured.has(q));
  return {
    acknowledged: acked.length,
    trueLost: trueLost.length,
    measuredLost: count,
    equal: same,
    onNeither: trueLost.filter((q) => !onOldSet.has(q)).length,
  };
}

/** Every failover's measured lost writes must be exactly the true ones, and none on neither server. */
export function judgeRpo(rows) {
  const equal = rows.filter((r) => r.equal && r.onNeither === 0).length;
  const misses = [];
  if (rows.length === 0) misses.push('no failover ran');
  for (const r of rows) {
    if (!r.equal) misses.push(`run ${r.run}: measured ${r.measuredLost} lost, truth ${r.trueLost}`);
    if (r.onNeither > 0) misses.push(`run ${r.run}: ${r.onNeither} acknowledged write(s) on neither server`);
  }
  const v = verdictOf(misses);
  const lost = rows.reduce((n, r) => n + r.trueLost, 0);
  return {
    ...v,
    equal,
    runs: rows.length,
    lost,
    line: `rpo accuracy: truth (new primary and old primary's data dir read directly, against the acknowledgement log) vs measured: equal in ${equal}/${rows.length} failovers (${lost} writes lost in all) — ${v.verdict}`,
  };
}

// ---- restore overhead --------------------------------------------------------------------------------

/**
 * The drill (default target: a scratch server) against a bare `pg_restore -j` of the same dump, over
 * several rounds in alternating order. Judged on the median overhead; the spread is printed with it.
 */
export function judgeRestore({ rounds, goalPct = 10, label = 'scratch server' }) {
  const overheads = rounds.map((r) => ((r.drillMs - r.bareMs) / r.bareMs) * 100);
  const med = overheads.length ? median(overheads) : Infinity;
  const misses = [];
  if (rounds.length === 0) misses.push('no round ran');
  else if (med > goalPct) misses.push(`median overhead ${r3(med)}% > ${goalPct}%`);
  const v = verdictOf(misses);
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  return {
    ...v,
    medianOverheadPct: r3(med),
    minOverheadPct: r3(Math.min(...overheads)),
    maxOverheadPct: r3(Math.max(...overheads)),
    medianBareMs: r3(median(rounds.map((r) => r.bareMs))),
    medianDrillMs: r3(median(rounds.map((r) => r.drillMs))),
    line: `restore (${label}): bare pg_restore median ${s(median(rounds.map((r) => r.bareMs)))} · gameday drill median ${s(median(rounds.map((r) => r.drillMs)))}; overhead median ${r3(med).toFixed(1)}% (spread ${r3(Math.min(...overheads)).toFixed(1)}…${r3(Math.max(...overheads)).toFixed(1)}% over ${rounds.length} alternating rounds, goal <= ${goalPct}%) — ${v.verdict}`,
  };
}

// ---- RTO accuracy ------------------------------------------------------------------------------------

/** Measured RTO against the supervisor's ground truth: every run within the reported bound (interval + 10 ms). */
export function judgeRto(rows) {
  const inBound = rows.filter((r) => Math.abs(r.measuredMs - r.trueMs) <= r.boundMs).length;
  const worst = rows.length ? Math.max(...rows.map((r) => Math.abs(r.measuredMs - r.trueMs))) : 0;
  const misses = [];
  if (rows.length === 0) misses.push('no run');
  if (inBound < rows.length) misses.push(`${rows.length - inBound} run(s) outside the bound`);
  const v = verdictOf(misses);
  return {
    ...v,
    inBound,
    worstErrorMs: r3(worst),
    line: `rto accuracy: true (supervisor) median ${r3(median(rows.map((r) => r.trueMs)))} ms · measured median ${r3(median(rows.map((r) => r.measuredMs)))} ms; ${inBound}/${rows.length} runs within interval + 10 ms, worst |error| ${r3(worst)} ms — ${v.verdict}`,
  };
}

// ---- load, maximum rate ------------------------------------------------------------------------------

/** The built-in generator's completed requests per second against autocannon's (medians of alternating rounds). */
export function judgeMaxRate({ builtinPerSec, autocannonPerSec, goalRatio = 0.8 }) {
  const ratio = autocannonPerSec > 0 ? builtinPerSec / autocannonPerSec : 0;
  const v = verdictOf(ratio >= goalRatio ? [] : [`ratio ${r3(ratio)} < ${goalRatio}`]);
  return { ...v, ratio: r3(ratio) };
}

// ---- Kubernetes at scale -----------------------------------------------------------------------------

/**
 * The scale runs (bench/k8s.js), in `rounds` (each a fresh harness process on the same fixture: its runs and
 * its peak RSS). Judged on medians over the rounds, since one run's peak RSS depends on when V8 happens to
 * collect (identical runs differ by tens of MB); the line prints every round beside them. Goals: each
 * scenario's fault injected within `injectMs` of its step's start; every run rolled back; API requests that
 * do not follow the probe samples (watch-based: the run probed ten times as often may send at most
 * `requestGrowth` times the requests of the slower one); the harness's peak RSS.
 * A round's `runs` as benchK8s returns them; the two pod-kill runs are told apart by their samples.
 */
export function judgeK8sScale({ rounds, goals = { injectMs: 5000, rssMb: 300, requestGrowth: 2 } }) {
  const misses = [];
  const all = rounds.flatMap((r, i) => r.runs.map((run) => ({ ...run, round: i + 1 })));
  if (rounds.length === 0 || rounds.some((r) => r.runs.length === 0)) misses.push('no run');
  const names = [...new Set(all.map((r) => r.name))];
  const of = (name) => all.filter((r) => r.name === name);
  const list = (xs) => xs.join(' / ');
  const injection = names.map((name) => ({ name, ms: of(name).map((r) => r.injectMs) }));
  for (const { name, ms } of injection) {
    if (!(median(ms) < goals.injectMs)) misses.push(`${name}: injected after ${median(ms)} ms (median of ${list(ms)})`);
  }
  for (const r of all) if (!r.rollbackComplete) misses.push(`${r.name}: rollback incomplete (round ${r.round})`);
  // The two pod-kill scenarios by their median samples; requests as medians over the rounds too.
  const podKill = names
    .filter((name) => name.startsWith('pod-kill'))
    .map((name) => ({
      samples: median(of(name).map((r) => r.samples)),
      requests: median(of(name).map((r) => r.requests)),
    }))
    .sort((a, b) => a.samples - b.samples);
  const [slow, fast] = [podKill[0], podKill.at(-1)];
  const growth = slow && fast && slow !== fast && slow.requests > 0 ? fast.requests / slow.requests : null;
  const sampleGrowth = slow && fast && slow !== fast && slow.samples > 0 ? fast.samples / slow.samples : null;
  if (growth !== null && growth > goals.requestGrowth) {
    misses.push(`API requests grew ${r3(growth)}× with ${r3(sampleGrowth ?? 0)}× the probe samples`);
  }
  const rss = rounds.map((r) => r.peakRssMb);
  const rssMb = rss.length ? median(rss) : Infinity;
  if (!(rssMb < goals.rssMb)) misses.push(`peak RSS ${rssMb} MB`);
  const v = verdictOf(misses);
  const slowest = injection.reduce((a, b) => (median(b.ms) > median(a.ms) ? b : a), injection[0] ?? { ms: [0] });
  return {
    ...v,
    peakRssMb: rssMb,
    requestGrowth: growth === null ? null : r3(growth),
    line: `k8s scale (${rounds.length} round${rounds.length === 1 ? '' : 's'}, medians): slowest injection ${median(slowest.ms)} ms (${list(slowest.ms)}; goal < ${goals.injectMs} ms); API requests ${slow?.requests ?? 'n/a'} at ${slow?.samples ?? 'n/a'} probe samples · ${fast?.requests ?? 'n/a'} at ${fast?.samples ?? 'n/a'} (goal: at most ${goals.requestGrowth}×); peak RSS ${rssMb} MB (${list(rss)}; goal < ${goals.rssMb} MB) — ${v.verdict}${misses.length ? ` (${misses.join('; ')})` : ''}`,
  };
}

// ---- least privilege, wrong input, crash matrix ------------------------------------------------------

/**
 * IAM enforcement on moto (bench/iam.js rows): every scenario passes holding exactly its generated policy,
 * and every run with one action less fails with AWS_ACCESS_DENIED naming that action.
 */
export function judgeIam(rows) {
  const whole = rows.filter((r) => r.removed === '(none)');
  const less = rows.filter((r) => r.removed !== '(none)');
  const misses = [];
  if (whole.length === 0) misses.push('no scenario ran');
  for (const r of whole) if (r.verdict !== 'pass') misses.push(`${r.scenario}: ${r.verdict} with its whole policy`);
  for (const r of less) {
    if (r.refusal === 'none' || r.code === 0) misses.push(`${r.scenario} without ${r.removed}: not refused`);
  }
  const v = verdictOf(misses);
  const passed = whole.filter((r) => r.verdict === 'pass').length;
  const refused = less.length - less.filter((r) => r.refusal === 'none' || r.code === 0).length;
  return {
    ...v,
    line: `iam: ${passed}/${whole.length} scenarios pass with exactly their policy; ${refused}/${less.length} runs with one action less fail with AWS_ACCESS_DENIED naming it (goal: all) — ${v.verdict}${misses.length ? ` (${misses.join('; ')})` : ''}`,
  };
}

/** The fuzz run (bench/fuzz.js): every case answered exit 0 or 2 with file:line:col and no stack trace. */
export function judgeFuzz({ cases, valid, invalid, seconds, failed }) {
  const misses = [];
  if (failed) misses.push('a case failed (see the counterexample above)');
  if (cases === 0) misses.push('no case ran');
  const v = verdictOf(misses);
  return {
    ...v,
    line: `fuzz: ${cases} cases (${valid} valid, ${invalid} invalid) in ${seconds.toFixed(0)} s, ${cases ? ((seconds * 1000) / cases).toFixed(1) : '-'} ms a case; ${failed ? 'a case FAILED (see the counterexample above)' : 'every answer exit 0 or 2, file:line:col, no stack trace'} — ${v.verdict}`,
  };
}

/** The crash matrix: every kill point's rollback put the target back as it was before the run. */
export function judgeCrash({ outcomes, minutes }) {
  const failed = outcomes.filter((o) => !o.converged);
  const misses = [
    ...(outcomes.length === 0 ? ['no kill point ran'] : []),
    ...failed.map((o) => `${o.target} · ${o.fault} · kill after applied #${o.killPoint} did not converge`),
  ];
  const v = verdictOf(misses);
  return {
    ...v,
    line: `crash matrix: ${outcomes.length - failed.length}/${outcomes.length} kill points converged in ${minutes.toFixed(1)} min — ${v.verdict}${misses.length ? ` (${misses.join('; ')})` : ''}`,
  };
}

// ---- k6 --------------------------------------------------------------------------------------------

/** gameday parses k6's NDJSON at least `goalRatio` times as fast as k6 writes it at its maximum rate. */
export function judgeK6Ingest({ emitted, parsed, requestsPerSec, ratio, goalRatio = 3 }) {
  const v = verdictOf(ratio >= goalRatio ? [] : [`parsed only ${ratio.toFixed(1)}x as fast as k6 wrote`]);
  return {
    ...v,
    line: `k6 ingest: k6 wrote ${Math.round(emitted.linesPerSec)} lines/s (${emitted.mbPerSec.toFixed(2)} MB/s) at ${Math.round(requestsPerSec)} req/s; gameday parsed ${Math.round(parsed.linesPerSec)} lines/s (${parsed.mbPerSec.toFixed(1)} MB/s): ${ratio.toFixed(1)}x (goal >= ${goalRatio}) — ${v.verdict}`,
  };
}

/** Ingesting a long k6 run live: RSS grows by less than `goalMb` after the first 30 s (streaming, not buffering). */
export function judgeK6Rss({ durationMs, linesRead, ndjsonMb, rssBaselineMb, rssPeakMb, rssGrowthMb, goalMb = 50 }) {
  const v = verdictOf(rssGrowthMb < goalMb ? [] : [`RSS grew ${rssGrowthMb} MB`]);
  return {
    ...v,
    line: `k6 RSS over ${Math.round(durationMs / 1000)} s (${linesRead} lines, ${ndjsonMb} MB): baseline ${rssBaselineMb} MB after 30 s, peak ${rssPeakMb} MB, growth ${rssGrowthMb} MB (goal < ${goalMb}) — ${v.verdict}`,
  };
}
