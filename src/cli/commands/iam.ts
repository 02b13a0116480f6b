// gameday iam <scenario>: the least-privilege IAM policies an AWS scenario needs, as JSON. Reads nothing
// from AWS.

import { GamedayError } from '../../errors.js';
import type { AwsTargetConfig } from '../../drivers/aws/types.js';
import { iamPolicies, type IamScenarioConfig } from '../../iam/index.js';
import { awsFaultsOf } from '../../runner/targets-aws.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { loadWithPlaceholders, showPlaceholders } from '../placeholders.js';
import type { Scenario } from '../../scenario/types.js';

export const iamHelp = `Usage: gameday iam <file>

Print, as one JSON document, the IAM policies an AWS scenario needs:
  harnessPolicy       for the principal that runs gameday (identity guard, FIS templates and experiments
                      tagged by gameday, RDS, CloudWatch, the region-failover runbook's Route 53 and RDS
                      calls, the drill's S3 or RDS source), scoped to the resources the scenario names
  fisRolePolicy       for the FIS experiment role: what FIS does for the actions of the templates gameday
                      builds, scoped to the scenario's resource names or tags (only when it builds any)
  fisRoleTrustPolicy  the role's trust policy: fis.amazonaws.com, limited to the scenario's accounts
Variables the scenario references but that are not set are not needed: where one's value would appear in
a policy, the output shows \${NAME} instead (and says so on stderr). Nothing is read from or sent to AWS.
The output is JSON already: --json and --quiet change nothing.`;

export async function iamCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('iam', argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values['help']) {
    io.out(iamHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new GamedayError('iam: give exactly one scenario file', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday iam scenarios/connectkit/db-failover.yaml',
    });
  }
  const { scenario, placeholders } = await loadWithPlaceholders(positionals[0] as string, io);
  const target = scenario.targets.aws;
  if (!target) {
    throw new GamedayError(`${positionals[0]} has no AWS target, so it needs no IAM policy`, {
      kind: 'invalid-input',
      code: 'IAM_NO_AWS',
      hint: 'gameday iam is for scenarios with targets.aws',
    });
  }
  const policies = iamPolicies(iamScenarioConfig(scenario, target));
  const json = JSON.stringify(
    {
      harnessPolicy: policies.harness,
      ...(policies.fisRole
        ? { fisRolePolicy: policies.fisRole.policy, fisRoleTrustPolicy: policies.fisRole.trust }
        : {}),
    },
    null,
    2,
  );
  const shown = showPlaceholders(json, placeholders);
  for (const note of [...shown.notes, ...policies.notes]) io.err(`note: ${note}`);
  io.out(shown.text);
  return 0;
}

/** What the scenario's AWS faults, runbooks, probes and drill source need, as iamPolicies takes it. */
export function iamScenarioConfig(scenario: Scenario, target: AwsTargetConfig): IamScenarioConfig {
  const faults = awsFaultsOf(scenario);
  // The role the templates run as: the target's, else the first one a step names.
  const roleArn =
    target.fisRoleArn ??
    faults.map((f) => (f.type === 'db-failover' ? f.fis?.roleArn : f.fis.roleArn)).find((r) => r !== undefined);
  type ProbeNeed = NonNullable<IamScenarioConfig['probes']>[number];
  const probes = Object.values(scenario.probes).flatMap((p): ProbeNeed[] =>
    p.check.kind === 'cloudwatch'
      ? [{ cloudwatch: p.check.cloudwatch }]
      : p.check.kind === 'rds'
        ? [{ rds: p.check.rds }]
        : [],
  );
  // region-failover on target aws runs its runbook's AWS actions with the target's driver.
  const runbook = scenario.steps.flatMap((s) =>
    s.kind === 'fault' && s.target === 'aws' && s.fault.type === 'region-failover'
      ? (s.fault.runbook ?? []).map((r) => ({ action: r.action, args: r.args }))
      : [],
  );
  const drill = scenario.drill?.source;
  return {
    target: {
      region: target.region,
      accounts: target.accounts,
      ...(roleArn ? { fisRoleArn: roleArn } : {}),
      ...(target.lock ? { lock: target.lock } : {}),
    },
    faults,
    probes,
    ...(runbook.length ? { runbook } : {}),
    ...(drill && (drill.kind === 's3' || drill.kind === 'rds') ? { drill } : {}),
  };
}
