// az-outage on AWS, in the shape of FIS's "AZ Availability: Power Interruption" scenario for one zone:
// stop the zone's instances, cut its subnets off, fail over databases whose writer is in it. Each part optional.

import type { RdsDatabase } from '../../drivers/aws/types.js';
import { GamedayError } from '../../errors.js';
import { formatDuration } from '../../util/duration.js';
import { injectViaFis } from './inject-fis.js';
import { isoDuration, roleArnFor } from './template.js';
import type { AwsAzOutageFault, AwsFaultModule, AwsInventory, FisExperimentSpec, PlannedAwsFault } from './types.js';

function named(db: RdsDatabase, names: readonly string[] | undefined): boolean {
  return (names ?? []).some((n) => n === db.id || n === db.arn);
}

/** Databases the fault names whose writer is in the zone, and a note for each one that is not. */
export function databasesInZone(
  fault: AwsAzOutageFault,
  inventory: AwsInventory,
): { clusters: RdsDatabase[]; instances: RdsDatabase[]; notes: string[] } {
  const notes: string[] = [];
  const clusters: RdsDatabase[] = [];
  const instances: RdsDatabase[] = [];
  const spec = fault.failoverDatabases;
  if (!spec) return { clusters, instances, notes };
  for (const [kind, names, into] of [
    ['cluster', spec.clusters, clusters],
    ['instance', spec.instances, instances],
  ] as const) {
    for (const name of names ?? []) {
      const db = inventory.databases.find((d) => d.kind === kind && named(d, [name]));
      if (!db) {
        throw new GamedayError(`az-outage: RDS ${kind} ${name} was not found in ${inventory.region}`, {
          kind: 'invalid-input',
          code: 'AWS_DB_NOT_FOUND',
          hint: `check the ${kind} identifier under failoverDatabases`,
        });
      }
      if (db.writerZone !== fault.zone)
        notes.push(
          `RDS ${kind} ${db.id}: writer is in ${db.writerZone ?? 'an unknown zone'}, not ${fault.zone}; not failed over`,
        );
      else if (kind === 'instance' && !db.multiAz)
        notes.push(`RDS instance ${db.id} is not Multi-AZ; it cannot fail over`);
      else into.push(db);
    }
  }
  return { clusters, instances, notes };
}

/** Pure: the experiment for one zone. Throws when no part is left to run. */
export function azOutageExperiment(fault: AwsAzOutageFault, inventory: AwsInventory): FisExperimentSpec {
  const spec: FisExperimentSpec = {
    description: `gameday AZ power interruption of ${fault.zone}`,
    targets: {},
    actions: {},
  };
  if (fault.stopInstances) {
    spec.targets['InstancesInZone'] = {
      resourceType: 'aws:ec2:instance',
      ...(fault.stopInstances.tags ? { tags: fault.stopInstances.tags } : {}),
      filters: [
        { path: 'Placement.AvailabilityZone', values: [fault.zone] },
        { path: 'State.Name', values: ['running'] },
      ],
      selection: fault.stopInstances.selection,
    };
    spec.actions['StopInstances'] = {
      actionId: 'aws:ec2:stop-instances',
      description: `stop instances in ${fault.zone}`,
      ...(fault.stopInstances.restartAfterDuration
        ? { parameters: { startInstancesAfterDuration: isoDuration(fault.durationMs) } }
        : {}),
      targets: { Instances: 'InstancesInZone' },
    };
  }
  if (fault.disruptNetwork) {
    spec.targets['SubnetsInZone'] = {
      resourceType: 'aws:ec2:subnet',
      ...(fault.disruptNetwork.subnetTags ? { tags: fault.disruptNetwork.subnetTags } : {}),
      filters: [{ path: 'AvailabilityZone', values: [fault.zone] }],
      selection: { mode: 'all' },
    };
    spec.actions['DisruptNetwork'] = {
      actionId: 'aws:network:disrupt-connectivity',
      description: `disrupt connectivity of subnets in ${fault.zone}`,
      parameters: { scope: fault.disruptNetwork.scope },
      durationMs: fault.durationMs,
      targets: { Subnets: 'SubnetsInZone' },
    };
  }
  const dbs = fault.failoverDatabases;
  if (dbs) {
    const { clusters, instances } = databasesInZone(fault, inventory);
    if (clusters.length || dbs.clusterTags) {
      spec.targets['ClustersWithWriterInZone'] = {
        resourceType: 'aws:rds:cluster',
        ...(clusters.length
          ? { arns: clusters.map((c) => c.arn) }
          : { tags: dbs.clusterTags ?? {}, parameters: { writerAvailabilityZoneIdentifiers: fault.zone } }),
        selection: { mode: 'all' },
      };
      spec.actions['FailoverClusters'] = {
        actionId: 'aws:rds:failover-db-cluster',
        description: `fail over clusters whose writer is in ${fault.zone}`,
        targets: { Clusters: 'ClustersWithWriterInZone' },
      };
    }
    if (instances.length || dbs.instanceTags) {
      spec.targets['InstancesWithWriterInZone'] = {
        resourceType: 'aws:rds:db',
        ...(instances.length
          ? { arns: instances.map((i) => i.arn) }
          : { tags: dbs.instanceTags ?? {}, parameters: { availabilityZoneIdentifiers: fault.zone } }),
        selection: { mode: 'all' },
      };
      spec.actions['FailoverInstances'] = {
        actionId: 'aws:rds:reboot-db-instances',
        description: `reboot with failover the Multi-AZ instances whose primary is in ${fault.zone}`,
        parameters: { forceFailover: 'true' },
        targets: { DBInstances: 'InstancesWithWriterInZone' },
      };
    }
  }
  if (Object.keys(spec.actions).length === 0) {
    throw new GamedayError(`az-outage of ${fault.zone} has nothing to do`, {
      kind: 'invalid-input',
      code: 'AZ_OUTAGE_EMPTY',
      hint: 'enable stopInstances or disruptNetwork, or name databases whose writer is in the zone',
    });
  }
  return spec;
}

export const awsAzOutage: AwsFaultModule<AwsAzOutageFault> = {
  type: 'az-outage',

  plan(fault, inventory): PlannedAwsFault<AwsAzOutageFault> {
    if (fault.fis.templateId) {
      return {
        fault,
        target: 'aws',
        description: `FIS template ${fault.fis.templateId}`,
        affected: [fault.zone],
        unavailable: 0,
        fleet: 0,
      };
    }
    const experiment = azOutageExperiment(fault, inventory);
    const { clusters, instances, notes } = databasesInZone(fault, inventory);
    const parts = Object.values(experiment.actions).map((a) => a.actionId);
    return {
      fault,
      target: 'aws',
      description: `AZ power interruption of ${fault.zone} for ${formatDuration(fault.durationMs)}: ${parts.join(', ')}`,
      affected: [fault.zone, ...clusters.map((c) => `cluster ${c.id}`), ...instances.map((i) => `instance ${i.id}`)],
      unavailable: 0,
      fleet: 0,
      experiment,
      roleArn: roleArnFor(fault.fis, inventory.fisRoleArn),
      notes,
    };
  },

  async inject(fault, planned, runtime) {
    const exec = await injectViaFis(fault.fis, planned, runtime);
    return { ...exec, findings: [...exec.findings, ...(planned.notes ?? [])] };
  },
};
