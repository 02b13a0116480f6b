// Amazon CloudWatch reads for probes: one metric statistic over a recent period, or an alarm's state.

import {
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  type CloudWatchClient,
  type Statistic,
} from '@aws-sdk/client-cloudwatch';

export interface MetricQuery {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  statistic: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
  /** Aggregation period in seconds (60 or a multiple; 1/5/10/30 for high-resolution metrics). */
  periodSec: number;
  /** How far back to look. */
  windowMs: number;
}

export class CloudWatchDriver {
  readonly client: CloudWatchClient;

  constructor(client: CloudWatchClient) {
    this.client = client;
  }

  /** The newest datapoint of the statistic in the window, or undefined when there is none. */
  async latestStatistic(
    q: MetricQuery,
    now: Date,
    signal?: AbortSignal,
  ): Promise<{ value: number; at: Date } | undefined> {
    const out = await this.client.send(
      new GetMetricStatisticsCommand({
        Namespace: q.namespace,
        MetricName: q.metric,
        Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
        StartTime: new Date(now.getTime() - q.windowMs),
        EndTime: now,
        Period: q.periodSec,
        Statistics: [q.statistic as Statistic],
      }),
      { abortSignal: signal },
    );
    let best: { value: number; at: Date } | undefined;
    for (const d of out.Datapoints ?? []) {
      const value = d[q.statistic];
      if (value === undefined || d.Timestamp === undefined) continue;
      const at = new Date(d.Timestamp);
      if (!best || at > best.at) best = { value, at };
    }
    return best;
  }

  /** StateValue of a metric alarm: OK, ALARM or INSUFFICIENT_DATA; undefined when no such alarm exists. */
  async alarmState(name: string, signal?: AbortSignal): Promise<{ state: string; reason?: string } | undefined> {
    const out = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }), { abortSignal: signal });
    const alarm = out.MetricAlarms?.[0] ?? out.CompositeAlarms?.[0];
    if (!alarm?.StateValue) return undefined;
    return { state: alarm.StateValue, ...(alarm.StateReason ? { reason: alarm.StateReason } : {}) };
  }
}
