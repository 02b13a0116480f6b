// The shared target lock of an AWS target: one object per account and region in an S3 bucket, created
// with a conditional write (If-None-Match: *) and replaced or deleted only with If-Match on its ETag, so
// two runners never both hold it; the holder's journal is mirrored to an object next to it.

import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { holderFrom } from '../../runner/lock/holder.js';
import type { LockHolder, LockRecord } from '../../runner/lock/types.js';
import type { SharedLockSpec, SharedLockStore } from '../../runner/lock/shared.js';
import { createAwsDriver, type AwsDriver } from './index.js';

type S3Spec = Extract<SharedLockSpec, { kind: 's3' }>;

const status = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
/** 412: the condition failed (someone else wrote first); 409: a conditional write raced another. */
const lostRace = (error: unknown): boolean => status(error) === 412 || status(error) === 409;
const absent = (error: unknown): boolean => status(error) === 404;

export class S3LockStore implements SharedLockStore {
  readonly kind = 's3';
  readonly location: string;
  private readonly driver: AwsDriver;
  private readonly s3: S3Client;

  constructor(readonly spec: S3Spec) {
    this.location = `s3://${spec.bucket}/${spec.prefix}`;
    this.driver = createAwsDriver({
      region: spec.region,
      ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
      ...(spec.profile === undefined ? {} : { profile: spec.profile }),
    });
    this.s3 = this.driver.clients.s3;
  }

  private lockKey(key: string): string {
    return `${this.spec.prefix}locks/${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`;
  }

  private journalKey(runId: string): string {
    return `${this.spec.prefix}journals/${runId}.ndjson`;
  }

  describe(key: string): string {
    return `lock object s3://${this.spec.bucket}/${this.lockKey(key)}`;
  }

  private parse(key: string, text: string, etag: string | undefined): LockRecord {
    let raw: { key?: string; holder?: unknown; renewedAt?: string } = {};
    try {
      raw = JSON.parse(text) as typeof raw;
    } catch {
      // Not written by gameday: read as a holder that is gone (as a torn lock file).
    }
    return {
      key: raw.key ?? key,
      holder: holderFrom(raw.holder),
      renewedAt: String(raw.renewedAt ?? ''),
      version: etag ?? '',
    };
  }

  private async put(
    key: string,
    holder: LockHolder,
    renewedAt: string,
    condition: { IfNoneMatch: string } | { IfMatch: string },
  ): Promise<LockRecord | undefined> {
    const text = JSON.stringify({ key, holder, renewedAt });
    try {
      const res = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.spec.bucket,
          Key: this.lockKey(key),
          Body: text,
          ContentType: 'application/json',
          ...condition,
        }),
      );
      return this.parse(key, text, res.ETag);
    } catch (error) {
      if (lostRace(error) || ('IfMatch' in condition && absent(error))) return undefined;
      throw error;
    }
  }

  create(key: string, holder: LockHolder, renewedAt: string): Promise<LockRecord | undefined> {
    return this.put(key, holder, renewedAt, { IfNoneMatch: '*' });
  }

  replace(key: string, version: string, holder: LockHolder, renewedAt: string): Promise<LockRecord | undefined> {
    return this.put(key, holder, renewedAt, { IfMatch: version });
  }

  private async getText(objectKey: string): Promise<{ text: string; etag?: string } | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.spec.bucket, Key: objectKey }));
      const text = (await res.Body?.transformToString('utf8')) ?? '';
      return res.ETag === undefined ? { text } : { text, etag: res.ETag };
    } catch (error) {
      if (absent(error) || (error as { name?: string })?.name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<LockRecord | undefined> {
    const got = await this.getText(this.lockKey(key));
    return got && this.parse(key, got.text, got.etag);
  }

  async remove(key: string, version: string): Promise<void> {
    try {
      await this.s3.send(
        new DeleteObjectCommand({ Bucket: this.spec.bucket, Key: this.lockKey(key), IfMatch: version }),
      );
    } catch (error) {
      if (!lostRace(error) && !absent(error)) throw error;
    }
  }

  async list(): Promise<LockRecord[]> {
    const out: LockRecord[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.spec.bucket,
          Prefix: `${this.spec.prefix}locks/`,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        const got = await this.getText(o.Key);
        if (got) out.push(this.parse('(unknown)', got.text, got.etag));
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out;
  }

  journalRef(runId: string): string {
    return `s3://${this.spec.bucket}/${this.journalKey(runId)}`;
  }

  async writeJournal(runId: string, text: string, signal?: AbortSignal): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.spec.bucket,
        Key: this.journalKey(runId),
        Body: text,
        ContentType: 'application/x-ndjson',
      }),
      signal ? { abortSignal: signal } : {},
    );
  }

  async readJournal(runId: string): Promise<string | undefined> {
    return (await this.getText(this.journalKey(runId)))?.text;
  }

  async removeJournal(runId: string): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.spec.bucket, Key: this.journalKey(runId) }));
    } catch (error) {
      if (!absent(error)) throw error;
    }
  }

  close(): void {
    this.driver.destroy();
  }
}
