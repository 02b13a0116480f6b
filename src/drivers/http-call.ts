// One HTTP request to completion, for actions and webhooks: a time limit, a bounded response body,
// and an outcome with the same shape on success and failure.

import { request } from 'undici';

/** Response bodies are kept only for a detail line; this caps what one call may buffer. */
const MAX_BODY_BYTES = 64 * 1024;

export interface HttpCallSpec {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpCallOutcome {
  /** null when no response arrived. */
  status: number | null;
  body: string;
  durationMs: number;
  /** Why no response arrived: "timed out after 5s", "ECONNREFUSED", "aborted". */
  error?: string;
}

/** Send one request; never throws (failures are in the outcome). */
export async function httpCall(spec: HttpCallSpec): Promise<HttpCallOutcome> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
  try {
    const res = await request(spec.url, {
      method: spec.method as 'POST',
      headers: spec.headers ?? {},
      body: spec.body ?? null,
      signal,
    });
    let body = '';
    for await (const chunk of res.body) {
      if (body.length < MAX_BODY_BYTES) body += (chunk as Buffer).toString('utf8');
    }
    return { status: res.statusCode, body, durationMs: performance.now() - started };
  } catch (error) {
    const why = timeout.aborted
      ? `timed out after ${Math.round(spec.timeoutMs / 100) / 10}s`
      : spec.signal?.aborted
        ? 'aborted'
        : ((error as { code?: string }).code ?? (error as Error).message);
    return { status: null, body: '', durationMs: performance.now() - started, error: why };
  }
}
