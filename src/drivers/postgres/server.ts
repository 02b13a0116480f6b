// Managing local PostgreSQL servers from the machine's binaries: find them, run their tools (as
// the `postgres` user when we are root), read and stop a data dir's server. The mechanics live in
// infra-fixtures/shared/postgres.mjs, which the sandbox uses too; here its errors get stable codes.

import * as shared from '../../../infra-fixtures/shared/postgres.mjs';
import type { RunToolOptions, ShutdownMode } from '../../../infra-fixtures/shared/postgres.mjs';
import { GamedayError } from '../../errors.js';

export { POSTGRES_MISSING_MESSAGE, readPostmasterPid } from '../../../infra-fixtures/shared/postgres.mjs';
export type { RunToolOptions, ShutdownMode } from '../../../infra-fixtures/shared/postgres.mjs';

/** A plain error of the shared module as a runtime GamedayError with `code`. */
function coded(error: unknown, code: string, hint?: string): GamedayError {
  const message = error instanceof Error ? error.message : String(error);
  // The shared module's message says it all; its cause (the child process error) is the detail.
  const cause = error instanceof Error ? error.cause : error;
  return new GamedayError(message, { kind: 'runtime', code, cause, ...(hint === undefined ? {} : { hint }) });
}

/** Directory of the server binaries: the newest /usr/lib/postgresql/<v>/bin, else one on PATH. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return shared.findPostgresBinDir(env);
  } catch (error) {
    throw coded(error, 'POSTGRES_NOT_FOUND');
  }
}

/** uid/gid of the `postgres` user the servers run as when we are root; null when we are not root. */
export function postgresOwner(): { uid: number; gid: number } | null {
  try {
    return shared.postgresOwner();
  } catch (error) {
    throw coded(error, 'POSTGRES_USER_MISSING', 'install the postgresql package (it creates the user)');
  }
}

/** Run a PostgreSQL tool (through runuser as `postgres` when we are root). */
export function runPostgresTool(
  binDir: string,
  tool: string,
  args: string[],
  opts: RunToolOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  return shared.runPostgresTool(binDir, tool, args, opts).catch((error: unknown) => {
    throw coded(error, 'POSTGRES_TOOL_FAILED');
  });
}

/** Stop the server of a data dir with pg_ctl; a server that is not running counts as stopped. */
export function stopPostgres(
  binDir: string,
  dataDir: string,
  mode: ShutdownMode = 'fast',
  opts: RunToolOptions = {},
): Promise<void> {
  return shared.stopPostgres(binDir, dataDir, mode, opts).catch((error: unknown) => {
    throw coded(error, 'POSTGRES_TOOL_FAILED');
  });
}
