// db-failover on AWS: FailoverDBCluster, or RebootDBInstance with ForceFailover for a Multi-AZ instance —
// directly or through FIS. Start and completion come from RDS DescribeEvents into the timeline.

import { callNotSent } from '../../drivers/aws/call-watch.js';
import type { RdsDatabase } from '../../drivers/aws/types.js';
import { GamedayError, describeError } from '../../errors.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import { failoverTimes, type FailoverTimes } from './failover-events.js';
import { injectViaFis } from './inject-fis.js';
import { roleArnFor } from './template.js';
import type {
  AwsDbFailoverFault,
  AwsFaultExecution,
  AwsFaultModule,
  AwsFaultRuntime,
  AwsInventory,
  AwsTimelineEntry,
  FisExperimentSpec,
  PlannedAwsFault,
} from './types.js';

function invalid(message: string, code: string, hint?: string): GamedayError {
  return new GamedayError(message, { kind: 'invalid-input', code, ...(hint ? { hint } : {}) });
}

/** Pure: the database the fault acts on, checked for being able to fail over at all. */
export function failoverDatabase(fault: AwsDbFailoverFault, inventory: AwsInventory): RdsDatabase {
  if ((fault.cluster === undefined) === (fault.instance === undefined)) {
    throw invalid('db-failover on aws needs exactly one of cluster or instance', 'DB_FAILOVER_TARGET');
  }
  const kind = fault.cluster !== undefined ? 'cluster' : 'instance';
  const name = (fault.cluster ?? fault.instance) as string;
  const db = inventory.databases.find((d) => d.kind === kind && (d.id === name || d.arn === name));
  if (!db) throw invalid(`RDS ${kind} ${name} was not found in ${inventory.region}`, 'AWS_DB_NOT_FOUND');
  if (kind === 'instance' && !db.multiAz) {
    throw invalid(
      `RDS instance ${db.id} is not Multi-AZ, so a forced failover has no standby to go to`,
      'DB_NOT_MULTI_AZ',
      'enable Multi-AZ, or use a cluster',
    );
  }
  if (kind === 'cluster' && db.members && db.members.length < 2) {
    throw invalid(
      `RDS cluster ${db.id} has ${db.members.length} instance(s); a failover needs a reader to promote`,
      'DB_NO_READER',
    );
  }
  if (fault.targetInstance !== undefined) {
    const member = db.members?.find((m) => m.id === fault.targetInstance);
    if (kind !== 'cluster' || !member)
      throw invalid(`${fault.targetInstance} is not an instance of cluster ${db.id}`, 'DB_FAILOVER_TARGET');
    if (member.writer) throw invalid(`${fault.targetInstance} is already the writer of ${db.id}`, 'DB_FAILOVER_TARGET');
  }
  return db;
}

/** Pure: the FIS experiment for a failover through FIS. */
export function dbFailoverExperiment(db: RdsDatabase): FisExperimentSpec {
  return db.kind === 'cluster'
    ? {
        description: `gameday failover of RDS cluster ${db.id}`,
        targets: { Cluster: { resourceType: 'aws:rds:cluster', arns: [db.arn], selection: { mode: 'all' } } },
        actions: { Failover: { actionId: 'aws:rds:failover-db-cluster', targets: { Clusters: 'Cluster' } } },
      }
    : {
        description: `gameday forced failover of RDS instance ${db.id}`,
        targets: { Instance: { resourceType: 'aws:rds:db', arns: [db.arn], selection: { mode: 'all' } } },
        actions: {
          Failover: {
            actionId: 'aws:rds:reboot-db-instances',
            parameters: { forceFailover: 'true' },
            targets: { DBInstances: 'Instance' },
          },
        },
      };
}

/** Poll DescribeEvents (with backoff) until the failover completes, fails, or `timeoutMs` passes. */
export async function awaitFailoverEvents(
  runtime: AwsFaultRuntime,
  db: Pick<RdsDatabase, 'kind' | 'id'>,
  since: Date,
  timeoutMs: number,
  intervalMs: number,
): Promise<FailoverTimes> {
  const deadline = runtime.clock.now() + timeoutMs;
  const source = { id: db.id, type: db.kind === 'cluster' ? ('db-cluster' as const) : ('db-instance' as const) };
  let interval = intervalMs;
  for (;;) {
    const times = failoverTimes(await runtime.aws.rds.events(source, since, runtime.signal), since);
    if (times.completedAt || times.failed || runtime.clock.now() + interval > deadline) return times;
    await sleep(interval, runtime.signal);
    interval = Math.min(Math.round(interval * 1.5), 15_000);
  }
}

function eventTimeline(runtime: AwsFaultRuntime, times: FailoverTimes): AwsTimelineEntry[] {
  return times.events.map((e) => ({
    at: e.date.toISOString(),
    t: e.date.getTime() - runtime.clock.wall(0),
    kind: 'rds-event',
    message: `${e.eventId} ${e.sourceId}: ${e.message}`,
  }));
}

async function failoverDirectly(db: RdsDatabase, fault: AwsDbFailoverFault, runtime: AwsFaultRuntime): Promise<number> {
  const where = runtime.aws.location('rds');
  const action = db.kind === 'cluster' ? 'FailoverDBCluster' : 'RebootDBInstance (ForceFailover)';
  // Undo: a failover cannot be taken back (failing back is a second failover); rollback waits until the
  // database is available again, so a run never ends with a database still mid-failover unnoticed.
  const id = await runtime.journal.intent(runtime.step, `${action} ${db.id}`, `rds ${db.kind} ${db.id}`, {
    driver: 'aws',
    op: 'rds-await-available',
    args: { ...where, kind: db.kind, id: db.id },
  });
  try {
    if (db.kind === 'cluster') await runtime.aws.rds.failoverCluster(db.id, fault.targetInstance, runtime.signal);
    else await runtime.aws.rds.rebootWithFailover(db.id, runtime.signal);
    const t0 = runtime.clock.now();
    runtime.journal.applied(id, `${action} accepted`);
    return t0;
  } catch (error) {
    runtime.journal.failed(id, describeError(error), { notSent: callNotSent(error) });
    throw error;
  }
}

export const awsDbFailover: AwsFaultModule<AwsDbFailoverFault> = {
  type: 'db-failover',

  plan(fault, inventory): PlannedAwsFault<AwsDbFailoverFault> {
    const db = failoverDatabase(fault, inventory);
    const how = fault.via === 'fis' ? 'through FIS' : 'directly';
    const what =
      db.kind === 'cluster'
        ? `FailoverDBCluster ${db.id}${fault.targetInstance ? ` to ${fault.targetInstance}` : ''} (writer ${db.writer ?? '?'} in ${db.writerZone ?? '?'})`
        : `RebootDBInstance ForceFailover ${db.id} (primary in ${db.writerZone ?? '?'}, standby in ${db.secondaryZone ?? '?'})`;
    const base = {
      fault,
      target: 'aws' as const,
      description: `${what} ${how}`,
      affected: [db.id],
      unavailable: 0,
      fleet: 0,
      database: db,
    };
    if (fault.via === 'api') return base;
    if (!fault.fis) throw invalid('db-failover via fis needs fis options', 'DB_FAILOVER_FIS');
    if (fault.fis.templateId) return base;
    return { ...base, experiment: dbFailoverExperiment(db), roleArn: roleArnFor(fault.fis, inventory.fisRoleArn) };
  },

  async inject(fault, planned, runtime): Promise<AwsFaultExecution> {
    const db = planned.database;
    if (!db)
      throw new GamedayError('db-failover was not planned against a database', {
        kind: 'runtime',
        code: 'DB_FAILOVER_UNPLANNED',
      });
    // Events are stamped by RDS's clock; a few seconds of slack cover skew with ours.
    const since = new Date(runtime.clock.wall(runtime.clock.now()) - 5_000);
    let exec: AwsFaultExecution;
    if (fault.via === 'fis' && fault.fis) {
      exec = await injectViaFis(fault.fis, planned, runtime);
    } else {
      const t0 = await failoverDirectly(db, fault, runtime);
      exec = { t0, detail: '', affected: [db.id], findings: [], timeline: [], resolvedTargets: [] };
    }
    const times = await awaitFailoverEvents(runtime, db, since, fault.eventTimeoutMs, fault.pollIntervalMs);
    const timeline = [...exec.timeline, ...eventTimeline(runtime, times)].sort((a, b) => a.t - b.t);
    if (times.failed) {
      throw new GamedayError(`RDS ${db.kind} ${db.id} failover failed: ${times.failed.message}`, {
        kind: 'runtime',
        code: 'DB_FAILOVER_FAILED',
        phase: 'inject',
        target: `rds ${db.kind} ${db.id}`,
      });
    }
    const findings = [...exec.findings];
    let endT = exec.endT;
    let detail = `${planned.description}`;
    if (times.completedAt) {
      endT = times.completedAt.getTime() - runtime.clock.wall(0);
      const took = times.startedAt
        ? ` in ${formatDuration(times.completedAt.getTime() - times.startedAt.getTime())}`
        : '';
      detail += `; failover completed${took} (RDS events)`;
    } else {
      findings.push(`no failover completion event for ${db.id} within ${formatDuration(fault.eventTimeoutMs)}`);
    }
    return {
      ...exec,
      detail: exec.detail ? `${exec.detail}; ${detail}` : detail,
      ...(endT === undefined ? {} : { endT }),
      findings,
      timeline,
    };
  },
};
