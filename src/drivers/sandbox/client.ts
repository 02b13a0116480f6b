// Typed client for the sandbox control API.

import { GamedayError } from '../../errors.js';
import type {
  PromoteResult,
  StopPrimaryResult,
  FailoverMode,
  FailoverResult,
  InterruptResult,
  KillResult,
  KillSignal,
  RebuildStandbyResult,
  RegionDownResult,
  RegionOutageDatabase,
  RegionScaleResult,
  RegionUpResult,
  SandboxStatus,
  TrafficSwitchResult,
  ZoneDownResult,
  ZoneUpResult,
} from './types.js';

export interface SandboxClientOptions {
  /** Per-request time limit (default 10 s; failover and rebuild get at least 120 s). */
  timeoutMs?: number;
}

const SLOW_MS = 120_000;

/** Talks to one sandbox's control API; every failure is a GamedayError of kind 'runtime'. */
export class SandboxClient {
  readonly controlUrl: string;
  private readonly timeoutMs: number;

  constructor(controlUrl: string, opts: SandboxClientOptions = {}) {
    this.controlUrl = controlUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Replicas, zones, database topology and URLs. */
  status(signal?: AbortSignal): Promise<SandboxStatus> {
    return this.request<SandboxStatus>('GET', '/status', undefined, { signal });
  }

  /** Signal replicas by id; with SIGTERM, SIGKILL follows after graceMs if they still run. */
  kill(ids: string[], signal: KillSignal, graceMs: number, abort?: AbortSignal): Promise<KillResult> {
    return this.request<KillResult>('POST', '/replicas/kill', { ids, signal, graceMs }, { signal: abort });
  }

  /** Power loss in a zone: SIGKILL its replicas and place none there until zoneUp. */
  zoneDown(zone: string, signal?: AbortSignal): Promise<ZoneDownResult> {
    return this.request<ZoneDownResult>('POST', `/zones/${encodeURIComponent(zone)}/down`, {}, { signal });
  }

  /** Let the controller place replicas in the zone again. */
  zoneUp(zone: string, signal?: AbortSignal): Promise<ZoneUpResult> {
    return this.request<ZoneUpResult>('POST', `/zones/${encodeURIComponent(zone)}/up`, {}, { signal });
  }

  /** Spot interruption: drain now, SIGTERM after noticeMs, SIGKILL graceMs later. */
  interrupt(ids: string[], noticeMs: number, graceMs: number, signal?: AbortSignal): Promise<InterruptResult> {
    return this.request<InterruptResult>('POST', '/replicas/interrupt', { ids, noticeMs, graceMs }, { signal });
  }

  /** Stop the primary (pg_ctl stop -m mode), promote the standby, switch the writer endpoint. */
  dbFailover(mode: FailoverMode, signal?: AbortSignal): Promise<FailoverResult> {
    return this.request<FailoverResult>('POST', '/db/failover', { mode }, { signal, slow: true });
  }

  /** Failover step 1: stop the primary; writes fail until the standby is promoted. */
  stopPrimary(mode: FailoverMode, signal?: AbortSignal): Promise<StopPrimaryResult> {
    return this.request<StopPrimaryResult>('POST', '/db/stop-primary', { mode }, { signal, slow: true });
  }

  /** Failover step 2: promote the standby and switch the writer endpoint to it. */
  promoteStandby(signal?: AbortSignal): Promise<PromoteResult> {
    return this.request<PromoteResult>('POST', '/db/promote', {}, { signal, slow: true });
  }

  /** Undo of a failover, idempotent: restart a stopped primary not yet replaced, or clone a missing standby. */
  restoreDatabase(signal?: AbortSignal): Promise<{ restored: string }> {
    return this.request<{ restored: string }>('POST', '/db/restore', {}, { signal, slow: true });
  }

  /** Clone a fresh standby from the current primary (the undo of a failover). */
  rebuildStandby(signal?: AbortSignal): Promise<RebuildStandbyResult> {
    return this.request<RebuildStandbyResult>('POST', '/db/rebuild-standby', {}, { signal, slow: true });
  }

  /** Change the number of replicas the controller keeps. */
  setDesired(replicas: number, signal?: AbortSignal): Promise<{ desired: number }> {
    return this.request<{ desired: number }>('POST', '/desired', { replicas }, { signal });
  }

  /** Send traffic to `region` (plays a DNS record change); a down region is refused unless `force`. */
  switchTraffic(region: string, opts: { force?: boolean } = {}, signal?: AbortSignal): Promise<TrafficSwitchResult> {
    const path = `/regions/${encodeURIComponent(region)}/traffic`;
    return this.request<TrafficSwitchResult>('POST', path, { force: opts.force === true }, { signal });
  }

  /** Set the replica count of one region (plays scaling the DR cluster). */
  scaleRegion(region: string, replicas: number, signal?: AbortSignal): Promise<RegionScaleResult> {
    const path = `/regions/${encodeURIComponent(region)}/scale`;
    return this.request<RegionScaleResult>('POST', path, { replicas }, { signal });
  }

  /** Regional outage: every replica of the region stops, its database server stops with `database`. */
  regionDown(region: string, database: RegionOutageDatabase, signal?: AbortSignal): Promise<RegionDownResult> {
    const path = `/regions/${encodeURIComponent(region)}/down`;
    return this.request<RegionDownResult>('POST', path, { database }, { signal, slow: true });
  }

  /** End a regional outage: zones up, database servers that may restart are restarted. */
  regionUp(region: string, signal?: AbortSignal): Promise<RegionUpResult> {
    const path = `/regions/${encodeURIComponent(region)}/up`;
    return this.request<RegionUpResult>('POST', path, {}, { signal, slow: true });
  }

  /** Ask the supervisor to stop everything and exit (returns before it has). */
  shutdown(signal?: AbortSignal): Promise<{ stopping: boolean }> {
    return this.request<{ stopping: boolean }>('POST', '/shutdown', {}, { signal });
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    opts: { signal?: AbortSignal | undefined; slow?: boolean },
  ): Promise<T> {
    const timeoutMs = opts.slow ? Math.max(this.timeoutMs, SLOW_MS) : this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const what = `${method} ${this.controlUrl}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.controlUrl}${path}`, {
        method,
        signal,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      text = await response.text();
    } catch (error) {
      if (opts.signal?.aborted) {
        throw new GamedayError(`${what} was aborted`, { kind: 'aborted', code: 'SANDBOX_ABORTED', cause: error });
      }
      const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : 'connection failed';
      throw new GamedayError(`sandbox control API unreachable: ${what}: ${reason}`, {
        kind: 'runtime',
        code: 'SANDBOX_UNREACHABLE',
        hint: 'Is the sandbox running? Start one with "npm run fixture:sandbox -- up".',
        target: this.controlUrl,
        cause: error,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new GamedayError(
        `sandbox answered ${what} with non-JSON (HTTP ${response.status}): ${text.slice(0, 200)}`,
        {
          kind: 'runtime',
          code: 'SANDBOX_BAD_RESPONSE',
          target: this.controlUrl,
          cause: error,
        },
      );
    }
    if (!response.ok) {
      const message =
        typeof parsed === 'object' && parsed !== null && 'error' in parsed ? String(parsed.error) : text.slice(0, 200);
      throw new GamedayError(`sandbox rejected ${method} ${path} (HTTP ${response.status}): ${message}`, {
        kind: 'runtime',
        code: 'SANDBOX_REJECTED',
        target: this.controlUrl,
      });
    }
    return parsed as T;
  }
}
