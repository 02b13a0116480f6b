// The rds probe: instance or cluster status, and a read replica's lag.

import { describeError } from '../../errors.js';
import type { CheckOutcome, Probe } from '../types.js';
import type { AwsProbeOptions } from './cloudwatch.js';
import type { RdsProbeConfig } from './types.js';

/** Build an rds probe. A failing API call is an unhealthy sample, never a thrown error. */
export function createRdsProbe(name: string, config: RdsProbeConfig, opts: AwsProbeOptions): Probe {
  const now = opts.now ?? (() => new Date());
  async function check(signal: AbortSignal): Promise<CheckOutcome> {
    try {
      const db = config.cluster
        ? await opts.driver.rds.describeCluster(config.cluster, signal)
        : await opts.driver.rds.describeInstance(config.instance ?? '', signal);
      const statusOk = config.healthyStatuses.includes(db.status);
      const where = `${db.kind} ${db.id} ${db.status}${db.writerZone ? `, writer in ${db.writerZone}` : ''}`;
      if (!statusOk || config.maxReplicaLagMs === undefined || db.kind !== 'instance')
        return { ok: statusOk, detail: where };
      const lag = await opts.driver.cloudwatch.latestStatistic(
        {
          namespace: 'AWS/RDS',
          metric: 'ReplicaLag',
          dimensions: { DBInstanceIdentifier: db.id },
          statistic: 'Maximum',
          periodSec: 60,
          windowMs: 5 * 60_000,
        },
        now(),
        signal,
      );
      if (!lag) return { ok: false, detail: `${where}; no ReplicaLag datapoint` };
      const lagMs = lag.value * 1000;
      return {
        ok: lagMs <= config.maxReplicaLagMs,
        value: lagMs,
        detail: `${where}; replica lag ${lag.value}s (max ${config.maxReplicaLagMs / 1000}s)`,
      };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  }
  return { name, kind: 'rds', intervalMs: opts.intervalMs, timeoutMs: opts.timeoutMs, check };
}
