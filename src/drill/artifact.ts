// What a fetched artifact is (custom-format archive or SQL, gzip'ed or not) and how it is fed to the
// restore tool: a file for parallel pg_restore, a decompressing stream otherwise.

import { createReadStream, createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { GamedayError } from '../errors.js';
import type { ArtifactFormat } from './types.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const CUSTOM_MAGIC = 'PGDMP';

function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The first bytes of a gzip file's content, decompressing only as much as needed. */
async function gunzipHead(file: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= n) break;
    }
  } catch (error) {
    throw new GamedayError(`${path.basename(file)} is not a valid gzip file`, {
      kind: 'runtime',
      code: 'ARTIFACT_UNREADABLE',
      cause: error,
    });
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** Detect the artifact format from its content (names lie: ConnectKit's `.sql.gz` holds a custom-format archive). */
export async function detectFormat(file: string): Promise<ArtifactFormat> {
  const head = readHead(file, 8);
  const gz = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const inner = gz ? await gunzipHead(file, 8) : head;
  if (inner.length === 0) {
    throw new GamedayError(`${path.basename(file)} is empty`, { kind: 'runtime', code: 'ARTIFACT_UNREADABLE' });
  }
  const custom = inner.subarray(0, 5).toString('latin1') === CUSTOM_MAGIC;
  if (custom) return gz ? 'custom+gzip' : 'custom';
  return gz ? 'sql+gzip' : 'sql';
}

/** How the restore tool gets its input. */
export type RestoreInput =
  | { tool: 'pg_restore' | 'psql'; file: string; bytes: number }
  | { tool: 'pg_restore' | 'psql'; stream: () => Readable; bytes: number };

/**
 * Plan the restore input. Parallel pg_restore needs a seekable file, so a gzip'ed archive restored with
 * jobs > 1 is decompressed to `workDir` first (that time counts as restore time); otherwise it streams.
 */
export async function prepareInput(
  file: string,
  format: ArtifactFormat,
  jobs: number,
  workDir: string,
  signal: AbortSignal,
): Promise<RestoreInput> {
  const bytes = statSync(file).size;
  const tool = format.startsWith('custom') ? 'pg_restore' : 'psql';
  if (!format.endsWith('+gzip')) return { tool, file, bytes };
  if (tool === 'pg_restore' && jobs > 1) {
    const out = path.join(workDir, 'artifact.dump');
    await pipeline(createReadStream(file), createGunzip(), createWriteStream(out), { signal });
    return { tool, file: out, bytes: statSync(out).size };
  }
  return { tool, stream: () => createReadStream(file).pipe(createGunzip()), bytes };
}
