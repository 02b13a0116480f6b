// Amazon RDS: describe databases (writer zone, status), force failovers, read events.

import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  RebootDBInstanceCommand,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { RdsDatabase, RdsEvent } from './types.js';

function tagsOf(list: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return tags;
}

function instanceView(i: DBInstance): RdsDatabase {
  return {
    kind: 'instance',
    id: i.DBInstanceIdentifier ?? '',
    arn: i.DBInstanceArn ?? '',
    status: i.DBInstanceStatus ?? 'unknown',
    ...(i.Engine === undefined ? {} : { engine: i.Engine }),
    multiAz: i.MultiAZ === true,
    ...(i.AvailabilityZone === undefined ? {} : { writerZone: i.AvailabilityZone }),
    ...(i.SecondaryAvailabilityZone === undefined ? {} : { secondaryZone: i.SecondaryAvailabilityZone }),
    tags: tagsOf(i.TagList),
  };
}

function clusterView(c: DBCluster, zones: Map<string, string | undefined>): RdsDatabase {
  const members = (c.DBClusterMembers ?? []).map((m) => {
    const zone = zones.get(m.DBInstanceIdentifier ?? '');
    return { id: m.DBInstanceIdentifier ?? '', writer: m.IsClusterWriter === true, ...(zone ? { zone } : {}) };
  });
  const writer = members.find((m) => m.writer);
  return {
    kind: 'cluster',
    id: c.DBClusterIdentifier ?? '',
    arn: c.DBClusterArn ?? '',
    status: c.Status ?? 'unknown',
    ...(c.Engine === undefined ? {} : { engine: c.Engine }),
    multiAz: c.MultiAZ === true || members.length > 1,
    ...(writer ? { writer: writer.id } : {}),
    ...(writer?.zone ? { writerZone: writer.zone } : {}),
    members,
    tags: tagsOf(c.TagList),
  };
}

export class RdsDriver {
  readonly client: RDSClient;

  constructor(client: RDSClient) {
    this.client = client;
  }

  async describeInstance(id: string, signal?: AbortSignal): Promise<RdsDatabase> {
    const out = await this.client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), {
      abortSignal: signal,
    });
    const i = out.DBInstances?.[0];
    if (!i) throw new Error(`RDS instance ${id} not found`);
    return instanceView(i);
  }

  /** A cluster with its members' zones (so the writer's zone is known). */
  async describeCluster(id: string, signal?: AbortSignal): Promise<RdsDatabase> {
    const out = await this.client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }), {
      abortSignal: signal,
    });
    const c = out.DBClusters?.[0];
    if (!c) throw new Error(`RDS cluster ${id} not found`);
    const zones = new Map<string, string | undefined>();
    for (const m of c.DBClusterMembers ?? []) {
      if (!m.DBInstanceIdentifier) continue;
      zones.set(m.DBInstanceIdentifier, (await this.describeInstance(m.DBInstanceIdentifier, signal)).writerZone);
    }
    return clusterView(c, zones);
  }

  /** FailoverDBCluster (optionally to a given reader). */
  async failoverCluster(id: string, targetInstance?: string, signal?: AbortSignal): Promise<RdsDatabase> {
    const out = await this.client.send(
      new FailoverDBClusterCommand({
        DBClusterIdentifier: id,
        ...(targetInstance === undefined ? {} : { TargetDBInstanceIdentifier: targetInstance }),
      }),
      { abortSignal: signal },
    );
    return out.DBCluster
      ? clusterView(out.DBCluster, new Map())
      : { kind: 'cluster', id, arn: '', status: 'unknown', multiAz: true, tags: {} };
  }

  /** RebootDBInstance with ForceFailover: a Multi-AZ instance fails over to its standby. */
  async rebootWithFailover(id: string, signal?: AbortSignal): Promise<RdsDatabase> {
    const out = await this.client.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: id, ForceFailover: true }), {
      abortSignal: signal,
    });
    return out.DBInstance
      ? instanceView(out.DBInstance)
      : { kind: 'instance', id, arn: '', status: 'unknown', multiAz: true, tags: {} };
  }

  /** DescribeEvents for one source since `start` (RDS keeps events for 14 days). */
  async events(
    source: { id: string; type: 'db-instance' | 'db-cluster' },
    start: Date,
    signal?: AbortSignal,
  ): Promise<RdsEvent[]> {
    const events: RdsEvent[] = [];
    let marker: string | undefined;
    do {
      const out = await this.client.send(
        new DescribeEventsCommand({
          SourceIdentifier: source.id,
          SourceType: source.type,
          StartTime: start,
          MaxRecords: 100,
          Marker: marker,
        }),
        { abortSignal: signal },
      );
      for (const e of out.Events ?? []) {
        events.push({
          sourceId: e.SourceIdentifier ?? source.id,
          sourceType: e.SourceType ?? source.type,
          message: e.Message ?? '',
          categories: e.EventCategories ?? [],
          date: e.Date ? new Date(e.Date) : new Date(0),
          ...(e.SourceArn === undefined ? {} : { sourceArn: e.SourceArn }),
        });
      }
      marker = out.Marker;
    } while (marker);
    return events;
  }
}
