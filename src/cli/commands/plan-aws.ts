// The AWS part of `gameday plan`: connect (identity guard), discover read-only, and with --preview let FIS
// resolve the targets of each FIS step with actionsMode skip-all.

import type { AwsInventory } from '../../faults/aws/config.js';
import type { Plan } from '../../runner/plan.js';
import { connectAws, discoverAws, previewFisTargets, type AwsConnection } from '../../runner/targets-aws.js';
import type { Scenario } from '../../scenario/types.js';

export interface AwsPlanTarget {
  conn: AwsConnection;
  inventory: AwsInventory;
}

/** Connect and discover when the scenario has an aws target; undefined otherwise. */
export async function awsPlanTarget(scenario: Scenario, signal: AbortSignal): Promise<AwsPlanTarget | undefined> {
  const config = scenario.targets.aws;
  if (!config) return undefined;
  const conn = await connectAws(config, { signal, log: () => undefined });
  try {
    return { conn, inventory: await discoverAws(scenario, conn, signal) };
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** Lines describing what FIS resolved each FIS step's targets to (nothing injected). */
export async function previewLines(plan: Plan, target: AwsPlanTarget, signal: AbortSignal): Promise<string[]> {
  const previews = await previewFisTargets(plan, target.conn, signal);
  if (previews.length === 0) return ['preview: no step runs through FIS'];
  const lines = ['preview (FIS actionsMode skip-all, nothing injected):'];
  for (const p of previews) {
    if (p.error) {
      lines.push(`  ${p.step}: ${p.error}`);
      continue;
    }
    lines.push(`  ${p.step}: ${p.resolvedTargets.length} resolved target(s)`);
    for (const t of p.resolvedTargets) {
      lines.push(`    ${t.targetName} (${t.resourceType}): ${t.info['arn'] ?? t.info['id'] ?? JSON.stringify(t.info)}`);
    }
  }
  return lines;
}
