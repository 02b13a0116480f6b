// Undo handlers for the AWS runbook actions (src/runbook/aws-actions.ts): Route 53 record back to its
// captured value; an RDS promotion reported as irreversible. Journal data only: region, endpoint, ids.

import type { AwsClientOptions, AwsDriver } from '../../drivers/aws/index.js';
import type { RecordSetData } from '../../drivers/aws/record-set.js';
import type { AwsLocation, AwsService } from '../../drivers/aws/types.js';
import { GamedayError } from '../../errors.js';

type Handler = (args: Record<string, unknown>, ctx: { signal: AbortSignal; applied?: boolean }) => Promise<string>;

function str(args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== 'string' || v === '')
    throw new GamedayError(`undo argument "${key}" is missing`, { kind: 'runtime', code: 'UNDO_ARGS' });
  return v;
}

function location(args: Record<string, unknown>): AwsLocation {
  const endpoint = args['endpoint'];
  return { region: str(args, 'region'), ...(typeof endpoint === 'string' ? { endpoint } : {}) };
}

/** The handlers, given the client options undo.ts was configured with. */
export function runbookUndoHandlers(clientOptions: () => AwsClientOptions): Record<string, Handler> {
  // The SDK is loaded on the first AWS undo, never by a rollback without AWS entries.
  const driverAt = async (service: AwsService, args: Record<string, unknown>): Promise<AwsDriver> => {
    const { driverForLocation } = await import('../../drivers/aws/index.js');
    return driverForLocation(service, location(args), clientOptions());
  };
  return {
    async 'aws:route53-restore-record'(args, ctx) {
      const driver = await driverAt('route53', args);
      try {
        const setIdentifier = args['setIdentifier'];
        const key = {
          name: str(args, 'name'),
          type: str(args, 'type'),
          ...(typeof setIdentifier === 'string' ? { setIdentifier } : {}),
        };
        const previous = (args['previous'] ?? null) as RecordSetData | null;
        const { Route53Driver } = await import('../../drivers/aws/route53.js');
        return await new Route53Driver(driver.clients.route53).restore(
          str(args, 'hostedZoneId'),
          key,
          previous,
          ctx.signal,
        );
      } finally {
        driver.destroy();
      }
    },
    async 'aws:rds-promotion-irreversible'(args, ctx) {
      const driver = await driverAt('rds', args);
      try {
        const source = typeof args['source'] === 'string' ? args['source'] : null;
        const { checkPromotionUndone } = await import('../../drivers/aws/rds-promote.js');
        // Why `applied`: once PromoteReadReplica was accepted, a replica RDS still reports is one being promoted.
        const id = str(args, 'dbInstanceIdentifier');
        return await checkPromotionUndone(driver.clients.rds, id, source, ctx.signal, ctx.applied === true);
      } finally {
        driver.destroy();
      }
    },
  };
}
