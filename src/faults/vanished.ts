// A target that vanished with its run. A sandbox gameday starts for a run is owned by that run: when
// the run is killed, the sandbox's owner watchdog stops it, PostgreSQL and all. Its undos (zone up,
// fleet whole, marker table dropped, …) then have nothing left to act on — that is "gone with its
// run", not "rollback incomplete". Recognised only from the run's own journal (the sandbox it started
// is journaled as `sandbox:stop` with its state dir) and the state dir's processes; a sandbox the run
// did not start (GAMEDAY_SANDBOX_URL) that does not answer is still a failed undo.

import { settledLiveness } from '../drivers/sandbox/liveness.js';
import type { JournalEntry } from '../runner/journal.js';

/** A sandbox this run started, as its journal tells it. */
export interface StartedSandbox {
  stateDir: string;
  controlUrl?: string;
  databaseUrl?: string;
}

/** The `applied` detail of starting a sandbox: the addresses its undos name, for startedSandboxes(). */
export function sandboxStartedDetail(controlUrl: string, databaseUrl: string | null): string {
  return `sandbox control ${controlUrl}${databaseUrl ? `, database ${databaseUrl}` : ''}`;
}

/** The sandboxes the journal says this run started (intent `sandbox:stop`), with the addresses it recorded. */
export function startedSandboxes(entries: readonly JournalEntry[]): StartedSandbox[] {
  const details = new Map<string, string>();
  for (const e of entries) if (e.type === 'applied' && e.detail !== undefined) details.set(e.id, e.detail);
  const out: StartedSandbox[] = [];
  for (const e of entries) {
    if (e.type !== 'intent' || e.undo.driver !== 'sandbox' || e.undo.op !== 'stop') continue;
    const stateDir = e.undo.args['stateDir'];
    if (typeof stateDir !== 'string') continue;
    const detail = details.get(e.id) ?? '';
    const control = /sandbox control (\S+?)(?:,|$)/.exec(detail)?.[1];
    const database = /, database (\S+)/.exec(detail)?.[1];
    out.push({ stateDir, ...(control ? { controlUrl: control } : {}), ...(database ? { databaseUrl: database } : {}) });
  }
  return out;
}

/** host:port of a URL, or null. */
function endpoint(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port}`;
  } catch {
    return null;
  }
}

/** The sentence `gameday rollback` prints for a target that went away with the run that started it. */
export function goneWithRun(what: string): string {
  return `${what} was started by this run and is gone with it; nothing to undo`;
}

/**
 * When `args` name (by control URL, or by database URL for marker tables) a sandbox this run started
 * and that sandbox is gone — waiting while it is still shutting itself down — the sentence to report;
 * otherwise null, and the undo runs as usual.
 */
export async function vanishedSandbox(
  args: Record<string, unknown>,
  entries: readonly JournalEntry[],
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<string | null> {
  const control = endpoint(args['controlUrl']);
  const database = endpoint(args['url']);
  const sandbox = startedSandboxes(entries).find(
    (s) =>
      (control !== null && endpoint(s.controlUrl) === control) ||
      (database !== null && endpoint(s.databaseUrl) === database),
  );
  if (!sandbox) return null;
  const live = await settledLiveness(sandbox.stateDir, opts.timeoutMs, opts.signal);
  return live.state === 'gone' ? goneWithRun(`sandbox ${sandbox.stateDir}`) : null;
}
