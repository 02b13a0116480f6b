// Which system a run acted on, recorded in its journal when it connected, and checked again by
// `gameday rollback` before any undo: credentials that reach another system are refused (exit 2),
// so an undo never uncordons, deletes or creates anything in a cluster or account the run never touched.

/** One target's identity as journaled. Plain data, never a secret. */
export type TargetIdentity =
  | {
      kind: 'sandbox';
      controlUrl: string;
      /** The sandbox's state directory (its instance), when known. */
      stateDir?: string;
    }
  | {
      kind: 'kubernetes';
      server: string;
      /** SHA-256 fingerprint of the CA the server's certificate chains to (see drivers/kubernetes/identity.ts). */
      caSha256: string | null;
      caSource: 'kubeconfig' | 'server-certificate' | 'none';
      /** The kubeconfig file(s) and context the run used; rollback uses them first while they exist. */
      kubeconfig?: string;
      context?: string;
      inCluster?: boolean;
    }
  | {
      kind: 'aws';
      account: string;
      region: string;
      /** The endpoint override (an emulator), when there was one. */
      endpoint?: string;
    };

/** One line for a person. */
export function describeIdentity(id: TargetIdentity): string {
  switch (id.kind) {
    case 'sandbox':
      return `sandbox ${id.controlUrl}${id.stateDir ? ` (state dir ${id.stateDir})` : ''}`;
    case 'kubernetes':
      return `Kubernetes API server ${id.server} (CA sha256 ${id.caSha256 ?? 'none: plain http'})`;
    case 'aws':
      return `AWS account ${id.account} in ${id.region}${id.endpoint ? ` at ${id.endpoint}` : ''}`;
  }
}

/**
 * Pure: how `found` differs from `expected`, as "what: expected … found …" parts; empty when it is the same
 * system. Fields one side does not know (an older journal, a sandbox without a state dir) are not compared.
 */
export function identityDifferences(expected: TargetIdentity, found: TargetIdentity): string[] {
  const out: string[] = [];
  const cmp = (what: string, a: string | null | undefined, b: string | null | undefined): void => {
    if (a === undefined || b === undefined || a === b) return;
    out.push(`${what} ${a ?? 'none'} expected, ${b ?? 'none'} found`);
  };
  if (expected.kind !== found.kind) return [`a ${expected.kind} target expected, ${found.kind} found`];
  if (expected.kind === 'sandbox' && found.kind === 'sandbox') {
    cmp('control URL', expected.controlUrl, found.controlUrl);
    cmp('state dir', expected.stateDir, found.stateDir);
  } else if (expected.kind === 'kubernetes' && found.kind === 'kubernetes') {
    cmp('API server', expected.server, found.server);
    cmp('CA sha256', expected.caSha256, found.caSha256);
  } else if (expected.kind === 'aws' && found.kind === 'aws') {
    cmp('account', expected.account, found.account);
    cmp('region', expected.region, found.region);
    cmp('endpoint', expected.endpoint ?? '(AWS)', found.endpoint ?? '(AWS)');
  }
  return out;
}
