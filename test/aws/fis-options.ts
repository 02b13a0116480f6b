// FIS options for tests, importable outside vitest too (the killed-run child process uses them).

/** Fast FIS polling for tests. */
export const FAST_FIS = {
  stopConditions: [] as string[],
  emptyTargetResolutionMode: 'fail' as const,
  timeoutMs: 20_000,
  pollIntervalMs: 20,
};
