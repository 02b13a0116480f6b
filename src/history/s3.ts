// Shared history in S3 (`--history s3://bucket/prefix`): each run directory is uploaded under
// `<prefix>/<scenario>/<run-id>/`, and its index entry is one object `<prefix>/index/<scenario>/<run-id>.json`
// — one object per run, so concurrent CI jobs never overwrite each other's history.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createAwsClients } from '../drivers/aws/clients.js';
import { s3Objects, type S3Objects } from '../drivers/aws/s3-objects.js';
import { GamedayError } from '../errors.js';
import { isHistoryEntry, latestPerRun, type HistoryEntry } from './entry.js';
import type { HistoryStore } from './store.js';

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  xml: 'application/xml',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  png: 'image/png',
};

/** Files of a run directory that are worth keeping (not locks or temp files). */
function runFiles(runDir: string): string[] {
  return readdirSync(runDir).filter(
    (f) => !f.startsWith('.') && !f.endsWith('.tmp') && statSync(join(runDir, f)).isFile(),
  );
}

export class S3History implements HistoryStore {
  readonly location: string;

  constructor(
    private readonly s3: S3Objects,
    readonly bucket: string,
    readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].filter((p) => p !== '').join('/');
  }

  async record(entry: HistoryEntry, runDir: string): Promise<void> {
    for (const f of runFiles(runDir)) {
      const ext = f.split('.').pop() ?? '';
      await this.s3.put(
        this.bucket,
        this.key(entry.dir, f),
        readFileSync(join(runDir, f)),
        CONTENT_TYPES[ext] ?? 'application/octet-stream',
      );
    }
    // The entry last: once it is listed, the run's files are all there.
    await this.s3.put(
      this.bucket,
      this.key('index', entry.scenario, `${entry.runId}.json`),
      `${JSON.stringify(entry)}\n`,
      CONTENT_TYPES['json'] as string,
    );
  }

  async entries(scenario?: string): Promise<HistoryEntry[]> {
    const keys = await this.s3.list(
      this.bucket,
      `${this.key('index', ...(scenario === undefined ? [] : [scenario]))}/`,
    );
    const out: HistoryEntry[] = [];
    for (const key of keys.filter((k) => k.endsWith('.json'))) {
      try {
        const value: unknown = JSON.parse(await this.s3.getText(this.bucket, key));
        if (isHistoryEntry(value)) out.push(value);
      } catch {
        // A foreign or damaged object under the index prefix is skipped.
      }
    }
    return latestPerRun(out);
  }
}

/** `s3://bucket/prefix` with region and endpoint from the environment (AWS_REGION, AWS_ENDPOINT_URL[_S3]). */
export function s3HistoryFromUrl(url: string, env: Record<string, string | undefined> = process.env): S3History {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) {
    throw new GamedayError(`--history ${url}: not an S3 location`, {
      kind: 'usage',
      code: 'USAGE',
      hint: 'e.g. s3://my-team-gameday/history',
    });
  }
  const endpoint = env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'];
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  const clients = createAwsClients({ region, ...(endpoint ? { endpoint } : {}) });
  return new S3History(s3Objects(clients.s3), m[1] as string, (m[2] ?? '').replace(/\/+$/, ''));
}
