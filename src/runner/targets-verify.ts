// Before `gameday rollback` undoes anything: re-derive each journaled target's identity from the
// credentials rollback was given, and refuse (exit 2, nothing changed) when they reach another system.

import type { AwsClientOptions } from '../drivers/aws/index.js';
import { GamedayError, describeError } from '../errors.js';
import type { JournalEntry } from './journal.js';
import { journalTargets } from './journal.js';
import { describeIdentity, identityDifferences, type TargetIdentity } from './targets-identity.js';

export interface VerifyTargetsOptions {
  signal: AbortSignal;
  /** Options for the AWS clients (the same the undos use). */
  awsClientOptions?: AwsClientOptions;
  log?(message: string): void;
}

/** The identity the given credentials reach now, or undefined when the target does not answer (its undos say more). */
async function currentIdentity(
  expected: TargetIdentity,
  opts: VerifyTargetsOptions,
): Promise<TargetIdentity | undefined> {
  switch (expected.kind) {
    case 'sandbox': {
      const { SandboxClient } = await import('../drivers/sandbox/index.js');
      try {
        const status = await new SandboxClient(expected.controlUrl).status(
          AbortSignal.any([opts.signal, AbortSignal.timeout(5000)]),
        );
        return {
          kind: 'sandbox',
          controlUrl: expected.controlUrl,
          ...(status.stateDir === undefined ? {} : { stateDir: status.stateDir }),
        };
      } catch (error) {
        opts.log?.(
          `sandbox ${expected.controlUrl} does not answer (${describeError(error)}); its undos say what is left`,
        );
        return undefined;
      }
    }
    case 'kubernetes': {
      // Opening the cluster checks server and CA itself (reconnectCluster refuses another one).
      const { reconnectCluster } = await import('../faults/kubernetes/connect.js');
      const cluster = await reconnectCluster(
        {
          inCluster: expected.inCluster === true,
          ...(expected.kubeconfig === undefined ? {} : { kubeconfig: expected.kubeconfig }),
          ...(expected.context === undefined ? {} : { context: expected.context }),
          identity: { server: expected.server, caSha256: expected.caSha256 },
        },
        opts.signal,
      );
      await cluster.close();
      return expected;
    }
    case 'aws': {
      const { callerIdentity, createAwsDriver } = await import('../drivers/aws/index.js');
      const driver = createAwsDriver(
        { region: expected.region, ...(expected.endpoint === undefined ? {} : { endpoint: expected.endpoint }) },
        opts.awsClientOptions ?? {},
      );
      try {
        const found = await callerIdentity(driver.clients.sts, opts.signal);
        return {
          kind: 'aws',
          account: found.account,
          region: expected.region,
          ...(expected.endpoint === undefined ? {} : { endpoint: expected.endpoint }),
        };
      } finally {
        driver.destroy();
      }
    }
  }
}

/**
 * Check every target the journal recorded. Throws GamedayError (invalid-input, TARGET_IDENTITY) naming
 * the identity expected and the one found. Journals older than identities have none: nothing to check.
 */
export async function verifyJournalTargets(
  entries: readonly JournalEntry[],
  opts: VerifyTargetsOptions,
): Promise<string[]> {
  const checked: string[] = [];
  for (const { identity } of journalTargets(entries)) {
    const found = await currentIdentity(identity, opts);
    if (!found) continue;
    const diff = identityDifferences(identity, found);
    if (diff.length > 0) {
      throw new GamedayError(
        `refusing to roll back: the run acted on ${describeIdentity(identity)}, but the credentials given reach ${describeIdentity(found)} (${diff.join('; ')}); nothing was changed`,
        {
          kind: 'invalid-input',
          code: 'TARGET_IDENTITY',
          phase: 'rollback',
          hint:
            identity.kind === 'aws'
              ? `use credentials for account ${identity.account} in ${identity.region}`
              : `point gameday rollback at ${describeIdentity(identity)}`,
        },
      );
    }
    checked.push(describeIdentity(identity));
  }
  return checked;
}
