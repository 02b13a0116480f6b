// The policy text `gameday iam` prints, on the points moto does not check (test/aws/enforced.ts says which):
// resources and conditions. Pure; the ConnectKit scenarios are loaded from scenarios/connectkit/.

import { describe, expect, it } from 'vitest';
import { iamScenarioConfig } from '../cli/commands/iam.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { iamPolicies, type IamPolicies, type PolicyStatement } from './index.js';

const ACCOUNT = '123456789012';
const ENV = { AWS_ACCOUNT_ID: ACCOUNT, API_URL: 'http://127.0.0.1:1', DATABASE_URL: 'postgres://127.0.0.1:1/x' };

async function policiesOf(file: string): Promise<IamPolicies> {
  const { scenario, diagnostics } = await loadScenarioFile(`scenarios/connectkit/${file}`, { env: ENV });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const s = scenario as Scenario;
  return iamPolicies(iamScenarioConfig(s, s.targets.aws!));
}

const sid = (statements: PolicyStatement[], id: string): PolicyStatement | undefined =>
  statements.find((s) => s.Sid === id);

describe('harness policy', () => {
  it('starts, watches and stops only FIS templates and experiments tagged by gameday', async () => {
    const { harness } = await policiesOf('spot-interruption-fis.yaml');
    const own = { StringEquals: { 'aws:ResourceTag/gameday:managed-by': 'gameday' } };
    expect(sid(harness.Statement, 'StartOwnTemplates')).toEqual({
      Sid: 'StartOwnTemplates',
      Effect: 'Allow',
      Action: ['fis:StartExperiment'],
      Resource: [`arn:aws:fis:us-west-2:${ACCOUNT}:experiment-template/*`],
      Condition: own,
    });
    // StartExperiment is authorized on the new experiment too, which must carry gameday's tag.
    expect(sid(harness.Statement, 'StartTaggedExperiments')?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/gameday:managed-by': 'gameday' },
    });
    expect(sid(harness.Statement, 'WatchAndStopOwnExperiments')).toMatchObject({
      Action: ['fis:GetExperiment', 'fis:StopExperiment', 'fis:ListExperimentResolvedTargets'],
      Resource: [`arn:aws:fis:us-west-2:${ACCOUNT}:experiment/*`],
      Condition: own,
    });
    expect(sid(harness.Statement, 'DeleteOwnTemplates')?.Condition).toEqual(own);
    // No statement grants StartExperiment or StopExperiment without a tag condition.
    for (const s of harness.Statement) {
      if (s.Action.some((a) => a === 'fis:StartExperiment' || a === 'fis:StopExperiment')) {
        expect(s.Condition, s.Sid).toBeDefined();
      }
    }
  });

  it('a template named by id is started by its ARN only, and there is no FIS role to print', () => {
    const p = iamPolicies({
      target: { region: 'us-west-2', accounts: [ACCOUNT] },
      faults: [
        {
          type: 'fis-experiment',
          fis: {
            templateId: 'EXT123',
            stopConditions: [],
            emptyTargetResolutionMode: 'fail',
            timeoutMs: 1,
            pollIntervalMs: 1,
          },
        },
      ],
    });
    expect(sid(p.harness.Statement, 'StartNamedTemplates')?.Resource).toEqual([
      `arn:aws:fis:us-west-2:${ACCOUNT}:experiment-template/EXT123`,
    ]);
    expect(sid(p.harness.Statement, 'CreateTaggedTemplates')).toBeUndefined();
    expect(p.fisRole).toBeUndefined();
    expect(p.notes.join('\n')).toMatch(/runs as the role it names/);
  });

  it('RDS calls name the scenario’s instance; only calls without resource-level permissions take "*"', async () => {
    const { harness, fisRole } = await policiesOf('db-failover.yaml');
    const db = `arn:aws:rds:us-west-2:${ACCOUNT}:db:connectkit-db`;
    expect(sid(harness.Statement, 'FailoverInstances')?.Resource).toEqual([db]);
    expect(sid(harness.Statement, 'DescribeInstances')?.Resource).toEqual([db]);
    const star = harness.Statement.filter((s) => s.Resource?.includes('*')).flatMap((s) => s.Action);
    expect(star.sort()).toEqual(['rds:DescribeEvents', 'sts:GetCallerIdentity']);
    // A scenario that uses no FIS prints no FIS role.
    expect(fisRole).toBeUndefined();
  });
});

describe('FIS role policy', () => {
  it('scopes the AZ power interruption to the scenario’s tags and names; EC2 Describe* on "*"', async () => {
    const { fisRole } = await policiesOf('az-loss-fis.yaml');
    const role = fisRole?.policy.Statement ?? [];
    expect(sid(role, 'StopAndRestartInstances')).toEqual({
      Sid: 'StopAndRestartInstances',
      Effect: 'Allow',
      Action: ['ec2:StopInstances', 'ec2:StartInstances'],
      Resource: [`arn:aws:ec2:us-west-2:${ACCOUNT}:instance/*`],
      Condition: { StringEquals: { 'aws:ResourceTag/gameday:az-impairment': 'stop-instances' } },
    });
    expect(sid(role, 'SwapNetworkAclsOfSubnets')?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/gameday:az-impairment': 'disrupt-network' },
    });
    expect(sid(role, 'RebootInstancesWithFailover')?.Resource).toEqual([
      `arn:aws:rds:us-west-2:${ACCOUNT}:db:connectkit-db`,
    ]);
    // Restarting instances with encrypted EBS volumes needs a grant for EC2 (AWS's FIS EC2 managed policy).
    expect(sid(role, 'RestartInstancesWithEncryptedVolumes')).toEqual({
      Sid: 'RestartInstancesWithEncryptedVolumes',
      Effect: 'Allow',
      Action: ['kms:CreateGrant'],
      Resource: [`arn:aws:kms:us-west-2:${ACCOUNT}:key/*`],
      Condition: {
        StringLike: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    });
    // EC2 Describe* have no resource-level permissions: one statement, on "*", and nowhere else.
    const describes = role.filter((s) => s.Action.some((a) => /^ec2:Describe/.test(a)));
    expect(describes.map((s) => [s.Sid, s.Resource])).toEqual([['DescribeEc2', ['*']]]);
    expect(fisRole?.trust.Statement[0]?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnLike: { 'aws:SourceArn': `arn:aws:fis:us-west-2:${ACCOUNT}:experiment/*` },
    });
  });

  it('a spot interruption may interrupt only instances with the scenario’s tags, and restarts nothing', async () => {
    const { fisRole } = await policiesOf('spot-interruption-fis.yaml');
    const role = fisRole?.policy.Statement ?? [];
    expect(sid(role, 'InterruptSpotInstances')?.Condition).toEqual({
      StringEquals: {
        'aws:ResourceTag/eks:nodegroup-name': 'connectkit-spot',
        'aws:ResourceTag/eks.amazonaws.com/capacityType': 'SPOT',
      },
    });
    const actions = role.flatMap((s) => s.Action);
    expect(actions).not.toContain('ec2:StartInstances');
    expect(actions).not.toContain('kms:CreateGrant');
  });

  it('says so when an action has no known permissions instead of leaving it out silently', () => {
    const p = iamPolicies({
      target: { region: 'us-west-2', accounts: [ACCOUNT] },
      faults: [
        {
          type: 'fis-experiment',
          fis: { stopConditions: [], emptyTargetResolutionMode: 'fail', timeoutMs: 1, pollIntervalMs: 1 },
          experiment: {
            description: 'x',
            targets: { T: { resourceType: 'aws:ecs:task', tags: { a: 'b' }, selection: { mode: 'all' } } },
            actions: { A: { actionId: 'aws:ecs:stop-task', targets: { Tasks: 'T' } } },
          },
        },
      ],
    });
    expect(p.notes).toEqual([
      'FIS action aws:ecs:stop-task (A): gameday does not know its permissions; add them to the FIS role from the FIS actions reference',
    ]);
  });
});
