// Resolve stage for checkpoint and action steps and `notify:`: defaults filled in, durations in ms.

import type { z } from 'zod';
import { parseDuration } from '../util/duration.js';
import type { ActionCall, ActionStep, CheckpointStep, CommandCall, HttpCall } from './schema-gameday.js';
import type { Notify } from './schema-notify.js';
import type { ResolvedStep } from './types.js';
import type { ResolvedCall, ResolvedNotifyTarget } from './types-gameday.js';

type ResolvedStepOf<K extends ResolvedStep['kind']> = Extract<ResolvedStep, { kind: K }>;

export const INTERACTIVE_DEFAULTS = {
  checkpoint: { timeoutMs: 15 * 60_000, nonInteractive: 'continue' },
  http: { method: 'POST', timeoutMs: 30_000 },
  command: { timeoutMs: 60_000, expectExitCode: 0 },
  grafana: { tokenEnv: 'GRAFANA_TOKEN' },
} as const;

const msOr = (text: string | undefined, fallback: number): number =>
  text === undefined ? fallback : (parseDuration(text) ?? fallback);

/** A checkpoint step, resolved. */
export function resolveCheckpoint(step: z.output<typeof CheckpointStep>, name: string): ResolvedStepOf<'checkpoint'> {
  const c = step.checkpoint;
  return {
    kind: 'checkpoint',
    name,
    prompt: c.prompt,
    timeoutMs: msOr(c.timeout, INTERACTIVE_DEFAULTS.checkpoint.timeoutMs),
    nonInteractive: c.nonInteractive ?? INTERACTIVE_DEFAULTS.checkpoint.nonInteractive,
  };
}

function httpCall(h: z.output<typeof HttpCall>): ResolvedCall {
  const s = h.expect?.status;
  const call: ResolvedCall = {
    kind: 'http',
    url: h.url,
    method: h.method ?? INTERACTIVE_DEFAULTS.http.method,
    headers: h.headers ?? {},
    expectStatus: s === undefined ? [] : Array.isArray(s) ? s : [s],
    timeoutMs: msOr(h.timeout, INTERACTIVE_DEFAULTS.http.timeoutMs),
  };
  if (h.body !== undefined) call.body = h.body;
  return call;
}

function commandCall(c: z.output<typeof CommandCall>): ResolvedCall {
  const call: ResolvedCall = {
    kind: 'command',
    run: c.run,
    env: c.env ?? {},
    expectExitCode: c.expect?.exitCode ?? INTERACTIVE_DEFAULTS.command.expectExitCode,
    timeoutMs: msOr(c.timeout, INTERACTIVE_DEFAULTS.command.timeoutMs),
  };
  if (c.cwd !== undefined) call.cwd = c.cwd;
  return call;
}

/** One http-or-command call, resolved. */
export function resolveCall(c: z.output<typeof ActionCall> | { http?: unknown; command?: unknown }): ResolvedCall {
  if ('http' in c && c.http !== undefined) return httpCall(c.http as z.output<typeof HttpCall>);
  return commandCall((c as { command: z.output<typeof CommandCall> }).command);
}

/** An action step, resolved (the rules guarantee exactly one of http or command). */
export function resolveAction(step: z.output<typeof ActionStep>, name: string): ResolvedStepOf<'action'> {
  return { kind: 'action', name, call: resolveCall(step.action), undo: resolveCall(step.action.undo) };
}

/** `notify:`, resolved. */
export function resolveNotify(targets: z.output<typeof Notify>): ResolvedNotifyTarget[] {
  return targets.map((t): ResolvedNotifyTarget => {
    const on = t.on ?? ['start', 'abort', 'end'];
    if ('slack' in t) return { kind: 'slack', on, ...t.slack };
    if ('webhook' in t) return { kind: 'webhook', on, ...t.webhook };
    const g = t.grafana;
    return {
      kind: 'grafana',
      on,
      url: g.url,
      tokenEnv: g.tokenEnv ?? INTERACTIVE_DEFAULTS.grafana.tokenEnv,
      tags: g.tags ?? [],
      ...(g.dashboardUid === undefined ? {} : { dashboardUid: g.dashboardUid }),
      ...(g.panelId === undefined ? {} : { panelId: g.panelId }),
    };
  });
}
