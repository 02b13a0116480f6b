// Runbook actions on the sandbox: the traffic switch plays a DNS change, the promotion plays RDS
// PromoteReadReplica, scaling plays the DR cluster scaling up. All work in both directions (failover
// and failback) and their rollbacks are idempotent.

import { ensureDatabasePrimaryIn, primaryRegion } from '../drivers/sandbox/regions.js';
import { GamedayError } from '../errors.js';
import type { ActionArgs, RunbookAction, RunbookContext, VerifyOutcome } from './types.js';

function sandbox(ctx: RunbookContext): NonNullable<RunbookContext['sandbox']> {
  if (!ctx.sandbox) {
    throw new GamedayError('this runbook step needs the sandbox target, which is not connected', {
      kind: 'runtime',
      code: 'TARGET_MISSING',
      phase: 'inject',
    });
  }
  return ctx.sandbox;
}

const isName = (v: unknown): v is string => typeof v === 'string' && /^[a-z][a-z0-9-]*$/.test(v);
const str = (args: ActionArgs, key: string): string => String(args[key]);

/** `sandbox-switch-traffic {to, force?}`: the balancer routes to region `to` (a DNS record change). */
export const switchTraffic: RunbookAction = {
  name: 'sandbox-switch-traffic',
  check: (args) => (isName(args['to']) ? [] : ['args.to must name a region, e.g. "east"']),
  describe: (args) => `switch traffic to region ${str(args, 'to')}`,
  async capture(_args, ctx) {
    return { previous: (await sandbox(ctx).client.status(ctx.signal)).servingRegion };
  },
  async execute(args, ctx) {
    const r = await sandbox(ctx).client.switchTraffic(str(args, 'to'), { force: args['force'] === true }, ctx.signal);
    return r.changed ? `traffic switched ${r.previous} → ${r.servingRegion}` : `traffic already on ${r.servingRegion}`;
  },
  async verify(args, ctx): Promise<VerifyOutcome> {
    const serving = (await sandbox(ctx).client.status(ctx.signal)).servingRegion;
    return { ok: serving === args['to'], detail: `serving region ${serving}` };
  },
  async rollback(_args, ctx, state) {
    // Why force: rolling back must work while the old region is down (DNS may point at a dead region).
    const r = await sandbox(ctx).client.switchTraffic(String(state['previous']), { force: true }, ctx.signal);
    return `traffic back on ${r.servingRegion}`;
  },
  undo: (_args, state, ctx) => ({
    driver: 'sandbox',
    op: 'switch-traffic',
    args: { controlUrl: sandbox(ctx).controlUrl, to: state['previous'] },
  }),
};

/**
 * `sandbox-promote-database {region?, stopPrimary?}`: promote the standby (in `region`, when given).
 * A primary that still runs (a planned failover) is stopped first with `stopPrimary` (default fast:
 * it ships its WAL, and the standby is promoted only once it has replayed all of it: nothing is lost).
 */
export const promoteDatabase: RunbookAction = {
  name: 'sandbox-promote-database',
  check(args) {
    const errors: string[] = [];
    if (args['region'] !== undefined && !isName(args['region'])) errors.push('args.region must name a region');
    const mode = args['stopPrimary'];
    if (mode !== undefined && mode !== 'fast' && mode !== 'immediate') {
      errors.push('args.stopPrimary must be "fast" or "immediate"');
    }
    return errors;
  },
  describe: (args) => `promote the standby${args['region'] ? ` in ${str(args, 'region')}` : ''}`,
  async capture(_args, ctx) {
    return { previousPrimaryRegion: primaryRegion(await sandbox(ctx).client.status(ctx.signal)) };
  },
  async execute(args, ctx) {
    const { client } = sandbox(ctx);
    const status = await client.status(ctx.signal);
    const db = status.db;
    if (!db) throw new GamedayError('the sandbox runs without a database', { kind: 'runtime', code: 'NO_DATABASE' });
    const region = args['region'] as string | undefined;
    if (region !== undefined && db.primary?.region === region) return `database already primary in ${region}`;
    if (!db.standby) throw new GamedayError('there is no standby to promote', { kind: 'runtime', code: 'NO_STANDBY' });
    if (region !== undefined && db.standby.region !== region) {
      throw new GamedayError(`the standby ${db.standby.name} is in ${db.standby.region}, not ${region}`, {
        kind: 'runtime',
        code: 'STANDBY_ELSEWHERE',
      });
    }
    let stopped = '';
    if (db.primary) {
      const mode = args['stopPrimary'] === 'immediate' ? 'immediate' : 'fast';
      // A clean stop is refused unless the standby streams from the primary, and the promotion below
      // waits until the standby has replayed the WAL up to the stop (the sandbox enforces both).
      const r = await client.stopPrimary(mode, ctx.signal);
      stopped = `primary ${db.primary.name} stopped (${mode}${r.lsn ? ` at ${r.lsn}` : ''}); `;
    }
    const p = await client.promoteStandby(ctx.signal);
    return `${stopped}${p.newPrimary} promoted in ${p.region ?? '?'}`;
  },
  async verify(args, ctx): Promise<VerifyOutcome> {
    const db = (await sandbox(ctx).client.status(ctx.signal)).db;
    const where = db?.primary ? `${db.primary.name} in ${db.primary.region}` : 'none';
    const ok = db?.primary != null && (args['region'] === undefined || db.primary.region === args['region']);
    return { ok, detail: `primary ${where}` };
  },
  async rollback(_args, ctx, state) {
    const region = state['previousPrimaryRegion'];
    if (typeof region !== 'string') return 'no primary before the step: nothing to restore';
    return ensureDatabasePrimaryIn(sandbox(ctx).client, region, ctx.signal);
  },
  undo: (_args, state, ctx) => ({
    driver: 'sandbox',
    op: 'database-primary-in',
    args: { controlUrl: sandbox(ctx).controlUrl, region: state['previousPrimaryRegion'] },
  }),
};

/** `sandbox-scale {region, replicas}`: set the region's replica count; verified when all are ready. */
export const scaleRegion: RunbookAction = {
  name: 'sandbox-scale',
  check(args) {
    const errors: string[] = [];
    if (!isName(args['region'])) errors.push('args.region must name a region');
    const n = args['replicas'];
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 64) errors.push('args.replicas must be 0..64');
    return errors;
  },
  describe: (args) => `scale region ${str(args, 'region')} to ${str(args, 'replicas')} replicas`,
  async capture(args, ctx) {
    const r = (await sandbox(ctx).client.status(ctx.signal)).regions[str(args, 'region')];
    return { previous: r?.desired ?? 0 };
  },
  async execute(args, ctx) {
    const r = await sandbox(ctx).client.scaleRegion(str(args, 'region'), Number(args['replicas']), ctx.signal);
    return `region ${r.region} scaled ${r.previous} → ${r.desired}`;
  },
  async verify(args, ctx): Promise<VerifyOutcome> {
    const r = (await sandbox(ctx).client.status(ctx.signal)).regions[str(args, 'region')];
    const want = Number(args['replicas']);
    if (!r) return { ok: false, detail: `region ${str(args, 'region')} unknown` };
    return { ok: r.desired === want && r.ready === want, detail: `${r.ready}/${want} ready` };
  },
  async rollback(args, ctx, state) {
    const r = await sandbox(ctx).client.scaleRegion(str(args, 'region'), Number(state['previous']), ctx.signal);
    return `region ${r.region} back to ${r.desired} replicas`;
  },
  undo: (args, state, ctx) => ({
    driver: 'sandbox',
    op: 'scale-region',
    args: { controlUrl: sandbox(ctx).controlUrl, region: args['region'], replicas: state['previous'] },
  }),
};

/**
 * `sandbox-wait-healthy {region?, probe?: {url?, path?, status?, maxLatencyMs?, successes?}}`: changes
 * nothing. Verified when the region's fleet is whole, serving and up, and `successes` requests in a
 * row (default 3) through the balancer answer `status` (default 200) within `maxLatencyMs`, from
 * replicas of `region` when one is named.
 */
export const waitHealthy: RunbookAction = {
  name: 'sandbox-wait-healthy',
  check(args) {
    const errors: string[] = [];
    if (args['region'] === undefined && args['probe'] === undefined) errors.push('give args.region or args.probe');
    if (args['region'] !== undefined && !isName(args['region'])) errors.push('args.region must name a region');
    const p = args['probe'];
    if (p !== undefined && (typeof p !== 'object' || p === null || Array.isArray(p))) {
      errors.push('args.probe must be an object {url?, path?, status?, maxLatencyMs?, successes?}');
    }
    return errors;
  },
  describe: (args) => `wait until ${args['region'] ? `region ${str(args, 'region')}` : 'the API'} is healthy`,
  execute: async () => 'read-only',
  async verify(args, ctx): Promise<VerifyOutcome> {
    const status = await sandbox(ctx).client.status(ctx.signal);
    const region = args['region'] as string | undefined;
    if (region !== undefined) {
      const r = status.regions[region];
      if (!r) return { ok: false, detail: `region ${region} unknown` };
      if (r.down || !r.serving || r.desired === 0 || r.ready < r.desired) {
        const serving = r.serving ? 'serving' : 'not serving';
        return {
          ok: false,
          detail: `region ${region}: ${r.ready}/${r.desired} ready, ${serving}${r.down ? ', down' : ''}`,
        };
      }
    }
    const probe = (args['probe'] ?? {}) as Record<string, unknown>;
    const url =
      typeof probe['url'] === 'string' ? probe['url'] : `${status.apiUrl}${String(probe['path'] ?? '/contacts')}`;
    const expect = Number(probe['status'] ?? 200);
    const maxMs = probe['maxLatencyMs'] === undefined ? Infinity : Number(probe['maxLatencyMs']);
    const successes = Number(probe['successes'] ?? 3);
    for (let i = 0; i < successes; i++) {
      const t = performance.now();
      const res = await fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(5000)]) });
      await res.arrayBuffer();
      const ms = performance.now() - t;
      const from = res.headers.get('x-region');
      if (res.status !== expect) return { ok: false, detail: `GET ${url} answered ${res.status}, want ${expect}` };
      if (ms > maxMs) return { ok: false, detail: `GET ${url} took ${ms.toFixed(1)}ms, above ${maxMs}ms` };
      if (region !== undefined && from !== null && from !== region) {
        return { ok: false, detail: `GET ${url} served by region ${from}, want ${region}` };
      }
    }
    return { ok: true, detail: `${region ? `region ${region} whole; ` : ''}${successes} requests answered ${expect}` };
  },
  rollback: async () => 'nothing to undo (read-only)',
  undo: () => null,
};

/** `sandbox-restore-database {}`: rebuild a missing standby (in the region without the primary), for failback. */
export const restoreDatabase: RunbookAction = {
  name: 'sandbox-restore-database',
  check: () => [],
  describe: () => 'rebuild the database standby',
  async execute(_args, ctx) {
    return (await sandbox(ctx).client.restoreDatabase(ctx.signal)).restored;
  },
  async verify(_args, ctx): Promise<VerifyOutcome> {
    const db = (await sandbox(ctx).client.status(ctx.signal)).db;
    const s = db?.standby;
    return { ok: s != null, detail: s ? `standby ${s.name} in ${s.region}` : 'no standby' };
  },
  // Why keep it: an extra standby is the healthy topology, and removing one would lower redundancy.
  rollback: async () => 'standby kept',
  undo: () => null,
};

/** `markers-switch-endpoint {url}`: point the RPO marker writer at the post-failover primary. */
export const switchMarkers: RunbookAction = {
  name: 'markers-switch-endpoint',
  check: (args) => (typeof args['url'] === 'string' && args['url'] !== '' ? [] : ['args.url must be a connection URL']),
  describe: () => 'write RPO markers to the new primary',
  capture: async (_args, ctx) => ({ previous: ctx.markers?.url ?? null }),
  async execute(args, ctx) {
    if (!ctx.markers) return 'no marker writer in this run: nothing to switch';
    await ctx.markers.switchTo(str(args, 'url'));
    return 'marker writer switched to the new primary';
  },
  verify: async () => ({ ok: true, detail: 'switched' }),
  async rollback(_args, ctx, state) {
    if (!ctx.markers || typeof state['previous'] !== 'string') return 'nothing to switch back';
    await ctx.markers.switchTo(state['previous']);
    return 'marker writer back on its first endpoint';
  },
  // In-process only: a crashed run has no marker writer left to switch.
  undo: () => null,
};

export const sandboxActions: readonly RunbookAction[] = [
  switchTraffic,
  promoteDatabase,
  scaleRegion,
  waitHealthy,
  restoreDatabase,
  switchMarkers,
];
