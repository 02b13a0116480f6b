// Running a scenario through the CLI as an IAM principal on moto with IAM enforced (startMotoForTests({ iam:
// true })): the harness policy `gameday iam` prints, given to a user the admin creates through moto's IAM
// API; that user's access keys are all the CLI gets.
//
// What moto checks, and what it does not (infra-fixtures/aws/lib/moto_iam.py has the details): the access
// key and the SigV4 signature; each call's action against the policy's Action elements; for S3 also the
// bucket and object ARNs against Resource. It does not evaluate Resource for RDS, FIS, Route 53 or
// CloudWatch (their statements count as matching any resource), nor any Condition (tag conditions, Route 53
// record names, s3:prefix, iam:PassedToService all pass), nor the permissions AWS checks implicitly
// (iam:PassRole when a template names its role, fis:TagResource and rds:AddTagsToResource for tags on
// create, start or restore); and it always allows sts:GetCallerIdentity. Those are shown by the unit tests
// of the policy text (src/iam/*.test.ts) and by test/aws/iam*.test.ts (the calls a run makes), not here.

import type { PolicyDocument } from '../../src/iam/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import type { Moto } from './moto.js';

/** Actions moto never refuses (always allowed, or checked by AWS implicitly and not by moto at all). */
export const NOT_CHECKED_BY_MOTO = [
  'sts:GetCallerIdentity',
  'iam:PassRole',
  'fis:TagResource',
  'rds:AddTagsToResource',
];

/** The environment of a CLI run as a principal: its keys only, nothing from any profile or IMDS. */
export function principalEnv(keys: {
  accessKeyId: string;
  secretAccessKey: string;
}): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/gameday-aws-credentials',
    AWS_CONFIG_FILE: '/nonexistent/gameday-aws-config',
  };
}

/** The harness policy `gameday iam <file>` prints with `env`. */
export async function harnessPolicy(file: string, env: Record<string, string | undefined>): Promise<PolicyDocument> {
  const r = await runCli(['iam', file], env);
  if (r.code !== 0) throw new Error(`gameday iam ${file} exited ${r.code}:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { harnessPolicy: PolicyDocument }).harnessPolicy;
}

/** `policy` without `action` (statements left with no action are dropped). */
export function without(policy: PolicyDocument, action: string): PolicyDocument {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })).filter(
      (s) => s.Action.length > 0,
    ),
  };
}

/** Every action the policy allows that moto can refuse. */
export function checkable(policy: PolicyDocument): string[] {
  return [...new Set(policy.Statement.flatMap((s) => s.Action))].filter((a) => !NOT_CHECKED_BY_MOTO.includes(a)).sort();
}

let users = 0;

/** Run `gameday <args>` as a new IAM user holding exactly `policy`. */
export async function runAsPrincipal(
  moto: Moto,
  policy: PolicyDocument,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<CliResult> {
  const keys = await moto.principal(`gameday-harness-${process.pid}-${++users}`, policy);
  return runCli(args, { ...env, ...principalEnv(keys) });
}
