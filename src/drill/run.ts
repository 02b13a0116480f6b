// runDrill: select the artifact → fetch it → create the target → restore (timed) → validate → clean up.
// Every created thing is journaled before it exists and removed at the end, whatever happened.

import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { computeRestoreRpo } from '../measure/rpo.js';
import { createOwnedDir, newOwnedDirPath, removeOwnedDir } from '../drivers/postgres/scratch.js';
import { pgRestore, pgRestoreList, psqlScript, type TocEntry } from '../drivers/postgres/tools.js';
import { describeError, isGamedayError } from '../errors.js';
import type { TimelineEntry } from '../report/types.js';
import { redactText } from '../util/redact.js';
import { detectFormat, prepareInput } from './artifact.js';
import { drillObjectives } from './report.js';
import { createSource } from './sources/index.js';
import { createTarget } from './target.js';
import type {
  ArtifactInfo,
  Defer,
  DrillConfig,
  DrillEvent,
  DrillResult,
  DrillRunOptions,
  DrillStep,
  ValidationConfig,
  ValidationResult,
} from './types.js';
import { LazyDb, artifactTablesValidation, runValidation, tableExists } from './validate.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Run one backup-restore drill. Never throws: failures and aborts are in the result, cleanup always runs. */
export async function runDrill(config: DrillConfig, opts: DrillRunOptions): Promise<DrillResult> {
  const { clock, journal } = opts;
  const t0 = clock.now();
  const drillStartAt = clock.wall(t0);
  const timeline: TimelineEntry[] = [];
  const note = (kind: string, message: string): void => {
    const t = clock.now();
    timeline.push({ at: iso(clock.wall(t)), t: Math.round(t - t0), kind, message: redactText(message) });
  };
  const emit = (event: DrillEvent): void => {
    try {
      opts.onProgress?.(event);
    } catch {
      // A progress listener can never break a drill.
    }
  };
  let step: DrillStep | null = null;
  const begin = (s: DrillStep, message: string): void => {
    step = s;
    note(`${s}-start`, message);
    emit({ kind: 'step', step: s, status: 'start', detail: message });
  };
  const done = (s: DrillStep, message: string): void => {
    note(`${s}-done`, message);
    emit({ kind: 'step', step: s, status: 'done', detail: message });
  };

  const timeout = AbortSignal.timeout(config.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const cleanups: Array<{ label: string; run: (signal: AbortSignal) => Promise<string> }> = [];
  const defer: Defer = (label, run) => cleanups.push({ label, run });
  const dbs: LazyDb[] = [];
  let targetPending: Promise<string> | undefined;

  const result: DrillResult = {
    name: config.name,
    status: 'error',
    startedAt: iso(drillStartAt),
    endedAt: iso(drillStartAt),
    source: {
      kind: config.source.kind,
      name: null,
      location: null,
      createdAt: null,
      ageSeconds: null,
      bytes: null,
      format: null,
      backupMs: null,
      fetchMs: null,
    },
    restore: null,
    rpoSeconds: null,
    newestMarkerAt: null,
    validations: [],
    objectives: [],
    cleanup: { complete: true, detail: [], failed: [] },
    timeline,
  };
  const setAge = (createdAt: number | null): void => {
    result.source.createdAt = createdAt === null ? null : iso(createdAt);
    result.source.ageSeconds = createdAt === null ? null : Math.max(0, Math.round(drillStartAt - createdAt) / 1000);
  };

  try {
    note('drill-start', `drill ${config.name} from ${config.source.kind}`);
    const source = createSource(config.source, opts.sources, opts.binDir);
    const sourceCtx = { signal, now: drillStartAt, ...(opts.random ? { random: opts.random } : {}) };

    begin('select', `choosing the ${source.kind} artifact`);
    const artifact: ArtifactInfo = await source.select(sourceCtx);
    result.source.name = artifact.name;
    result.source.location = artifact.location;
    result.source.bytes = artifact.bytes;
    setAge(artifact.createdAt);
    done('select', `${artifact.location}`);

    let copyUrl: string;
    let toc: TocEntry[] | null = null;
    let compareUrl = config.compareWith;
    const restoreStartedAt = clock.now();
    if (source.type === 'snapshot') {
      begin('restore', `restoring ${artifact.name} into a scratch instance`);
      copyUrl = (await source.restore(artifact, { ...sourceCtx, journal, defer })).url;
      result.restore = {
        target: 'snapshot',
        startedAt: iso(clock.wall(restoreStartedAt)),
        durationMs: clock.now() - restoreStartedAt,
        toolMs: null,
        jobs: 0,
        databaseBytes: null,
      };
      done('restore', `restored in ${Math.round(result.restore.durationMs)} ms`);
    } else {
      const workDir = newOwnedDirPath('drill', config.workDir);
      const id = await journal.intent('drill', 'create drill work dir', workDir, {
        driver: 'drill',
        op: 'remove-work-dir',
        args: { dir: workDir },
      });
      defer('remove work dir', async () => {
        const detail = removeOwnedDir(workDir);
        journal.undone(id, detail);
        return detail;
      });
      createOwnedDir(workDir);
      journal.applied(id);

      // Why in parallel: creating the target (initdb, server start) does not depend on the artifact;
      // overlapping it with the download is what an operator would do in a real restore.
      note('target-start', `creating the ${config.target.kind} target`);
      const targetStart = clock.now();
      targetPending = createTarget(config.target, {
        journal,
        signal,
        defer,
        ...(config.workDir === undefined ? {} : { parentDir: config.workDir }),
        ...(opts.binDir === undefined ? {} : { binDir: opts.binDir }),
      }).then((url) => {
        note('target-done', `target ready in ${Math.round(clock.now() - targetStart)} ms`);
        return url;
      });
      // Handled here so a failure while the fetch runs is not an unhandled rejection; awaited below.
      targetPending.catch(() => undefined);
      begin('fetch', `fetching ${artifact.location}`);
      const fetchStart = clock.now();
      const fetched = await source.fetch(artifact, workDir, {
        ...sourceCtx,
        onProgress: (bytes, totalBytes, elapsedMs) =>
          emit({ kind: 'progress', step: 'fetch', bytes, totalBytes, elapsedMs }),
      });
      result.source.fetchMs = clock.now() - fetchStart;
      result.source.bytes = fetched.bytes;
      if (fetched.createdAt !== undefined) setAge(fetched.createdAt);
      if (fetched.backupMs !== undefined) result.source.backupMs = fetched.backupMs;
      compareUrl ??= source.compareUrl;
      const format = await detectFormat(fetched.path);
      result.source.format = format;
      if (format === 'custom') toc = await pgRestoreList({ file: fetched.path, signal });
      else if (format === 'custom+gzip') toc = await pgRestoreList({ stdin: gunzipped(fetched.path), signal });
      done('fetch', `${fetched.bytes} bytes, ${format}`);

      // The restore's part of RTO starts once the artifact is here: waiting for the target counts.
      const restoreStart = clock.now();
      step = 'target';
      copyUrl = await targetPending;

      begin(
        'restore',
        `restoring with ${format.startsWith('custom') ? `pg_restore -j ${config.restore.jobs}` : 'psql'}`,
      );
      const input = await prepareInput(fetched.path, format, config.restore.jobs, workDir, signal);
      const progress = {
        signal,
        ...(opts.binDir === undefined ? {} : { binDir: opts.binDir }),
        onProgress: (p: { bytes: number; totalBytes: number | null; elapsedMs: number }) =>
          emit({ kind: 'progress', step: 'restore', bytes: p.bytes, totalBytes: p.totalBytes, elapsedMs: p.elapsedMs }),
      };
      const feed = 'file' in input ? { file: input.file, totalBytes: input.bytes } : { stdin: input.stream() };
      const jobs = 'file' in input ? config.restore.jobs : 1;
      const tool =
        input.tool === 'pg_restore'
          ? await pgRestore({ url: copyUrl, jobs, ...feed, ...progress })
          : await psqlScript({ url: copyUrl, ...feed, ...progress });
      result.restore = {
        target: config.target.kind,
        startedAt: iso(clock.wall(restoreStart)),
        durationMs: clock.now() - restoreStart,
        toolMs: tool.durationMs,
        jobs,
        databaseBytes: null,
      };
      if (tool.stderr) note('restore-warnings', tool.stderr.slice(0, 2000));
      done('restore', `restored in ${Math.round(result.restore.durationMs)} ms`);
    }

    begin('validate', 'validating the restored copy');
    const copy = new LazyDb(copyUrl, signal);
    dbs.push(copy);
    const sourceDb = compareUrl === undefined ? null : new LazyDb(compareUrl, signal);
    if (sourceDb) dbs.push(sourceDb);
    const c = await copy.get();
    const size = await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
    if (result.restore) result.restore.databaseBytes = Number(size.rows[0]?.n ?? 0);

    let newestMarkerAt: number | null = null;
    const vctx = {
      copy,
      source: sourceDb,
      onMarker: (at: number | null) => {
        if (at !== null && (newestMarkerAt === null || at > newestMarkerAt)) newestMarkerAt = at;
      },
    };
    const push = (r: ValidationResult): void => {
      result.validations.push(r);
      emit({ kind: 'validation', result: r });
    };
    if (config.validations === undefined) push(await artifactTablesValidation(copy, tocTables(toc)));
    const validations = config.validations ?? defaultValidations(toc, sourceDb !== null);
    if (!validations.some((v) => v.kind === 'marker') && (await tableExists(copy, config.marker.table))) {
      validations.push({ kind: 'marker', table: config.marker.table, column: config.marker.column });
    }
    for (const v of validations) {
      signal.throwIfAborted();
      for (const r of await runValidation(v, vctx)) push(r);
    }
    signal.throwIfAborted();
    if (newestMarkerAt !== null) {
      result.newestMarkerAt = iso(newestMarkerAt);
      result.rpoSeconds = computeRestoreRpo({ drillStartAt, newestMarkerAt });
    }
    const passed = result.validations.filter((v) => v.pass).length;
    done('validate', `${passed}/${result.validations.length} validations passed`);

    result.objectives = drillObjectives(result, config.objectives);
    result.status = result.objectives.every((o) => o.pass) ? 'passed' : 'failed';
  } catch (error) {
    const aborted = signal.aborted;
    const code = aborted
      ? timeout.aborted
        ? 'DRILL_TIMEOUT'
        : 'DRILL_ABORTED'
      : isGamedayError(error)
        ? error.code
        : 'DRILL_FAILED';
    result.status = aborted ? 'aborted' : 'error';
    const message = aborted
      ? timeout.aborted
        ? `drill time limit reached during ${step ?? 'start'}`
        : `drill aborted during ${step ?? 'start'}: ${describeError(opts.signal?.reason)}`
      : describeError(error);
    result.error = { code, message: redactText(message), step };
    if (step !== null) emit({ kind: 'step', step, status: 'failed', detail: result.error.message });
    note('drill-error', `${code}: ${message}`);
  } finally {
    // A target still being created must settle first, or cleanup would run before it could be removed.
    await targetPending?.catch(() => undefined);
    await Promise.all(dbs.map((d) => d.close()));
    await cleanup(cleanups, config.cleanupTimeoutMs, result, note, emit);
    result.endedAt = iso(clock.wall(clock.now()));
  }
  return result;
}

/** Tables in an archive's table of contents, as schema.name. */
function tocTables(toc: TocEntry[] | null): string[] | null {
  if (toc === null) return null;
  return [...new Set(toc.filter((e) => e.type === 'TABLE').map((e) => `${e.schema}.${e.name}`))];
}

/**
 * Validations when the scenario names none: row counts of every archived table with data against the
 * live source (when there is one), 1 % tolerance since a live source keeps changing after the dump.
 * gameday's own schema is left out: its marker table grows by design.
 */
export function defaultValidations(toc: TocEntry[] | null, hasSource: boolean): ValidationConfig[] {
  if (toc === null || !hasSource) return [];
  const tables = [
    ...new Set(
      toc.filter((e) => e.type === 'TABLE DATA' && e.schema !== 'gameday').map((e) => `${e.schema}.${e.name}`),
    ),
  ];
  return tables.length === 0 ? [] : [{ kind: 'rowCounts', tables, tolerancePercent: 1 }];
}

/** A decompressing stream of a gzip file (errors end the stream; the reader reports them). */
function gunzipped(file: string): Readable {
  const gunzip = createGunzip();
  pipeline(createReadStream(file), gunzip, () => undefined);
  return gunzip;
}

/** Run every deferred cleanup, newest first, each with its own time limit; collect failures. */
async function cleanup(
  cleanups: Array<{ label: string; run: (signal: AbortSignal) => Promise<string> }>,
  timeoutMs: number,
  result: DrillResult,
  note: (kind: string, message: string) => void,
  emit: (event: DrillEvent) => void,
): Promise<void> {
  if (cleanups.length === 0) return;
  emit({ kind: 'step', step: 'cleanup', status: 'start' });
  note('cleanup-start', `${cleanups.length} things to remove`);
  for (const c of [...cleanups].reverse()) {
    // Why a fresh signal: the drill's own signal may be the reason we are here (abort, time limit).
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const detail = await c.run(signal);
      result.cleanup.detail.push(`${c.label}: ${detail}`);
    } catch (error) {
      const message = `${c.label}: ${redactText(describeError(error))}`;
      result.cleanup.complete = false;
      result.cleanup.failed.push(message);
      note('cleanup-failed', message);
    }
  }
  const status = result.cleanup.complete ? 'done' : 'failed';
  note(`cleanup-${status}`, result.cleanup.complete ? 'everything removed' : result.cleanup.failed.join('; '));
  emit({ kind: 'step', step: 'cleanup', status, detail: result.cleanup.failed.join('; ') || 'everything removed' });
}
