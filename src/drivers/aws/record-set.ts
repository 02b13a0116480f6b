// Route 53 record sets as plain data, and the pure helpers runbook checks and messages use. Apart from
// route53.ts so that validating a runbook does not load the Route 53 SDK.

/** A record set as journal data: the fields ChangeResourceRecordSets takes back. */
export interface RecordSetData {
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  setIdentifier?: string;
  weight?: number;
  failover?: string;
  healthCheckId?: string;
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
}

/** Route 53 names end with a dot and are case-insensitive. */
export function fqdn(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** Same name, type and set identifier: the same record set (Route 53's identity of a record set). */
export function sameRecord(a: { name: string; type: string; setIdentifier?: string }, b: RecordSetData): boolean {
  return fqdn(a.name) === fqdn(b.name) && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');
}

/** Same record set with the same content: nothing would change by writing `b` over `a`. */
export function sameRecordSet(a: RecordSetData, b: RecordSetData): boolean {
  const norm = (d: RecordSetData): string =>
    JSON.stringify({ ...d, name: fqdn(d.name), values: d.values ? [...d.values].sort() : undefined });
  return norm(a) === norm(b);
}

/** What a record points at, for messages and verification: its values or its alias target. */
export function recordTarget(d: RecordSetData): string {
  return d.alias ? `alias ${fqdn(d.alias.dnsName)}` : (d.values ?? []).join(',');
}
