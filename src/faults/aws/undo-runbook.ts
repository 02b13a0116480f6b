// Undo handlers for the AWS runbook actions (src/runbook/aws-actions.ts): Route 53 record back to its
// captured value; an RDS promotion reported as irreversible. Journal data only: region, endpoint, ids.

import { driverForLocation, type AwsClientOptions } from '../../drivers/aws/index.js';
import { checkPromotionUndone } from '../../drivers/aws/rds-promote.js';
import { Route53Driver, type RecordSetData } from '../../drivers/aws/route53.js';
import type { AwsLocation } from '../../drivers/aws/types.js';
import { GamedayError } from '../../errors.js';

type Handler = (args: Record<string, unknown>, ctx: { signal: AbortSignal }) => Promise<string>;

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
  return {
    async 'aws:route53-restore-record'(args, ctx) {
      const driver = driverForLocation('route53', location(args), clientOptions());
      try {
        const setIdentifier = args['setIdentifier'];
        const key = {
          name: str(args, 'name'),
          type: str(args, 'type'),
          ...(typeof setIdentifier === 'string' ? { setIdentifier } : {}),
        };
        const previous = (args['previous'] ?? null) as RecordSetData | null;
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
      const driver = driverForLocation('rds', location(args), clientOptions());
      try {
        const source = typeof args['source'] === 'string' ? args['source'] : null;
        return await checkPromotionUndone(driver.clients.rds, str(args, 'dbInstanceIdentifier'), source, ctx.signal);
      } finally {
        driver.destroy();
      }
    },
  };
}
