// Least-privilege IAM for one scenario: what gameday's own principal calls, and — when gameday builds FIS
// templates — what the FIS experiment role needs for their actions and the role's trust policy. Pure.

import { azOutageExperiment, dbFailoverExperiment, spotInterruptionExperiment } from '../faults/aws/index.js';
import type { AwsFault, FisExperimentSpec } from '../faults/aws/types.js';
import { drillStatements, runbookStatements, sharedLockStatements } from './data.js';
import { fisRoleStatements } from './fis-role.js';
import { cloudWatchStatements, fisHarnessStatements, fisOf, rdsHarnessStatements } from './harness.js';
import { doc, type ArnMaker, type IamPolicies, type IamScenarioConfig, type PolicyStatement } from './types.js';

/** The experiment a fault would build, with databases stood in by their ids (policies are made before discovery). */
function experimentOf(f: AwsFault): FisExperimentSpec | undefined {
  const fis = fisOf(f);
  if (!fis || fis.templateId) return undefined;
  if (f.type === 'fis-experiment') return f.experiment;
  if (f.type === 'spot-interruption') return spotInterruptionExperiment(f);
  if (f.type === 'az-outage') {
    const placeholder = { kind: 'cluster' as const, status: 'available', multiAz: true, writerZone: f.zone, tags: {} };
    const dbs = f.failoverDatabases
      ? [
          ...(f.failoverDatabases.clusters ?? []).map((id) => ({ ...placeholder, id, arn: id })),
          ...(f.failoverDatabases.instances ?? []).map((id) => ({
            ...placeholder,
            kind: 'instance' as const,
            id,
            arn: id,
          })),
        ]
      : [];
    return azOutageExperiment(f, { region: '', databases: dbs });
  }
  const id = (f.cluster ?? f.instance) as string;
  return dbFailoverExperiment({
    kind: f.cluster ? 'cluster' : 'instance',
    id,
    arn: id,
    status: 'available',
    multiAz: true,
    tags: {},
  });
}

/** Least-privilege policies for a scenario's AWS faults, probes, runbook and drill source. */
export function iamPolicies(config: IamScenarioConfig): IamPolicies {
  const t = config.target;
  const arns: ArnMaker = (make, region = t.region) => {
    const accounts = t.accounts.length ? t.accounts : ['*'];
    return [...new Set(accounts.flatMap((a) => make(region, a)))];
  };
  // Runbook and drill instances gameday describes (the replica it promotes, the drill's scratch instances).
  const described: string[] = [];
  const data = [
    ...runbookStatements(config.runbook ?? [], arns, described),
    ...(config.drill ? drillStatements(config.drill, arns, described) : []),
  ];
  const harness: PolicyStatement[] = [
    // GetCallerIdentity has no resource-level permissions (and is allowed even under an explicit deny).
    { Sid: 'IdentityGuard', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: ['*'] },
    ...fisHarnessStatements(config, arns),
    ...rdsHarnessStatements(config, arns, described),
    ...data,
    ...cloudWatchStatements(config, arns),
    ...sharedLockStatements(config.target.lock),
  ];

  const experiments = config.faults.map(experimentOf).filter((e): e is FisExperimentSpec => !!e);
  const notes: string[] = [];
  if (config.faults.some((f) => fisOf(f)?.templateId)) {
    notes.push(
      "a template named by id runs as the role it names: its permissions are that template's, not printed here",
    );
  }
  if (!experiments.length) return { harness: doc(harness), notes };
  const role = fisRoleStatements(
    experiments,
    config.faults.map((f) => fisOf(f)?.logs),
    arns,
    t.region,
  );
  notes.push(...role.notes);
  const experimentArns = arns((r, a) => [`arn:aws:fis:${r}:${a}:experiment/*`]);
  const trust: PolicyStatement = {
    Sid: 'FisAssumesRole',
    Effect: 'Allow',
    Principal: { Service: 'fis.amazonaws.com' },
    Action: ['sts:AssumeRole'],
    // Why: the confused-deputy guard — only FIS experiments in these accounts may assume the role.
    Condition: {
      StringEquals: { 'aws:SourceAccount': t.accounts.length === 1 ? (t.accounts[0] as string) : [...t.accounts] },
      ArnLike: { 'aws:SourceArn': experimentArns.length === 1 ? (experimentArns[0] as string) : experimentArns },
    },
  };
  return {
    harness: doc(harness),
    fisRole: { policy: doc(role.statements), trust: { Version: '2012-10-17', Statement: [trust] } },
    notes,
  };
}
