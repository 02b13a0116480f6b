// Pure helpers of the Kubernetes client's retries: the HTTP status of an error and the backoff between
// attempts. Kept apart from client.ts so informers and faults can use them without loading the client
// library (which alone costs ~115 MB of RSS).

/** HTTP status of an error from the client library (ApiException.code, or a watch error's statusCode). */
export function errorStatus(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown; status?: unknown } | null;
  for (const v of [e?.status, e?.code, e?.statusCode]) if (typeof v === 'number' && v >= 100 && v < 600) return v;
  return undefined;
}

/** Exponential backoff with jitter: 200ms, 400ms, … up to 5s. */
export function backoffMs(attempt: number, rng: () => number = Math.random): number {
  const base = Math.min(5_000, 200 * 2 ** attempt);
  return Math.round(base * (0.75 + rng() * 0.5));
}
