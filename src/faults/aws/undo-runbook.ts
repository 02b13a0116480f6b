// Undo handlers for the AWS runbook actions (src/runbook/aws-actions.ts): Route 53 record back to its
// captured value; an RDS promotion reported as irreversible. Journal data only: region, endpoint, ids.

import type { AwsClientOptions } from '../../drivers/aws/index.js';
import type { RecordSetData } from '../../drivers/aws/record-set.js';
import { driverAt, str } from './undo-args.js';

type Handler = (args: Record<string, unknown>, ctx: { signal: AbortSignal; applied?: boolean }) => Promise<string>;

/** The handlers, given the client options undo.ts was configured with. */
export function runbookUndoHandlers(clientOptions: () => AwsClientOptions): Record<string, Handler> {
  return {
    async 'aws:route53-restore-record'(args, ctx) {
      const driver = await driverAt(clientOptions(), 'route53', args);
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
      const driver = await driverAt(clientOptions(), 'rds', args);
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
