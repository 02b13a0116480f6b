// Sending notifications: each target for the events it wants, with a time limit and one retry.
// A failed notification never fails the run: it becomes a result (report.json `notifications`).

import { httpCall } from '../drivers/http-call.js';
import type { NotificationResult } from '../report/types.js';
import type { NotifyEvent, ResolvedNotifyTarget } from '../scenario/types-gameday.js';
import { sleep } from '../util/clock.js';
import { grafanaAnnotation, jsonPayload, slackPayload, type NotifySubject } from './payloads.js';

const TIMEOUT_MS = 5_000;
const RETRY_AFTER_MS = 1_000;

type Env = Record<string, string | undefined>;

/** Scheme and host of a URL: enough to say where a notification went, never a token in a path. */
export function describeTarget(url: string | undefined): string {
  if (url === undefined) return '(no URL)';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}

interface Request {
  url?: string;
  missing?: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function request(target: ResolvedNotifyTarget, event: NotifyEvent, s: NotifySubject, env: Env): Request | undefined {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.kind === 'grafana') {
    // A Grafana annotation is one region from start to end: it is written once the run has ended.
    if (event !== 'end') return undefined;
    const token = env[target.tokenEnv];
    if (token) headers['authorization'] = `Bearer ${token}`;
    return {
      url: `${target.url.replace(/\/+$/, '')}/api/annotations`,
      ...(token ? {} : { missing: target.tokenEnv }),
      headers,
      body: grafanaAnnotation(s, {
        tags: target.tags,
        ...(target.dashboardUid === undefined ? {} : { dashboardUid: target.dashboardUid }),
        ...(target.panelId === undefined ? {} : { panelId: target.panelId }),
      }),
    };
  }
  const url = target.url ?? (target.urlEnv === undefined ? undefined : env[target.urlEnv]);
  const missing = url === undefined ? (target.urlEnv ?? 'url') : undefined;
  if (target.kind === 'webhook' && target.tokenEnv !== undefined) {
    const token = env[target.tokenEnv];
    if (token) headers['authorization'] = `Bearer ${token}`;
  }
  return {
    ...(url === undefined ? {} : { url }),
    ...(missing === undefined ? {} : { missing }),
    headers,
    body: target.kind === 'slack' ? slackPayload(event, s) : jsonPayload(event, s),
  };
}

async function deliver(req: Request & { url: string }): Promise<{ ok: boolean; status?: number; error?: string }> {
  let last: { ok: boolean; status?: number; error?: string } = { ok: false };
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await httpCall({
      url: req.url,
      method: 'POST',
      headers: req.headers,
      body: JSON.stringify(req.body),
      timeoutMs: TIMEOUT_MS,
    });
    if (r.status !== null && r.status >= 200 && r.status < 300) return { ok: true, status: r.status };
    last =
      r.status === null
        ? { ok: false, error: r.error ?? 'no response' }
        : { ok: false, status: r.status, error: `HTTP ${r.status}` };
    // Retry once what may pass a second later (rate limits, a restarting receiver); not a 4xx refusal.
    if (r.status !== null && r.status !== 429 && r.status < 500) break;
    if (attempt === 0) await sleep(RETRY_AFTER_MS);
  }
  return last;
}

/** Sends a subject's events to its targets and keeps every outcome. Never throws. */
export class Notifier {
  readonly results: NotificationResult[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly targets: readonly ResolvedNotifyTarget[],
    private readonly env: Env = process.env,
  ) {}

  get active(): boolean {
    return this.targets.length > 0;
  }

  /** Send `event` to every target that wants it (in the background; `flush` waits). */
  send(event: NotifyEvent, subject: NotifySubject): void {
    for (const target of this.targets) {
      if (!target.on.includes(event)) continue;
      const req = request(target, event, subject, this.env);
      if (req === undefined) continue;
      const base = { channel: target.kind, event, target: describeTarget(req.url ?? target.url) } as const;
      const p = (async () => {
        const outcome =
          req.url === undefined || req.missing !== undefined
            ? { ok: false, error: `environment variable ${req.missing ?? 'url'} is not set` }
            : await deliver(req as Request & { url: string });
        this.results.push({ ...base, ...outcome, at: new Date().toISOString() });
      })();
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  /** Wait until everything sent so far has been delivered or has failed. */
  async flush(): Promise<NotificationResult[]> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    return this.results;
  }
}
