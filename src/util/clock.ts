// One clock per run: monotonic milliseconds for intervals, mapped to wall time for reports.

/** A run clock. `now()` is monotonic milliseconds; `wall(t)` maps such a reading to epoch milliseconds. */
export interface Clock {
  now(): number;
  wall(t: number): number;
}

/** The real clock: performance.now() anchored to performance.timeOrigin (sub-millisecond, never steps back). */
export const systemClock: Clock = {
  now: () => performance.now(),
  wall: (t) => performance.timeOrigin + t,
};

/** Resolve after `ms`, or reject with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
