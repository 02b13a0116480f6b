// Amazon Route 53 for runbooks: read one record set, UPSERT or DELETE it, wait for the change to be
// INSYNC. Record sets travel as plain JSON (they are journaled for `gameday rollback`).

import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { fqdn, recordTarget, sameRecord, sameRecordSet, type RecordSetData } from './record-set.js';

const opt = (signal?: AbortSignal): { abortSignal?: AbortSignal } => (signal ? { abortSignal: signal } : {});

export function recordData(r: ResourceRecordSet): RecordSetData {
  const d: RecordSetData = { name: r.Name ?? '', type: String(r.Type ?? '') };
  if (r.TTL !== undefined) d.ttl = r.TTL;
  if (r.ResourceRecords !== undefined) d.values = r.ResourceRecords.map((v) => v.Value ?? '');
  if (r.SetIdentifier !== undefined) d.setIdentifier = r.SetIdentifier;
  if (r.Weight !== undefined) d.weight = r.Weight;
  if (r.Failover !== undefined) d.failover = r.Failover;
  if (r.HealthCheckId !== undefined) d.healthCheckId = r.HealthCheckId;
  if (r.AliasTarget) {
    d.alias = {
      hostedZoneId: r.AliasTarget.HostedZoneId ?? '',
      dnsName: r.AliasTarget.DNSName ?? '',
      evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth === true,
    };
  }
  return d;
}

export function recordSet(d: RecordSetData): ResourceRecordSet {
  return {
    Name: d.name,
    Type: d.type as ResourceRecordSet['Type'],
    ...(d.ttl === undefined || d.alias ? {} : { TTL: d.ttl }),
    ...(d.values === undefined || d.alias ? {} : { ResourceRecords: d.values.map((Value) => ({ Value })) }),
    ...(d.setIdentifier === undefined ? {} : { SetIdentifier: d.setIdentifier }),
    ...(d.weight === undefined ? {} : { Weight: d.weight }),
    ...(d.failover === undefined ? {} : { Failover: d.failover as ResourceRecordSet['Failover'] }),
    ...(d.healthCheckId === undefined ? {} : { HealthCheckId: d.healthCheckId }),
    ...(d.alias
      ? {
          AliasTarget: {
            HostedZoneId: d.alias.hostedZoneId,
            DNSName: d.alias.dnsName,
            EvaluateTargetHealth: d.alias.evaluateTargetHealth,
          },
        }
      : {}),
  };
}

export class Route53Driver {
  readonly client: Route53Client;

  constructor(client: Route53Client) {
    this.client = client;
  }

  /** The record set `name`/`type`(/`setIdentifier`) in the zone, or null when there is none. */
  async findRecord(
    hostedZoneId: string,
    key: { name: string; type: string; setIdentifier?: string },
    signal?: AbortSignal,
  ): Promise<RecordSetData | null> {
    let start: { name?: string; type?: string; id?: string } = { name: fqdn(key.name), type: key.type };
    // Records are listed in order from the start name; a handful of pages covers every set identifier.
    for (let page = 0; page < 20; page++) {
      const res = await this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          ...(start.name === undefined ? {} : { StartRecordName: start.name }),
          ...(start.type === undefined ? {} : { StartRecordType: start.type as ResourceRecordSet['Type'] }),
          ...(start.id === undefined ? {} : { StartRecordIdentifier: start.id }),
          MaxItems: 100,
        }),
        opt(signal),
      );
      const sets = (res.ResourceRecordSets ?? []).map(recordData);
      const found = sets.find((s) => sameRecord(key, s));
      if (found) return found;
      // Past our name (listing is sorted): it does not exist.
      if (sets.some((s) => fqdn(s.name) !== fqdn(key.name)) || res.IsTruncated !== true) return null;
      start = {
        ...(res.NextRecordName === undefined ? {} : { name: res.NextRecordName }),
        ...(res.NextRecordType === undefined ? {} : { type: res.NextRecordType }),
        ...(res.NextRecordIdentifier === undefined ? {} : { id: res.NextRecordIdentifier }),
      };
    }
    return null;
  }

  /** UPSERT or DELETE one record set; returns the change id. */
  async change(
    hostedZoneId: string,
    action: 'UPSERT' | 'DELETE',
    record: RecordSetData,
    comment: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const res = await this.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: { Comment: comment, Changes: [{ Action: action, ResourceRecordSet: recordSet(record) }] },
      }),
      opt(signal),
    );
    return res.ChangeInfo?.Id ?? '';
  }

  /** PENDING or INSYNC. */
  async changeStatus(changeId: string, signal?: AbortSignal): Promise<string> {
    const res = await this.client.send(new GetChangeCommand({ Id: changeId }), opt(signal));
    return String(res.ChangeInfo?.Status ?? 'UNKNOWN');
  }

  /**
   * Put the record set back to `previous`: UPSERT it, or, when there was none before, DELETE whatever
   * record set now has that identity. Idempotent.
   */
  async restore(
    hostedZoneId: string,
    key: { name: string; type: string; setIdentifier?: string },
    previous: RecordSetData | null,
    signal?: AbortSignal,
  ): Promise<string> {
    if (previous) {
      // Why look first: a change that was refused or never made leaves nothing to restore, and writing
      // the record back anyway needs a permission (and a change) a rollback should not need.
      const now = await this.findRecord(hostedZoneId, key, signal);
      if (now && sameRecordSet(now, previous))
        return `${fqdn(previous.name)} ${previous.type} still points at ${recordTarget(previous)}: nothing to restore`;
      const id = await this.change(hostedZoneId, 'UPSERT', previous, 'gameday rollback', signal);
      return `${fqdn(previous.name)} ${previous.type} back to ${recordTarget(previous)} (${id})`;
    }
    const current = await this.findRecord(hostedZoneId, key, signal);
    if (!current) return `${fqdn(key.name)} ${key.type} did not exist before and does not now`;
    const id = await this.change(hostedZoneId, 'DELETE', current, 'gameday rollback', signal);
    return `${fqdn(key.name)} ${key.type} deleted (it did not exist before) (${id})`;
  }
}
