// S3 objects for shared run history: put a file, list keys under a prefix (every page), get a text.

import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface S3Objects {
  put(bucket: string, key: string, body: string | Buffer, contentType: string): Promise<void>;
  /** Every key under `prefix`, in S3's (lexicographic) order. */
  list(bucket: string, prefix: string): Promise<string[]>;
  getText(bucket: string, key: string): Promise<string>;
}

/** S3Objects over an SDK v3 client. */
export function s3Objects(client: S3Client): S3Objects {
  return {
    async put(bucket, key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async list(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 10_000; page++) {
        const res = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
        for (const o of res.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        // Why both checks: a truncated page without a token would loop on the same page forever.
        token = res.IsTruncated === true ? res.NextContinuationToken : undefined;
        if (token === undefined) break;
      }
      return keys;
    },
    async getText(bucket, key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await res.Body?.transformToString('utf8')) ?? '';
    },
  };
}
