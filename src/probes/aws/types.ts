// Resolved configs of the AWS probes (what `probes.<name>.cloudwatch` / `.rds` resolve to).

import type { MetricQuery } from '../../drivers/aws/cloudwatch.js';

/**
 * A metric statistic over a recent period compared with a threshold, or an alarm's state. The metric's
 * period defaults to 60 s and its window (how far back to look for the newest datapoint) to 5m.
 */
export type CloudWatchProbeConfig =
  | ({ kind: 'metric' } & MetricQuery & {
        /** Healthy when `value <op> threshold`. */
        op: '<' | '<=' | '>' | '>=';
        threshold: number;
        /** Healthy or not when there is no datapoint in the window (default unhealthy). */
        missingIsHealthy: boolean;
      })
  | {
      kind: 'alarm';
      alarm: string;
      /** Alarm states counted healthy (default ["OK"]). */
      healthyStates: string[];
    };

/** RDS health: status in a set, optionally a replica's lag under a bound. */
export interface RdsProbeConfig {
  /** Exactly one of cluster or instance. */
  cluster?: string;
  instance?: string;
  /** Statuses counted healthy (default ["available"]). */
  healthyStatuses: string[];
  /** For a read replica instance: healthy only when CloudWatch ReplicaLag (Maximum, 1m) is at most this. */
  maxReplicaLagMs?: number;
}
