// The cloudwatch probe: a metric statistic vs a threshold, or an alarm's state.

import type { AwsDriver } from '../../drivers/aws/index.js';
import { describeError } from '../../errors.js';
import type { CheckOutcome, Probe } from '../types.js';
import type { CloudWatchProbeConfig } from './types.js';

export interface AwsProbeOptions {
  driver: AwsDriver;
  intervalMs: number;
  timeoutMs: number;
  /** Wall clock for metric windows (tests). */
  now?: () => Date;
}

const compare = {
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
} as const;

/** Build a cloudwatch probe. A failing API call is an unhealthy sample, never a thrown error. */
export function createCloudWatchProbe(name: string, config: CloudWatchProbeConfig, opts: AwsProbeOptions): Probe {
  const now = opts.now ?? (() => new Date());
  async function check(signal: AbortSignal): Promise<CheckOutcome> {
    try {
      if (config.kind === 'alarm') {
        const alarm = await opts.driver.cloudwatch.alarmState(config.alarm, signal);
        if (!alarm) return { ok: false, detail: `alarm ${config.alarm} not found` };
        return { ok: config.healthyStates.includes(alarm.state), detail: `alarm ${config.alarm} ${alarm.state}` };
      }
      const point = await opts.driver.cloudwatch.latestStatistic(config, now(), signal);
      const label = `${config.namespace} ${config.metric} ${config.statistic}`;
      if (!point) return { ok: config.missingIsHealthy, detail: `${label}: no datapoint` };
      const ok = compare[config.op](point.value, config.threshold);
      return {
        ok,
        value: point.value,
        detail: `${label} ${point.value} ${ok ? '' : 'not '}${config.op} ${config.threshold}`,
      };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  }
  return { name, kind: 'cloudwatch', intervalMs: opts.intervalMs, timeoutMs: opts.timeoutMs, check };
}
