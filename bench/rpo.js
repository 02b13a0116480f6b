// RPO accuracy: repeated sandbox failovers under write load with asynchronous replication. In each
// run the marker writer writes every 10–100 ms, the primary is stopped with `immediate` (a crash)
// and the standby promoted. Measured lost writes (what gameday reports: acknowledged markers missing
// from the writer's own read-back, via computeRpo) are compared with a truth that shares no code with
// it: the writer's acknowledgement log against the new primary read directly (its own port, its own
// connection and query, not the writer endpoint) and the old primary's data dir, started afterwards as
// a standalone server. Goal: the same lost seqs in every run (bench/verdicts.js).
// Usage: npx tsc -p tsconfig.json && node bench/rpo.js [runs]

import pg from 'pg';
import { MarkerWriter } from '../dist/drivers/postgres/markers.js';
import { startRetiredServer, startSandbox } from '../dist/drivers/sandbox/index.js';
import { computeRpo } from '../dist/measure/rpo.js';
import { systemClock } from '../dist/util/clock.js';
import { judgeRpo, rpoRunTruth } from './verdicts.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function seqsOn(url, table, runId) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const r = await client.query(`SELECT seq FROM gameday."${table}" WHERE run_id = $1`, [runId]);
    return new Set(r.rows.map((x) => Number(x.seq)));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Bulk writes through the writer endpoint, so WAL piles up faster than the standby replays it and a
 * crash loses some acknowledged markers (otherwise loopback streaming is too fast to lose any).
 */
function startBallast(url, rowBytes) {
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('CREATE TABLE IF NOT EXISTS bench_ballast (b text)');
        while (!stopped)
          await client.query('INSERT INTO bench_ballast SELECT repeat(md5(random()::text), $1)', [rowBytes / 32]);
      } catch {
        await sleep(50);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  })();
  return async () => {
    stopped = true;
    await done;
  };
}

/** The server on `port` itself, with the sandbox URL's user and database: no writer endpoint in between. */
function directUrl(sandboxUrl, port) {
  const u = new URL(sandboxUrl);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

/** Run `runs` immediate failovers; each row holds the measured and the true lost-write count. */
export async function benchRpo({ runs = 10, lagMs = 50, ballastBytes = 0, log = () => undefined } = {}) {
  const sandbox = await startSandbox({
    replicas: 0,
    zones: ['a'],
    startupDelayMs: 0,
    database: true,
    replicationLagMs: lagMs,
  });
  const rows = [];
  try {
    for (let i = 0; i < runs; i++) {
      const intervalMs = 10 + Math.round((90 * i) / Math.max(1, runs - 1));
      const runId = `bench-rpo-${Date.now()}-${i}`;
      const writer = new MarkerWriter({
        url: sandbox.databaseUrl,
        table: 'markers',
        runId,
        intervalMs,
        clock: systemClock,
      });
      await writer.start();
      const stopBallast = ballastBytes > 0 ? startBallast(sandbox.databaseUrl, ballastBytes) : async () => undefined;
      let row;
      try {
        await sleep(1000 + Math.random() * 1000);
        const old = (await sandbox.client.status()).db.primary.name;
        const stopped = await sandbox.client.stopPrimary('immediate');
        const promoted = await sandbox.client.promoteStandby();
        await stopBallast();
        // Writing goes on against the promoted standby through the writer endpoint.
        await sleep(Math.max(500, intervalMs * 10));
        await writer.stop();
        const surviving = await writer.surviving();
        const measured = computeRpo({ acknowledged: writer.acknowledged, surviving, faultAt: stopped.stoppedAt });
        const survived = new Set(surviving);
        const acked = writer.acknowledged.map((a) => a.seq);
        // The truth, from sources independent of the writer: the new primary on its own port, then the old
        // primary's own data dir as a standalone server.
        const newPrimary = (await sandbox.client.status()).db?.primary;
        if (!newPrimary) throw new Error('no primary after the promotion');
        const onNew = await seqsOn(directUrl(sandbox.databaseUrl, newPrimary.port), 'markers', runId);
        const server = await startRetiredServer(sandbox.stateDir, old);
        let onOld;
        try {
          onOld = await seqsOn(server.url, 'markers', runId);
        } finally {
          await server.stop();
        }
        const truth = rpoRunTruth({
          acknowledged: acked,
          measuredLost: acked.filter((q) => !survived.has(q)),
          reportedLost: measured.lostWrites,
          onNew,
          onOld,
        });
        const afterPromotion = writer.acknowledged.filter((a) => a.writtenAt > promoted.promotedAt).length;
        row = {
          run: i + 1,
          intervalMs,
          ...truth,
          rpoSeconds: measured.seconds,
          afterPromotion,
          failedWrites: writer.failed,
        };
      } finally {
        await stopBallast();
        await writer.close();
      }
      rows.push(row);
      log(row);
      // Back to primary + standby for the next run.
      await sandbox.client.restoreDatabase();
    }
  } finally {
    await sandbox.stop();
  }
  return rows;
}

/** One line per run, for this script and bench/run.js. */
export function formatRpoRow(r) {
  return `run ${String(r.run).padStart(2)}: every ${String(r.intervalMs).padStart(3)} ms, ${r.acknowledged} acknowledged, true lost ${r.trueLost}, measured lost ${r.measuredLost} — ${r.equal ? 'equal' : 'DIFFERENT'}${r.onNeither ? `, ${r.onNeither} acknowledged write(s) on neither server (BUG)` : ''}; RPO ${r.rpoSeconds}s, ${r.afterPromotion} written after promotion`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 10);
  console.log(
    `# RPO accuracy: ${runs} immediate failovers under write load (markers every 10–100 ms, 50 ms replication link)`,
  );
  const rows = await benchRpo({ runs, log: (r) => console.log(formatRpoRow(r)) });
  console.log(judgeRpo(rows).line);
}
