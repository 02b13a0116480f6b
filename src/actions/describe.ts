// Checkpoints and actions described for people and for the journal: never a header value or an
// environment value (they may hold tokens), URLs without their password.

import type { ResolvedStep } from '../scenario/types.js';
import type { ResolvedCall } from '../scenario/types-gameday.js';
import { formatDuration } from '../util/duration.js';
import { redactText, redactUrl } from '../util/redact.js';

/** One call as a line: "POST https://host/path" or "command: scale-down --replicas 0". */
export function describeCall(call: ResolvedCall): string {
  if (call.kind === 'http') return `${call.method} ${redactUrl(call.url)}`;
  const line = Array.isArray(call.run)
    ? call.run.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')
    : call.run;
  return `command: ${redactText(line)}`;
}

/** The plan line of a checkpoint or action step. */
export function describeInteractiveStep(step: Extract<ResolvedStep, { kind: 'checkpoint' | 'action' }>): string {
  if (step.kind === 'checkpoint') {
    return `checkpoint "${step.prompt}" (waits up to ${formatDuration(step.timeoutMs)}; without anyone to answer: ${step.nonInteractive})`;
  }
  return `action ${describeCall(step.call)} (undo: ${describeCall(step.undo)})`;
}

/**
 * A call as plain data for the journal: everything needed to replay it except header and environment
 * values, which are replaced by "***". `secret` says whether anything was left out.
 */
export function journalCall(call: ResolvedCall): { call: Record<string, unknown>; secret: boolean } {
  if (call.kind === 'http') {
    const headers = Object.fromEntries(Object.keys(call.headers).map((k) => [k, '***']));
    const { headers: _h, ...rest } = call;
    return {
      call: { ...rest, url: redactUrl(call.url), headers },
      secret: Object.keys(headers).length > 0 || redactUrl(call.url) !== call.url,
    };
  }
  const env = Object.fromEntries(Object.keys(call.env).map((k) => [k, '***']));
  const { env: _e, ...rest } = call;
  return { call: { ...rest, env }, secret: Object.keys(env).length > 0 };
}
