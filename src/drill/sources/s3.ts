// Artifacts under an S3 prefix: list (ListObjectsV2, paginated), choose like a folder, download.
// The S3 client is injected (S3Like) so this module needs no SDK; src/drivers/aws adapts its client.

import { createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GamedayError } from '../../errors.js';
import { pickArtifact, type Candidate } from '../select.js';
import type { ArtifactPick, DumpSource, ObjectBody } from '../types.js';

/** One object of a listing (ListObjectsV2 Contents[]: Key, LastModified, Size). */
export interface S3ObjectInfo {
  key: string;
  lastModified: Date;
  size: number;
}

/**
 * The two S3 calls a drill needs. An AWS SDK v3 adapter: listObjects → ListObjectsV2Command
 * ({Bucket, Prefix, ContinuationToken} → {Contents, NextContinuationToken}); getObject → GetObjectCommand
 * ({Bucket, Key} → {Body, ContentLength}). Both pass `signal` as the SDK's abortSignal.
 */
export interface S3Like {
  listObjects(input: {
    bucket: string;
    prefix: string;
    continuationToken?: string;
    signal?: AbortSignal;
  }): Promise<{ objects: S3ObjectInfo[]; nextContinuationToken?: string }>;
  getObject(input: {
    bucket: string;
    key: string;
    signal?: AbortSignal;
  }): Promise<{ body: ObjectBody; contentLength?: number }>;
}

export interface S3SourceOptions {
  bucket: string;
  prefix: string;
  pattern?: string;
  pick: ArtifactPick;
  client: S3Like;
  /** Stop listing after this many pages (a runaway prefix must not list forever). */
  maxPages?: number;
}

/** The chosen object under a prefix, downloaded into the work dir. */
export function s3Source(opts: S3SourceOptions): DumpSource {
  const where = `s3://${opts.bucket}/${opts.prefix}`;
  return {
    type: 'dump',
    kind: 's3',
    async select(ctx) {
      const candidates: Candidate[] = [];
      let token: string | undefined;
      for (let page = 0; page < (opts.maxPages ?? 1000); page++) {
        const res = await opts.client.listObjects({
          bucket: opts.bucket,
          prefix: opts.prefix,
          ...(token === undefined ? {} : { continuationToken: token }),
          signal: ctx.signal,
        });
        for (const o of res.objects) {
          if (o.key.endsWith('/')) continue; // a "folder" placeholder
          candidates.push({
            name: o.key,
            location: `s3://${opts.bucket}/${o.key}`,
            modifiedAt: o.lastModified.getTime(),
            bytes: o.size,
          });
        }
        token = res.nextContinuationToken;
        if (token === undefined) break;
      }
      return pickArtifact(candidates, {
        pattern: opts.pattern,
        pick: opts.pick,
        now: ctx.now,
        where,
        ...(ctx.random ? { random: ctx.random } : {}),
      });
    },
    async fetch(artifact, workDir, ctx) {
      const file = path.join(workDir, path.basename(artifact.name) || 'artifact');
      const started = performance.now();
      try {
        const res = await opts.client.getObject({ bucket: opts.bucket, key: artifact.name, signal: ctx.signal });
        const total = res.contentLength ?? artifact.bytes;
        let bytes = 0;
        let lastReport = 0;
        const body = res.body instanceof Readable ? res.body : Readable.from(res.body);
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          const now = performance.now();
          if (now - lastReport >= 500) {
            lastReport = now;
            ctx.onProgress?.(bytes, total, now - started);
          }
        });
        await pipeline(body, createWriteStream(file), { signal: ctx.signal });
        ctx.onProgress?.(bytes, total, performance.now() - started);
        if (total !== null && bytes !== total) {
          throw new Error(`downloaded ${bytes} bytes, expected ${total}`);
        }
        return { path: file, bytes };
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        throw new GamedayError(`cannot download ${artifact.location}`, {
          kind: 'runtime',
          code: 'ARTIFACT_DOWNLOAD',
          phase: 'fetch',
          cause: error,
        });
      }
    },
  };
}
