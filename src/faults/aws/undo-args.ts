// Reading an AWS undo entry's journaled arguments: plain data (region, endpoint, ids), never credentials.

import type { AwsClientOptions, AwsDriver } from '../../drivers/aws/index.js';
import type { AwsLocation, AwsService } from '../../drivers/aws/types.js';
import { GamedayError } from '../../errors.js';

/** A required string argument of an undo entry. */
export function str(args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== 'string' || v === '')
    throw new GamedayError(`undo argument "${key}" is missing`, { kind: 'runtime', code: 'UNDO_ARGS' });
  return v;
}

function location(args: Record<string, unknown>): AwsLocation {
  const endpoint = args['endpoint'];
  return { region: str(args, 'region'), ...(typeof endpoint === 'string' ? { endpoint } : {}) };
}

/**
 * A driver for `service` at the journaled location. The SDK is loaded here, on the first AWS undo:
 * a rollback of a journal without AWS entries never loads it.
 */
export async function driverAt(
  clientOptions: AwsClientOptions,
  service: AwsService,
  args: Record<string, unknown>,
): Promise<AwsDriver> {
  const { driverForLocation } = await import('../../drivers/aws/index.js');
  return driverForLocation(service, location(args), clientOptions);
}
