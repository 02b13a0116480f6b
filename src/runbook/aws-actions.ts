// Runbook actions on AWS for a region failover: move a Route 53 record to the DR region, promote the
// DR region's RDS read replica. They use the run's AWS driver (targets.aws, identity guarded).

import type { AwsDriver } from '../drivers/aws/index.js';
import { fqdn, recordTarget, sameRecord, type RecordSetData } from '../drivers/aws/record-set.js';
import type { Route53Driver } from '../drivers/aws/route53.js';
import type { AwsTargetConfig } from '../drivers/aws/types.js';
import { GamedayError } from '../errors.js';
import type { ActionArgs, ActionState, RunbookAction, RunbookContext, VerifyOutcome } from './types.js';

function aws(ctx: RunbookContext): AwsDriver {
  if (!ctx.aws) {
    throw new GamedayError('this runbook step needs the aws target, which is not connected', {
      kind: 'runtime',
      code: 'TARGET_MISSING',
      phase: 'inject',
      hint: 'add targets.aws to the scenario',
    });
  }
  return ctx.aws;
}

/**
 * A driver for `region` (the DR region's replica lives outside the target's home region), with the
 * target's endpoints and credentials; refused when targets.aws.regions does not allow the region.
 */
async function inRegion<T>(ctx: RunbookContext, region: string | undefined, use: (d: AwsDriver) => Promise<T>) {
  const base = aws(ctx);
  if (region === undefined || region === base.config.region) return use(base);
  const allowed = (base.config as Partial<AwsTargetConfig>).regions;
  if (allowed !== undefined && !allowed.includes(region)) {
    throw new GamedayError(`region ${region} is not in targets.aws.regions (${allowed.join(', ')})`, {
      kind: 'invalid-input',
      code: 'AWS_REGION_NOT_ALLOWED',
      hint: `add ${region} to targets.aws.regions`,
    });
  }
  // Why the same client options: the guard's loopback and audit settings must hold in every region.
  const { clients: _own, ...options } = base.options;
  const { createAwsDriver } = await import('../drivers/aws/index.js');
  const d = createAwsDriver({ ...base.config, region }, options);
  try {
    return await use(d);
  } finally {
    d.destroy();
  }
}

// The SDK-backed driver modules are imported where they are called: checking a runbook loads none of
// them, and a run with the aws target has loaded the SDK already by the time a step calls them.

/** Route 53 through the driver's client. */
async function route53(d: AwsDriver): Promise<Route53Driver> {
  const { Route53Driver } = await import('../drivers/aws/route53.js');
  return new Route53Driver(d.clients.route53);
}

/** RDS replica state and promotion. */
const rdsPromote = () => import('../drivers/aws/rds-promote.js');

const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
const str = (args: ActionArgs, key: string): string => String(args[key]);
const optStr = (args: ActionArgs, key: string): string | undefined => (isStr(args[key]) ? args[key] : undefined);

// ---------- route53-change ----------

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV', 'NS', 'PTR', 'CAA'];

function recordKey(args: ActionArgs): { name: string; type: string; setIdentifier?: string } {
  const id = optStr(args, 'setIdentifier');
  return { name: fqdn(str(args, 'name')), type: str(args, 'type'), ...(id === undefined ? {} : { setIdentifier: id }) };
}

/** The record set the step writes. */
function desired(args: ActionArgs, previous: RecordSetData | null): RecordSetData {
  const key = recordKey(args);
  const alias = args['alias'] as
    { hostedZoneId?: string; dnsName?: string; evaluateTargetHealth?: boolean } | undefined;
  const d: RecordSetData = { ...key };
  if (alias) {
    d.alias = {
      hostedZoneId: String(alias.hostedZoneId),
      dnsName: String(alias.dnsName),
      evaluateTargetHealth: alias.evaluateTargetHealth === true,
    };
  } else {
    d.values = (args['values'] as unknown[]).map(String);
    d.ttl = typeof args['ttl'] === 'number' ? args['ttl'] : (previous?.ttl ?? 60);
  }
  // A weighted or failover record keeps its routing policy: only where it points changes.
  for (const k of ['weight', 'failover', 'healthCheckId'] as const) {
    if (previous?.[k] !== undefined) (d as unknown as Record<string, unknown>)[k] = previous[k];
  }
  return d;
}

const changeIds = new WeakMap<ActionState, string>();

/**
 * `route53-change {hostedZoneId, name, type, values | alias, ttl?, setIdentifier?}`: UPSERT the record
 * set (the traffic switch of a DNS failover). The old record set is captured first; rollback puts it
 * back (or deletes the record when there was none). Verified when the change is INSYNC and the record
 * points where it should.
 */
export const route53Change: RunbookAction = {
  name: 'route53-change',
  check(args) {
    const errors: string[] = [];
    if (!isStr(args['hostedZoneId'])) errors.push('args.hostedZoneId must name the hosted zone, e.g. "Z0123456789ABC"');
    if (!isStr(args['name'])) errors.push('args.name must be the record name, e.g. "api.example.com"');
    if (!RECORD_TYPES.includes(String(args['type'])))
      errors.push(`args.type must be one of ${RECORD_TYPES.join(', ')}`);
    const values = args['values'];
    const alias = args['alias'];
    const hasValues = Array.isArray(values) && values.length > 0 && values.every(isStr);
    const hasAlias =
      typeof alias === 'object' &&
      alias !== null &&
      isStr((alias as Record<string, unknown>)['hostedZoneId']) &&
      isStr((alias as Record<string, unknown>)['dnsName']);
    if (hasValues === hasAlias) {
      errors.push('give either args.values (a list of record values) or args.alias {hostedZoneId, dnsName}');
    }
    const ttl = args['ttl'];
    if (ttl !== undefined && (!Number.isInteger(ttl) || (ttl as number) < 0)) errors.push('args.ttl must be seconds');
    if (args['region'] !== undefined && !isStr(args['region'])) errors.push('args.region must be a region name');
    return errors;
  },
  describe(args) {
    const target = isStr(args['name']) ? fqdn(str(args, 'name')) : '?';
    const to = Array.isArray(args['values'])
      ? (args['values'] as unknown[]).join(',')
      : `alias ${String((args['alias'] as Record<string, unknown> | undefined)?.['dnsName'])}`;
    return `point ${target} ${str(args, 'type')} at ${to}`;
  },
  async capture(args, ctx) {
    const previous = await inRegion(ctx, optStr(args, 'region'), async (d) =>
      (await route53(d)).findRecord(str(args, 'hostedZoneId'), recordKey(args), ctx.signal),
    );
    return { previous };
  },
  async execute(args, ctx, state) {
    const previous = (state['previous'] ?? null) as RecordSetData | null;
    const record = desired(args, previous);
    const id = await inRegion(ctx, optStr(args, 'region'), async (d) =>
      (await route53(d)).change(str(args, 'hostedZoneId'), 'UPSERT', record, `gameday runbook ${ctx.step}`, ctx.signal),
    );
    changeIds.set(state, id);
    const from = previous ? recordTarget(previous) : 'no record';
    return `${record.name} ${record.type}: ${from} → ${recordTarget(record)} (change ${id})`;
  },
  async verify(args, ctx, state): Promise<VerifyOutcome> {
    const id = changeIds.get(state);
    const record = desired(args, (state['previous'] ?? null) as RecordSetData | null);
    return inRegion(ctx, optStr(args, 'region'), async (d) => {
      const r53 = await route53(d);
      const status = id === undefined ? 'UNKNOWN' : await r53.changeStatus(id, ctx.signal);
      if (status !== 'INSYNC') return { ok: false, detail: `change ${id ?? '?'} ${status}` };
      const now = await r53.findRecord(str(args, 'hostedZoneId'), recordKey(args), ctx.signal);
      const ok = now !== null && sameRecord(record, now) && recordTarget(now) === recordTarget(record);
      return { ok, detail: `change INSYNC; ${record.name} ${record.type} → ${now ? recordTarget(now) : 'missing'}` };
    });
  },
  async rollback(args, ctx, state) {
    const previous = (state['previous'] ?? null) as RecordSetData | null;
    return inRegion(ctx, optStr(args, 'region'), async (d) =>
      (await route53(d)).restore(str(args, 'hostedZoneId'), recordKey(args), previous, ctx.signal),
    );
  },
  undo(args, state, ctx) {
    const base = aws(ctx);
    const region = optStr(args, 'region') ?? base.config.region;
    const at = base.location('route53');
    return {
      driver: 'aws',
      op: 'route53-restore-record',
      args: {
        region,
        ...(at.endpoint === undefined ? {} : { endpoint: at.endpoint }),
        hostedZoneId: args['hostedZoneId'],
        ...recordKey(args),
        previous: state['previous'] ?? null,
      },
    };
  },
};

// ---------- rds-promote-read-replica ----------

/** Captured states whose PromoteReadReplica returned success (in-process; the journal's `applied` after a crash). */
const promotionsRequested = new WeakSet<ActionState>();

/**
 * `rds-promote-read-replica {dbInstanceIdentifier, region?, backupRetentionPeriod?}`: PromoteReadReplica
 * on the DR region's replica. Verified when the instance is available and no longer a replica.
 * Cannot be rolled back (RDS has no demote): once PromoteReadReplica was accepted, the rollback and the
 * journal's undo say so and fail (RDS_PROMOTION_IRREVERSIBLE, with what to do), so the run reports that
 * a person must act. An instance that was standalone before the step is left alone: nothing to undo.
 */
export const rdsPromoteReadReplica: RunbookAction = {
  name: 'rds-promote-read-replica',
  check(args) {
    const errors: string[] = [];
    if (!isStr(args['dbInstanceIdentifier'])) errors.push('args.dbInstanceIdentifier must name the read replica');
    if (args['region'] !== undefined && !isStr(args['region'])) errors.push('args.region must be a region name');
    const b = args['backupRetentionPeriod'];
    if (b !== undefined && (!Number.isInteger(b) || (b as number) < 0 || (b as number) > 35)) {
      errors.push('args.backupRetentionPeriod must be 0..35 days');
    }
    return errors;
  },
  describe: (args) =>
    `promote RDS read replica ${str(args, 'dbInstanceIdentifier')}${isStr(args['region']) ? ` in ${str(args, 'region')}` : ''}`,
  async capture(args, ctx) {
    const s = await inRegion(ctx, optStr(args, 'region'), async (d) =>
      (await rdsPromote()).replicaState(d.clients.rds, str(args, 'dbInstanceIdentifier'), ctx.signal),
    );
    return { source: s.source, status: s.status };
  },
  async execute(args, ctx, state) {
    const id = str(args, 'dbInstanceIdentifier');
    if (state['source'] === null) return `RDS instance ${id} is not a read replica (already promoted)`;
    const b = args['backupRetentionPeriod'];
    await inRegion(ctx, optStr(args, 'region'), async (d) =>
      (await rdsPromote()).promoteReadReplica(d.clients.rds, id, {
        signal: ctx.signal,
        ...(typeof b === 'number' ? { backupRetentionPeriod: b } : {}),
      }),
    );
    promotionsRequested.add(state);
    return `PromoteReadReplica ${id} (replica of ${String(state['source'])})`;
  },
  async verify(args, ctx): Promise<VerifyOutcome> {
    const s = await inRegion(ctx, optStr(args, 'region'), async (d) =>
      (await rdsPromote()).replicaState(d.clients.rds, str(args, 'dbInstanceIdentifier'), ctx.signal),
    );
    const ok = s.status === 'available' && s.source === null;
    return { ok, detail: `${s.id} ${s.status}${s.source ? `, still a replica of ${s.source}` : ', standalone'}` };
  },
  async rollback(args, ctx, state) {
    const source = typeof state['source'] === 'string' ? state['source'] : null;
    // Why nothing to check: the instance was standalone before the step, so the run promoted nothing.
    if (source === null)
      return `RDS instance ${str(args, 'dbInstanceIdentifier')} was standalone before the run: nothing to undo`;
    return inRegion(ctx, optStr(args, 'region'), async (d) =>
      (await rdsPromote()).checkPromotionUndone(
        d.clients.rds,
        str(args, 'dbInstanceIdentifier'),
        source,
        ctx.signal,
        promotionsRequested.has(state),
      ),
    );
  },
  undo(args, state, ctx) {
    if (state['source'] === null) return null;
    const base = aws(ctx);
    const at = base.location('rds');
    return {
      driver: 'aws',
      op: 'rds-promotion-irreversible',
      args: {
        region: optStr(args, 'region') ?? base.config.region,
        ...(at.endpoint === undefined ? {} : { endpoint: at.endpoint }),
        dbInstanceIdentifier: args['dbInstanceIdentifier'],
        source: state['source'] ?? null,
      },
    };
  },
};

export const awsActions: readonly RunbookAction[] = [route53Change, rdsPromoteReadReplica];
