// report.json parts added by game days, the gate and notifications: notes, checkpoints, the
// regression check against a baseline, and the webhooks sent. All optional: older reports lack them.

/** An observation added with `gameday note`, live or after the run. */
export interface NoteEntry {
  id: string;
  /** When it was written (ISO). */
  at: string;
  text: string;
  author?: string;
}

/** A checkpoint's outcome, the same shape however it ended. */
export interface CheckpointOutcome {
  step: string;
  prompt: string;
  startedAt: string;
  endedAt: string;
  waitedMs: number;
  /** terminal or ack: someone answered; policy: nobody could (non-interactive) or did (timeout). */
  answeredBy: 'terminal' | 'ack' | 'policy';
  decision: 'continue' | 'fail' | 'abort';
  /** What the person typed or passed to `gameday ack`, if anything. */
  text?: string;
  author?: string;
  detail: string;
}

/** One metric compared with its baseline. */
export interface RegressionCheck {
  metric: string;
  /** ms for times, percent for availability and error rates, points for the score. */
  unit: 'ms' | 'percent' | 's' | 'points';
  current: number;
  baseline: number;
  /** Relative change in percent (+68 = 68 % worse for a time). */
  changePct: number;
  tolerancePct: number;
  regressed: boolean;
  /** "RTO 5.2 s vs baseline 3.1 s, +68 %, tolerance 25 %". */
  explanation: string;
}

/** `gameday gate --baseline`: how this run compares with earlier ones. */
export interface RegressionResult {
  /** "last-pass" or "median:5". */
  baseline: string;
  /** The runs the baseline was taken from. */
  baselineRuns: string[];
  regressed: boolean;
  checks: RegressionCheck[];
}

/** One webhook sent for a run; a failed one never fails the run. */
export interface NotificationResult {
  channel: 'slack' | 'webhook' | 'grafana';
  event: 'start' | 'abort' | 'end';
  /** Where it went, without secrets (scheme and host). */
  target: string;
  ok: boolean;
  status?: number;
  error?: string;
  at: string;
}
