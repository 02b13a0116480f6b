// The aws target of a run: build the driver, pass the identity guard before anything else, discover the
// inventory the AWS faults plan against, and (for `gameday plan --preview`) let FIS resolve targets
// without injecting.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsClientOptions, AwsDriver } from '../drivers/aws/index.js';
import type { AwsIdentity, AwsTargetConfig, FisResolvedTarget } from '../drivers/aws/types.js';
import { describeError } from '../errors.js';
import { discoverAwsInventory, injectViaFis } from '../faults/aws/index.js';
import type { AwsFault, AwsInventory, FisOptions } from '../faults/aws/config.js';
import type { Scenario } from '../scenario/types.js';
import { systemClock } from '../util/clock.js';
import { Journal, pendingUndos, readJournal } from './journal.js';
import type { Plan } from './plan.js';
import { rollback } from './rollback.js';
import type { TargetIdentity } from './targets-identity.js';

export interface AwsConnection {
  driver: AwsDriver;
  config: AwsTargetConfig;
  /** The caller identity the guard accepted. */
  identity: AwsIdentity;
  /** The target lock key: one run per account and region at a time. */
  lockKey: string;
  /** For the journal: the account, region and endpoint the run acts on. */
  journalIdentity: Extract<TargetIdentity, { kind: 'aws' }>;
  /** Release the clients' sockets. */
  close(): void;
}

/**
 * Create the driver and verify the caller identity. Why before anything else: a scenario written for one
 * account must never act in another, so the guard runs before the first mutation of any target.
 */
export async function connectAws(
  config: AwsTargetConfig,
  opts: { signal: AbortSignal; log(message: string): void; clientOptions?: AwsClientOptions },
): Promise<AwsConnection> {
  // Why here: the AWS SDK (~150 MB of RSS with every client) is loaded only by runs with an aws target.
  const { createAwsDriver, guardIdentity } = await import('../drivers/aws/index.js');
  const driver = createAwsDriver(config, {
    // Every call shows that it waits: a slow or silent endpoint is visible long before its deadline.
    onWaiting: (w) => opts.log(`waiting for ${w.endpoint} (${w.call}) … ${Math.round(w.elapsedMs / 1000)}s`),
    ...opts.clientOptions,
  });
  try {
    const identity = await guardIdentity(driver, config, opts.signal);
    opts.log(`aws: account ${identity.account}, region ${identity.region}, caller ${identity.arn}`);
    const endpoint = config.endpoints?.sts ?? config.endpoint;
    // Why the endpoint in the key: two emulators with the same account and region are two systems.
    return {
      driver,
      config,
      identity,
      lockKey: `aws:${identity.account}:${identity.region}${endpoint === undefined ? '' : `@${endpoint}`}`,
      journalIdentity: {
        kind: 'aws',
        account: identity.account,
        region: identity.region,
        ...(endpoint === undefined ? {} : { endpoint }),
      },
      close: () => driver.destroy(),
    };
  } catch (error) {
    driver.destroy();
    throw error;
  }
}

/** The AWS fault configs of the scenario's steps on target aws. */
export function awsFaultsOf(scenario: Scenario): AwsFault[] {
  return scenario.steps.flatMap((s) =>
    s.kind === 'fault' && s.target === 'aws' && 'aws' in s.fault && s.fault.aws ? [s.fault.aws] : [],
  );
}

/** Read-only discovery for planning: identity (guarded again) and the databases the faults name. */
export function discoverAws(scenario: Scenario, conn: AwsConnection, signal: AbortSignal): Promise<AwsInventory> {
  return discoverAwsInventory(conn.driver, conn.config, awsFaultsOf(scenario), signal);
}

export interface FisPreview {
  step: string;
  /** The experiment FIS ran with actionsMode skip-all, or why there is none. */
  detail: string;
  resolvedTargets: FisResolvedTarget[];
  error?: string;
}

function fisOf(fault: AwsFault): FisOptions | undefined {
  return fault.type === 'db-failover' ? (fault.via === 'fis' ? fault.fis : undefined) : fault.fis;
}

/**
 * Let FIS resolve each FIS step's targets with actionsMode skip-all: nothing is injected. A template gameday
 * builds for this is journaled in a temporary journal and deleted again before returning.
 */
export async function previewFisTargets(
  plan: Plan,
  conn: AwsConnection,
  signal: AbortSignal,
  log: (message: string) => void = () => undefined,
): Promise<FisPreview[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-plan-preview-'));
  const journalPath = join(dir, 'journal.ndjson');
  const journal = new Journal(journalPath);
  const runId = `plan-${Date.now().toString(36)}`;
  const out: FisPreview[] = [];
  try {
    for (const step of plan.steps) {
      if (step.kind !== 'fault' || step.step.target !== 'aws' || !step.planned.aws) continue;
      const fault = step.planned.aws.fault;
      const fis = fisOf(fault);
      if (!fis) continue;
      try {
        const exec = await injectViaFis(fis, step.planned.aws, {
          step: step.name,
          runId,
          journal,
          clock: systemClock,
          signal,
          aws: conn.driver,
          preview: true,
          log,
        });
        out.push({ step: step.name, detail: exec.detail, resolvedTargets: exec.resolvedTargets });
      } catch (error) {
        out.push({ step: step.name, detail: 'preview failed', resolvedTargets: [], error: describeError(error) });
      }
    }
  } finally {
    const result = await rollback(journal, pendingUndos(readJournal(journalPath)), { timeoutMs: 60_000 });
    await journal.close();
    if (result.complete) rmSync(dir, { recursive: true, force: true });
    else log(`preview clean-up incomplete; run gameday rollback ${dir}`);
  }
  return out;
}
