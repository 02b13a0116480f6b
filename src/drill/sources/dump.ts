// A backup taken now: pg_dump of a live database (the sandbox primary, or any URL) into the work dir.
// The dump's duration is backup time, reported apart from restore time.

import * as path from 'node:path';
import { statSync } from 'node:fs';
import { SandboxClient } from '../../drivers/sandbox/index.js';
import { pgDump } from '../../drivers/postgres/tools.js';
import { GamedayError } from '../../errors.js';
import { describeDbUrl } from '../../util/redact.js';
import type { DumpSource } from '../types.js';

/** pg_dump -Fc of `url`; the live database is also what row counts and checksums compare with. */
export function postgresDumpSource(url: string, opts: { kind?: string; binDir?: string } = {}): DumpSource {
  return {
    type: 'dump',
    kind: opts.kind ?? 'postgres',
    compareUrl: url,
    async select() {
      return { name: `pg_dump ${describeDbUrl(url)}`, location: describeDbUrl(url), createdAt: null, bytes: null };
    },
    async fetch(_artifact, workDir, ctx) {
      const file = path.join(workDir, 'source.dump');
      // Why the start time: pg_dump reads one snapshot taken when it starts; that is the backup's point in time.
      const createdAt = Date.now();
      const res = await pgDump({
        url,
        file,
        signal: ctx.signal,
        ...(opts.binDir ? { binDir: opts.binDir } : {}),
        onProgress: (p) => ctx.onProgress?.(p.bytes, null, p.elapsedMs),
      });
      return { path: file, bytes: statSync(file).size, createdAt, backupMs: res.durationMs };
    },
  };
}

/** The sandbox primary: its writer URL from the control API (or the given URL). */
export function sandboxDumpSource(opts: { controlUrl?: string; url?: string; binDir?: string }): DumpSource {
  const resolveUrl = async (signal: AbortSignal): Promise<string> => {
    if (opts.url !== undefined) return opts.url;
    if (opts.controlUrl === undefined) {
      throw new GamedayError('the sandbox drill source needs the sandbox control URL or a database URL', {
        kind: 'invalid-input',
        code: 'DRILL_SOURCE',
        hint: 'start the sandbox (gameday demo) or set source.url',
      });
    }
    const status = await new SandboxClient(opts.controlUrl).status(signal);
    if (!status.db) {
      throw new GamedayError('the sandbox runs without a database', {
        kind: 'runtime',
        code: 'DRILL_SOURCE',
        phase: 'select',
      });
    }
    return status.db.writerUrl;
  };
  let inner: DumpSource | undefined;
  const source: DumpSource = {
    type: 'dump',
    kind: 'sandbox',
    async select(ctx) {
      inner = postgresDumpSource(await resolveUrl(ctx.signal), { kind: 'sandbox', ...opts });
      if (inner.compareUrl !== undefined) source.compareUrl = inner.compareUrl;
      return inner.select(ctx);
    },
    async fetch(artifact, workDir, ctx) {
      if (!inner) throw new Error('select() must run before fetch()');
      return inner.fetch(artifact, workDir, ctx);
    },
  };
  return source;
}
