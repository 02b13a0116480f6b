// Types for postgres.mjs, so the postgres driver in src/ can use it.

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

export interface RunToolOptions {
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const POSTGRES_MISSING_MESSAGE: string;
export const POSTGRES_USER_MISSING_MESSAGE: string;
/** Throws an Error with POSTGRES_MISSING_MESSAGE when no directory holds all the server binaries. */
export function findPostgresBinDir(env?: NodeJS.ProcessEnv): string;
/** Null unless we are root; throws an Error with POSTGRES_USER_MISSING_MESSAGE when root has no `postgres` user. */
export function postgresOwner(): { uid: number; gid: number } | null;
/** Rejects with an Error "<tool> <args> failed: <stderr>", the child process error as its cause. */
export function runPostgresTool(
  binDir: string,
  tool: string,
  args: string[],
  opts?: RunToolOptions,
): Promise<{ stdout: string; stderr: string }>;
export function readPostmasterPid(dataDir: string): number | null;
export function stopPostgres(
  binDir: string,
  dataDir: string,
  mode?: ShutdownMode,
  opts?: RunToolOptions,
): Promise<void>;
