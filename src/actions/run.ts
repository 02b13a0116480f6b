// Action steps: a custom mutation (an HTTP request or a command) whose undo is journaled before it
// runs and replayed at rollback like a fault's — also by `gameday rollback` after a crash.

import { randomUUID } from 'node:crypto';
import { runCommand } from '../drivers/exec.js';
import { httpCall } from '../drivers/http-call.js';
import type { Journal } from '../runner/journal.js';
import type { ResolvedStep } from '../scenario/types.js';
import type { ResolvedCall } from '../scenario/types-gameday.js';
import { formatDuration } from '../util/duration.js';
import { redactText } from '../util/redact.js';
import { describeCall, journalCall } from './describe.js';
import { rememberUndo } from './registry.js';

export interface CallOutcome {
  ok: boolean;
  /** One line for the timeline and the report: status or exit code, duration, the first output line. */
  detail: string;
}

const firstLine = (text: string): string => (text.trim().split('\n')[0] ?? '').slice(0, 200);

/** Perform one call and judge it: an HTTP status in `expect` (default any 2xx), or the expected exit code. */
export async function performCall(call: ResolvedCall, signal?: AbortSignal): Promise<CallOutcome> {
  const what = describeCall(call);
  if (call.kind === 'http') {
    const r = await httpCall({
      url: call.url,
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      timeoutMs: call.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const took = formatDuration(r.durationMs);
    if (r.status === null) return { ok: false, detail: redactText(`${what}: ${r.error ?? 'no response'} (${took})`) };
    const ok =
      call.expectStatus.length === 0 ? r.status >= 200 && r.status < 300 : call.expectStatus.includes(r.status);
    const body = firstLine(r.body);
    return { ok, detail: redactText(`${what}: HTTP ${r.status} in ${took}${body ? `: ${body}` : ''}`) };
  }
  const r = await runCommand({
    run: call.run,
    env: call.env,
    timeoutMs: call.timeoutMs,
    ...(call.cwd === undefined ? {} : { cwd: call.cwd }),
    ...(signal ? { signal } : {}),
  });
  const took = formatDuration(r.durationMs);
  const out = firstLine(r.output);
  if (r.exitCode === null) return { ok: false, detail: redactText(`${what}: ${r.error ?? 'killed'} (${took})`) };
  const ok = r.exitCode === call.expectExitCode;
  return { ok, detail: redactText(`${what}: exit ${r.exitCode} in ${took}${out ? `: ${out}` : ''}`) };
}

export interface ActionContext {
  journal: Journal;
  signal: AbortSignal;
  /** The scenario file and the step's index: how `gameday rollback` finds an undo whose secrets were left out. */
  file: string;
  index: number;
}

/**
 * Journal the undo (fsync'ed), then run the action. The undo runs at rollback whenever the action was
 * started, even if it failed: a failed request may still have changed something, and undos are meant
 * to be safe to repeat.
 */
export async function runAction(
  step: Extract<ResolvedStep, { kind: 'action' }>,
  ctx: ActionContext,
): Promise<CallOutcome> {
  const ref = randomUUID();
  const { call, secret } = journalCall(step.undo);
  const id = await ctx.journal.intent(step.name, `action ${describeCall(step.call)}`, describeCall(step.call), {
    driver: 'action',
    op: 'call',
    args: { undo: call, secret, ref, file: ctx.file, step: ctx.index },
  });
  // The undo with its header and environment values stays in this process only (never on disk).
  rememberUndo(ref, step.undo);
  const outcome = await performCall(step.call, ctx.signal);
  if (outcome.ok) ctx.journal.applied(id, outcome.detail);
  else ctx.journal.failed(id, outcome.detail);
  return outcome;
}
