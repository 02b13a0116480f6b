// Amazon S3 for restore drills: the S3Like the drill's s3 source uses (src/drill/sources/s3.ts),
// over the driver's S3 client — ListObjectsV2 one page at a time, GetObject as a stream.

import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { S3Like, S3ObjectInfo } from '../../drill/sources/s3.js';

/** An S3Like over an SDK v3 S3 client. Every call passes the caller's signal as the SDK's abortSignal. */
export function s3Drill(client: S3Client, opts: { pageSize?: number } = {}): S3Like {
  return {
    async listObjects(input) {
      const res = await client.send(
        new ListObjectsV2Command({
          Bucket: input.bucket,
          Prefix: input.prefix,
          ...(opts.pageSize === undefined ? {} : { MaxKeys: opts.pageSize }),
          ...(input.continuationToken === undefined ? {} : { ContinuationToken: input.continuationToken }),
        }),
        input.signal ? { abortSignal: input.signal } : {},
      );
      const objects: S3ObjectInfo[] = [];
      for (const o of res.Contents ?? []) {
        if (o.Key === undefined) continue;
        objects.push({ key: o.Key, lastModified: o.LastModified ?? new Date(0), size: o.Size ?? 0 });
      }
      // Why both checks: a truncated page without a token would loop on the same page forever.
      const next = res.IsTruncated === true ? res.NextContinuationToken : undefined;
      return next === undefined ? { objects } : { objects, nextContinuationToken: next };
    },
    async getObject(input) {
      const res = await client.send(
        new GetObjectCommand({ Bucket: input.bucket, Key: input.key }),
        input.signal ? { abortSignal: input.signal } : {},
      );
      if (res.Body === undefined) throw new Error(`s3://${input.bucket}/${input.key} has no body`);
      // In Node the SDK's body is an http IncomingMessage (a Readable).
      const body = res.Body as unknown as Readable;
      return res.ContentLength === undefined ? { body } : { body, contentLength: res.ContentLength };
    },
  };
}
