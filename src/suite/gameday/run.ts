// Running a game day: its items in order — each scenario or drill a run of its own, checkpoints for
// the people in the room — with notes and acks from other terminals, then its report.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeError } from '../../errors.js';
import { checkpointAbort, waitForCheckpoint, type CheckpointIo } from '../../live/checkpoint.js';
import { appendInbox, type InboxEntry } from '../../live/inbox.js';
import { LiveSession } from '../../live/session.js';
import type { TimelineEntry } from '../../report/types.js';
import type { Reporter } from '../../runner/events.js';
import { Journal } from '../../runner/journal.js';
import { newRunId } from '../../runner/open-run.js';
import { seedFrom } from '../../faults/select.js';
import type { RunResult } from '../../runner/run.js';
import { systemClock } from '../../util/clock.js';
import { redactText } from '../../util/redact.js';
import { Notifier } from '../../notify/send.js';
import type { NotifySubject } from '../../notify/payloads.js';
import type { ResolvedNotifyTarget } from '../../scenario/types-gameday.js';
import { runWithServices, type SuiteServices } from '../services.js';
import { itemSeeds } from '../seeds.js';
import { buildGameDayReport, type ItemOutcome } from './report.js';
import type { GameDayReport } from './report-types.js';
import type { GameDay, GameDayRunItem } from './types.js';
import { writeGameDayReport } from './write.js';

export interface GameDayOptions {
  reportDir: string;
  signal?: AbortSignal;
  /** Reporters for each item's run (live progress). */
  reporters?: Reporter[];
  checkpoints?: CheckpointIo;
  sandboxUrl?: string;
  runId?: string;
  /** Seed of the game day's random choices (default: from its run id); its runs get seed + position (seeds.ts). */
  seed?: number;
  /** Services for each item's run (shared history); the game day's own notifications use `notify`. */
  services?: SuiteServices;
  /** Notification targets from the command line, on top of the game day's `notify:`. */
  notify?: ResolvedNotifyTarget[];
  /** Hears the game day's own progress: item starts and ends, checkpoints, notes. */
  onProgress?(message: string): void;
  /** Hears the game day's directory as soon as it exists (for `gameday note` / `gameday ack`). */
  onStart?(runDir: string): void;
}

export interface GameDayResult {
  report: GameDayReport;
  runDir: string;
  /** Each scenario item's own run. */
  runs: Array<{ item: GameDayRunItem; result: RunResult }>;
  exitCode: number;
}

/** Run a game day end to end. Never throws for run-time failures: they become item results. */
export async function runGameDay(gameday: GameDay, opts: GameDayOptions): Promise<GameDayResult> {
  const runId = opts.runId ?? newRunId();
  const runDir = resolve(opts.reportDir, gameday.name, runId);
  mkdirSync(runDir, { recursive: true });
  // The header lets `gameday note` tell a live game day from a finished one; a game day itself mutates nothing.
  const journal = new Journal(`${runDir}/journal.ndjson`);
  journal.append({
    type: 'run',
    at: new Date().toISOString(),
    runId,
    scenario: gameday.name,
    file: gameday.file,
    pid: process.pid,
  });
  const clock = systemClock;
  const startT = clock.now();
  const startedAt = new Date(clock.wall(startT)).toISOString();
  const timeline: TimelineEntry[] = [];
  const say = (kind: string, message: string): void => {
    const t = clock.now();
    timeline.push({ t, at: new Date(clock.wall(t)).toISOString(), kind, message });
    opts.onProgress?.(message);
  };
  let currentRunDir: string | undefined;
  let waiting = false;
  // Notes reach the game day and the item running; an ack answers the game day's checkpoint, else the item's.
  const forward = (e: InboxEntry): boolean => {
    if (e.type === 'ack' && waiting) return false;
    if (currentRunDir !== undefined) {
      const { id: _id, at: _at, ...entry } = e;
      try {
        appendInbox(currentRunDir, entry);
      } catch {
        // The item's run directory is gone or not yet there; the game day keeps the entry.
      }
    }
    return e.type === 'ack' && currentRunDir !== undefined;
  };
  const live = new LiveSession(
    runDir,
    { clock, timeline, log: (m) => opts.onProgress?.(m) },
    opts.checkpoints,
    forward,
  );
  live.start();
  opts.onStart?.(runDir);
  opts.onProgress?.(`game day ${gameday.name} (run ${runId}), ${gameday.items.length} item(s): ${runDir}`);
  const seed = opts.seed ?? seedFrom(runId);
  const seeds = itemSeeds(gameday.items, seed);
  say('plan', `seed ${seed} (gameday run ${gameday.file} --seed ${seed} makes the same choices)`);
  const services = opts.services ?? {};
  const notifier = new Notifier([...(gameday.notify ?? []), ...(opts.notify ?? [])], services.env);
  const subject: NotifySubject = {
    kind: 'gameday',
    name: gameday.name,
    runId,
    startedAt,
    runDir,
    ...(gameday.description ? { description: gameday.description } : {}),
  };
  notifier.send('start', subject);
  const onAbort = (): void =>
    notifier.send('abort', { ...subject, reason: redactText(describeError(opts.signal?.reason)) });
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const outcomes: ItemOutcome[] = [];
  const runs: GameDayResult['runs'] = [];
  let stopped: string | undefined;
  let aborted = false;

  for (const [index, item] of gameday.items.entries()) {
    const label = `item ${index + 1}/${gameday.items.length} ${item.name}`;
    if (stopped !== undefined || opts.signal?.aborted) {
      outcomes.push({ item, skipped: stopped ?? 'the game day was interrupted' });
      continue;
    }
    if (item.kind === 'checkpoint') {
      say('checkpoint', `${label}: ${item.prompt}`);
      waiting = true;
      try {
        const result = await waitForCheckpoint(item, {
          ...(opts.checkpoints ? { io: opts.checkpoints } : {}),
          acks: live.acks,
          signal: opts.signal ?? new AbortController().signal,
          runDir,
        });
        live.addCheckpoint(result);
        say('checkpoint', `${label}: ${result.detail}`);
        outcomes.push({ item, checkpoint: result });
        if (result.decision === 'abort') {
          aborted = true;
          stopped = checkpointAbort(result).message;
          notifier.send('abort', { ...subject, reason: stopped });
        } else if (result.decision === 'fail') stopped = `checkpoint ${item.name} failed the game day`;
      } catch (error) {
        aborted = true;
        stopped = redactText(describeError(error));
        outcomes.push({ item, skipped: stopped });
      } finally {
        waiting = false;
      }
      continue;
    }
    const itemSeed = seeds[index] as number;
    say('item-start', `${label}: ${item.kind} ${item.scenario.name}, seed ${itemSeed}`);
    const reporters: Reporter[] = [
      ...(opts.reporters ?? []),
      { onEvent: (e) => (e.kind === 'run-start' ? (currentRunDir = e.runDir) : undefined) },
    ];
    let result: RunResult;
    try {
      result = await runWithServices(
        item.scenario,
        {
          reportDir: opts.reportDir,
          reporters,
          seed: itemSeed,
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
          ...(opts.sandboxUrl ? { sandboxUrl: opts.sandboxUrl } : {}),
        },
        services,
      );
    } catch (error) {
      // A run that could not even start: the game day says so and goes no further.
      stopped = `${item.name} could not run: ${redactText(describeError(error))}`;
      outcomes.push({ item, skipped: stopped });
      say('item-end', `${label}: ${stopped}`);
      continue;
    } finally {
      currentRunDir = undefined;
    }
    runs.push({ item, result });
    outcomes.push({ item, result });
    say(
      'item-end',
      `${label}: ${result.report.verdict.toUpperCase()}${result.report.reason ? ` — ${result.report.reason}` : ''}`,
    );
    // Why stop on an incomplete rollback whatever continueOnFail says: never inject into a system a
    // person must first clean up.
    if (result.exitCode === 4) stopped = `${item.name} left its rollback incomplete: a person must look first`;
    else if (opts.signal?.aborted) {
      aborted = true;
      stopped = 'the game day was interrupted';
    } else if (result.report.verdict !== 'pass' && !item.continueOnFail)
      stopped = `${item.name} did not pass (continueOnFail is off)`;
  }
  live.stop();
  opts.signal?.removeEventListener('abort', onAbort);
  journal.append({
    type: 'end',
    at: new Date().toISOString(),
    verdict: aborted ? 'aborted' : 'done',
    rollbackComplete: true,
  });
  await journal.close();
  const report = buildGameDayReport(gameday, {
    runId,
    seed,
    runDir,
    startedAt,
    endedAt: new Date().toISOString(),
    outcomes,
    aborted,
    ...(stopped === undefined ? {} : { reason: stopped }),
    notes: live.notes,
    checkpoints: live.checkpoints,
    timeline: timeline.map((e) => ({ ...e, t: Math.round((e.t - startT) * 1000) / 1000 })).sort((a, b) => a.t - b.t),
  });
  if (notifier.active) {
    notifier.send('end', gameDaySubject(report, runDir));
    report.notifications = [...(await notifier.flush())];
    for (const n of report.notifications)
      if (!n.ok) services.warn?.(`notification ${n.channel} ${n.event} to ${n.target} failed: ${n.error ?? ''}`);
  }
  const written = await writeGameDayReport(runDir, report, opts.reportDir, services);
  return { report: written, runDir, runs, exitCode: written.exitCode };
}

/** What the game day's end notification says: verdict, score, each item as an objective. */
function gameDaySubject(r: GameDayReport, runDir: string): NotifySubject {
  const runs = r.items.filter((i) => i.kind !== 'checkpoint');
  const confirmed = r.hypotheses.filter((h) => h.status === 'confirmed').length;
  return {
    kind: 'gameday',
    name: r.gameday,
    runId: r.runId,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    verdict: r.verdict,
    score: r.score,
    exitCode: r.exitCode,
    runDir,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    objectives: r.items.map((i) => ({ name: i.name, target: 'pass', actual: i.status, pass: i.status === 'pass' })),
    facts: {
      Items: `${runs.filter((i) => i.status === 'pass').length}/${runs.length} passed`,
      ...(r.hypotheses.length > 0 ? { Hypotheses: `${confirmed}/${r.hypotheses.length} confirmed` } : {}),
    },
  };
}
