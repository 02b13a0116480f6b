// Discover what AWS faults plan against: the caller identity (guarded) and the databases the faults name.

import type { AwsDriver } from '../../drivers/aws/index.js';
import type { AwsTargetConfig, RdsDatabase } from '../../drivers/aws/types.js';
import { GamedayError } from '../../errors.js';
import type { AwsFault, AwsInventory } from './types.js';

/** Identifiers of the RDS clusters and instances `faults` refer to. */
export function namedDatabases(faults: readonly AwsFault[]): { clusters: string[]; instances: string[] } {
  const clusters = new Set<string>();
  const instances = new Set<string>();
  for (const f of faults) {
    if (f.type === 'db-failover') {
      if (f.cluster) clusters.add(f.cluster);
      if (f.instance) instances.add(f.instance);
    } else if (f.type === 'az-outage' && f.failoverDatabases) {
      for (const c of f.failoverDatabases.clusters ?? []) clusters.add(c);
      for (const i of f.failoverDatabases.instances ?? []) instances.add(i);
    }
  }
  return { clusters: [...clusters], instances: [...instances] };
}

/** Describe one database; "not found" is the scenario's mistake (invalid input), not gameday's. */
async function describe(kind: string, id: string, call: () => Promise<RdsDatabase>): Promise<RdsDatabase> {
  try {
    return await call();
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (!/NotFound/.test(name)) throw error;
    throw new GamedayError(`RDS ${kind} ${id} was not found`, {
      kind: 'invalid-input',
      code: 'AWS_DB_NOT_FOUND',
      hint: `check the ${kind} identifier in the scenario, targets.aws.region and the account`,
      phase: 'plan',
      target: `rds ${kind} ${id}`,
      cause: error,
    });
  }
}

/** Read-only: verify the identity first (refusing a wrong account or region), then describe the named databases. */
export async function discoverAwsInventory(
  driver: AwsDriver,
  target: AwsTargetConfig,
  faults: readonly AwsFault[],
  signal?: AbortSignal,
): Promise<AwsInventory> {
  // The driver module is loaded by whoever built `driver`; importing it here costs nothing more.
  const { guardIdentity } = await import('../../drivers/aws/index.js');
  const identity = await guardIdentity(driver, target, signal);
  const { clusters, instances } = namedDatabases(faults);
  const databases: RdsDatabase[] = [];
  for (const id of clusters)
    databases.push(await describe('cluster', id, () => driver.rds.describeCluster(id, signal)));
  for (const id of instances)
    databases.push(await describe('instance', id, () => driver.rds.describeInstance(id, signal)));
  return {
    region: target.region,
    identity,
    ...(target.fisRoleArn ? { fisRoleArn: target.fisRoleArn } : {}),
    databases,
  };
}

/** One line for `gameday plan` and the run log: where gameday acts in AWS and what it found there. */
export function describeAwsTarget(
  target: Pick<AwsTargetConfig, 'region' | 'accounts' | 'endpoint'>,
  inventory: AwsInventory | undefined,
): string {
  const where = `aws (region ${target.region}${target.endpoint ? `, endpoint ${target.endpoint}` : ''})`;
  if (!inventory?.identity) return `${where}: accounts ${target.accounts.join(', ')}`;
  const dbs = inventory.databases.map(
    (d) => `${d.kind} ${d.id} ${d.status}${d.writerZone ? ` (writer in ${d.writerZone})` : ''}`,
  );
  return `${where}: account ${inventory.identity.account} as ${inventory.identity.arn}${dbs.length ? `; ${dbs.join(', ')}` : ''}`;
}
