// A resolved cloudwatch or rds probe → a runnable Probe on the aws target's driver.

import type { AwsDriver } from '../../drivers/aws/index.js';
import { GamedayError } from '../../errors.js';
import type { ResolvedProbe, ResolvedProbeCheck } from '../../scenario/types.js';
import type { Probe } from '../types.js';
import { createCloudWatchProbe } from './cloudwatch.js';
import { createRdsProbe } from './rds.js';

/** Create a cloudwatch or rds probe. Throws GamedayError (invalid-input) without an aws target. */
export function createAwsProbe(
  resolved: ResolvedProbe,
  check: Extract<ResolvedProbeCheck, { kind: 'cloudwatch' | 'rds' }>,
  driver: AwsDriver | undefined,
): Probe {
  if (!driver) {
    throw new GamedayError(`Probe "${resolved.name}" reads AWS, but the scenario has no aws target.`, {
      kind: 'invalid-input',
      code: 'PROBE_AWS_UNAVAILABLE',
      hint: 'Add targets.aws to the scenario.',
      target: `probe ${resolved.name}`,
    });
  }
  const opts = { driver, intervalMs: resolved.intervalMs, timeoutMs: resolved.timeoutMs };
  return check.kind === 'cloudwatch'
    ? createCloudWatchProbe(resolved.name, check.cloudwatch, opts)
    : createRdsProbe(resolved.name, check.rds, opts);
}
