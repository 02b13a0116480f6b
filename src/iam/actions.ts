// SDK command → IAM action. Most are "<service prefix>:<operation>"; the exceptions are listed.

import type { AwsCall } from '../drivers/aws/index.js';

const PREFIX = {
  fis: 'fis',
  rds: 'rds',
  ec2: 'ec2',
  sts: 'sts',
  cloudwatch: 'cloudwatch',
  s3: 's3',
  route53: 'route53',
} as const;

/** Operations whose IAM action is not named after the operation. */
const EXCEPTIONS: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
};

/** The IAM action one SDK command needs, e.g. { fis, StartExperimentCommand } → "fis:StartExperiment". */
export function iamActionFor(call: AwsCall): string {
  const action = `${PREFIX[call.service]}:${call.command.replace(/Command$/, '')}`;
  return EXCEPTIONS[action] ?? action;
}

/** The distinct IAM actions a list of calls needs, sorted. */
export function iamActionsFor(calls: readonly AwsCall[]): string[] {
  return [...new Set(calls.map(iamActionFor))].sort();
}
