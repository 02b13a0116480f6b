// Discover what AWS faults plan against: the caller identity (guarded) and the databases the faults name.

import { guardIdentity, type AwsDriver } from '../../drivers/aws/index.js';
import type { AwsTargetConfig, RdsDatabase } from '../../drivers/aws/types.js';
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

/** Read-only: verify the identity first (refusing a wrong account or region), then describe the named databases. */
export async function discoverAwsInventory(
  driver: AwsDriver,
  target: AwsTargetConfig,
  faults: readonly AwsFault[],
  signal?: AbortSignal,
): Promise<AwsInventory> {
  const identity = await guardIdentity(driver, target, signal);
  const { clusters, instances } = namedDatabases(faults);
  const databases: RdsDatabase[] = [];
  for (const id of clusters) databases.push(await driver.rds.describeCluster(id, signal));
  for (const id of instances) databases.push(await driver.rds.describeInstance(id, signal));
  return {
    region: target.region,
    identity,
    ...(target.fisRoleArn ? { fisRoleArn: target.fisRoleArn } : {}),
    databases,
  };
}
