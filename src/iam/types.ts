// The shapes `gameday iam` works with: IAM policy documents and what a scenario tells it.

import type { DrillSourceConfig } from '../drill/types.js';
import type { AwsTargetConfig } from '../drivers/aws/types.js';
import type { AwsFault } from '../faults/aws/types.js';
import type { CloudWatchProbeConfig, RdsProbeConfig } from '../probes/aws/types.js';

export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  /** Absent in trust policies. */
  Resource?: string[];
  Condition?: PolicyCondition;
  Principal?: { Service: string };
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** One runbook step as the scenario gives it (action name and its arguments). */
export interface IamRunbookStep {
  action: string;
  args: Record<string, unknown>;
}

export interface IamScenarioConfig {
  target: Pick<AwsTargetConfig, 'region' | 'accounts' | 'fisRoleArn' | 'lock'>;
  faults: AwsFault[];
  probes?: Array<{ cloudwatch: CloudWatchProbeConfig } | { rds: RdsProbeConfig }>;
  /** The runbook steps of region-failover faults on target aws (route53-change, rds-promote-read-replica). */
  runbook?: IamRunbookStep[];
  /** The restore drill's source (drill.source.s3 / drill.source.rds). */
  drill?: DrillSourceConfig;
}

export interface IamPolicies {
  /** For the principal that runs gameday. */
  harness: PolicyDocument;
  /**
   * For the FIS experiment role and its trust policy: present only when gameday builds FIS templates
   * (a scenario without FIS, or one that runs only templates of its own by id, has no role to print).
   */
  fisRole?: { policy: PolicyDocument; trust: PolicyDocument };
  /** What the policies cannot cover and a person must add (e.g. a FIS action gameday has no permissions for). */
  notes: string[];
}

/** ARNs in every allowed account (or `*` when the scenario lists none) for a region. */
export type ArnMaker = (make: (region: string, account: string) => string[], region?: string) => string[];

export function doc(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements.filter((s) => s.Action.length > 0) };
}

/** Every action a policy allows, sorted (for comparisons). */
export function policyActions(policy: PolicyDocument): string[] {
  return [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
}

/** `aws:ResourceTag/<key>` equality for every tag: the resource must carry all of them. */
export function resourceTagCondition(tags: Record<string, string> | undefined): PolicyCondition | undefined {
  if (!tags || Object.keys(tags).length === 0) return undefined;
  return {
    StringEquals: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
  };
}
