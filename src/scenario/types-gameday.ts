// Resolved shapes of the checkpoint and action steps and of `notify:` (see schema-gameday.ts,
// schema-notify.ts): milliseconds, defaults filled in.

export type CheckpointPolicy = 'continue' | 'fail' | 'abort';

export interface ResolvedCheckpoint {
  prompt: string;
  timeoutMs: number;
  /** Applies when nobody can answer (no terminal) or the timeout passes. */
  nonInteractive: CheckpointPolicy;
}

export interface ResolvedHttpCall {
  kind: 'http';
  url: string;
  method: string;
  /** Never journaled or reported (may hold tokens). */
  headers: Record<string, string>;
  body?: string;
  /** Accepted statuses; empty means any 2xx. */
  expectStatus: number[];
  timeoutMs: number;
}

export interface ResolvedCommandCall {
  kind: 'command';
  run: string | string[];
  cwd?: string;
  /** Never journaled or reported (may hold secrets). */
  env: Record<string, string>;
  expectExitCode: number;
  timeoutMs: number;
}

export type ResolvedCall = ResolvedHttpCall | ResolvedCommandCall;

export interface ResolvedAction {
  call: ResolvedCall;
  undo: ResolvedCall;
}

export type NotifyEvent = 'start' | 'abort' | 'end';

export type ResolvedNotifyTarget = { on: NotifyEvent[] } & (
  | { kind: 'slack'; url?: string; urlEnv?: string }
  | { kind: 'webhook'; url?: string; urlEnv?: string; tokenEnv?: string }
  | { kind: 'grafana'; url: string; tokenEnv: string; dashboardUid?: string; panelId?: number; tags: string[] }
);
