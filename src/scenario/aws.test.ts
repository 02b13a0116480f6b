import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { loadScenarioFile } from './load.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const fixtures = join(root, 'test/fixtures/scenarios/aws');
const ENV = {
  AWS_ACCOUNT_ID: '123456789012',
  API_URL: 'http://127.0.0.1:8080',
  DATABASE_URL: 'postgres://app@127.0.0.1:5432/app',
};

function lines(diagnostics: Diagnostic[]): string[] {
  return diagnostics.flatMap((d) => formatDiagnostic({ ...d, file: basename(d.file) }).split('\n'));
}

const AWS_TARGET_HINT = '  hint: add "targets: { aws: { region: us-west-2, accounts: ["123456789012"] } }"';

/** Every invalid AWS fixture and the exact output `gameday validate` prints for it. */
const INVALID: Record<string, string[]> = {
  'aws-keys-on-sandbox.yaml': [
    'aws-keys-on-sandbox.yaml:8:5: steps[0].tags: "tags" applies to aws, not to sandbox',
    '  hint: add "target: aws" to the step (and targets.aws), or remove the key',
    'aws-keys-on-sandbox.yaml:9:15: steps[0].select.all: "select.all" applies to aws, not to sandbox',
    '  hint: add "target: aws" to the step (and targets.aws), or remove the key',
    'aws-keys-on-sandbox.yaml:11:5: steps[1].via: "via" applies to aws, not to sandbox',
    '  hint: add "target: aws" to the step (and targets.aws), or remove the key',
  ],
  'aws-probes.yaml': [
    'aws-probes.yaml:7:12: probes.alarm.cloudwatch: probe "alarm" reads AWS, but targets.aws is not set',
    AWS_TARGET_HINT,
    'aws-probes.yaml:7:12: probes.alarm.cloudwatch: cloudwatch probe "alarm" has both alarm and metric; give one',
    '  hint: e.g. cloudwatch: { alarm: connectkit-error-rate } or { namespace: AWS/ApplicationELB, metric: HTTPCode_Target_5XX_Count, below: 10 }',
    'aws-probes.yaml:8:9: probes.db.rds: probe "db" reads AWS, but targets.aws is not set',
    AWS_TARGET_HINT,
    'aws-probes.yaml:8:9: probes.db.rds: rds probe "db" needs instance or cluster',
    '  hint: e.g. rds: { instance: connectkit-db, status: [available] }',
  ],
  'az-outage-no-target.yaml': [
    'az-outage-no-target.yaml:7:12: steps[0].fault: fault "az-outage" acts on aws, but targets.aws is not set',
    AWS_TARGET_HINT,
  ],
  'db-failover.yaml': [
    'db-failover.yaml:5:40: targets.aws.accounts[0]: expected a 12-digit AWS account id, got "12345"',
    '  hint: the account id as STS GetCallerIdentity reports it, e.g. "123456789012"',
    'db-failover.yaml:10:5: steps[0].instance: use either "cluster" or "instance", not both',
    '  hint: cluster: an Aurora/Multi-AZ DB cluster identifier (FailoverDBCluster); instance: a Multi-AZ DB instance (RebootDBInstance with ForceFailover)',
    'db-failover.yaml:11:5: steps[0].mode: "mode" does not apply to target aws',
    '  hint: on aws the failover is RDS\'s own: remove "mode"',
    'db-failover.yaml:12:5: steps[0].fis: "fis" is used only with "via: fis"',
    '  hint: add "via: fis" to run the failover as a FIS experiment, or remove "fis"',
  ],
  'fis-block.yaml': [
    'fis-block.yaml:7:5: steps[0]: fis-experiment needs fis.templateId, or targets and actions',
    '  hint: run an existing template with fis: { templateId: EXT…, stopConditions: [] }, or describe targets and actions',
    'fis-block.yaml:8:5: steps[0].fis: the FIS experiment template needs a role: set fis.roleArn or targets.aws.fisRoleArn',
    '  hint: `gameday iam <scenario>` prints the role policy and trust policy it needs',
    'fis-block.yaml:9:24: steps[0].fis.stopConditions[0]: expected a CloudWatch alarm ARN, got "connectkit-error-rate"',
    '  hint: e.g. "arn:aws:cloudwatch:us-west-2:123456789012:alarm:connectkit-error-rate"',
    'fis-block.yaml:10:16: steps[0].fis.timeout: fis.timeout must be at least 1m, got 30s',
    '  hint: FIS takes a while to start and stop experiments; the default is 30m',
  ],
  'missing-accounts.yaml': [
    'missing-accounts.yaml:5:3: targets.aws: missing required key "accounts"',
    '  hint: the AWS account ids gameday may act in, e.g. accounts: ["123456789012"]; the identity guard refuses any other',
  ],
  'spot-notice.yaml': [
    'spot-notice.yaml:7:5: steps[0]: spot-interruption on aws needs "tags" to find the spot instances',
    '  hint: e.g. tags: { "eks:nodegroup-name": connectkit-spot, "eks.amazonaws.com/capacityType": SPOT }',
    'spot-notice.yaml:9:25: steps[0].select.all: use only one of count, percent or all in select (found count and all)',
    'spot-notice.yaml:10:13: steps[0].notice: notice must be between 2m and 15m on aws, got 30s',
    "  hint: FIS's durationBeforeInterruption accepts 2 to 15 minutes; AWS gives 2m for real interruptions",
    'spot-notice.yaml:11:5: steps[0].grace: "grace" does not apply to target aws',
    '  hint: on aws the instances get the FIS interruption notice and nothing else: remove "grace"',
  ],
  'spot-kubernetes.yaml': [
    'spot-kubernetes.yaml:10:5: steps[0].kubernetes: "kubernetes" acts on the interrupted nodes of the kubernetes target, but targets.kubernetes is not set',
    '  hint: add targets.kubernetes (the cluster the spot node group belongs to), or remove "kubernetes"',
  ],
  'unknown-aws-key.yaml': [
    'unknown-aws-key.yaml:6:5: targets.aws.regoin: unknown key "regoin"',
    '  hint: did you mean "region"? allowed keys: region, regions, accounts, profile, endpoint, endpoints, retry, callTimeout, fisRoleArn, lock',
  ],
};

describe('invalid AWS fixtures', () => {
  it('has an expectation for every fixture file', () => {
    expect(readdirSync(join(fixtures, 'invalid')).sort()).toEqual(Object.keys(INVALID).sort());
  });
  for (const [name, expected] of Object.entries(INVALID)) {
    it(`reports ${name}`, async () => {
      const result = await loadScenarioFile(join(fixtures, 'invalid', name), { env: {} });
      expect(lines(result.diagnostics)).toEqual(expected);
      expect(result.scenario).toBeUndefined();
    });
  }
});

describe('AWS scenarios resolve', () => {
  it('resolves the ConnectKit db-failover scenario: target, fault and rds probe', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(join(root, 'scenarios/connectkit/db-failover.yaml'), {
      env: ENV,
    });
    expect(diagnostics).toEqual([]);
    expect(scenario?.targets.aws).toEqual({
      region: 'us-west-2',
      regions: ['us-west-2'],
      accounts: ['123456789012'],
      retryMode: 'adaptive',
      maxAttempts: 5,
      callTimeoutMs: 60_000,
    });
    const step = scenario?.steps[0];
    expect(step).toMatchObject({ kind: 'fault', target: 'aws' });
    expect(step?.kind === 'fault' && 'aws' in step.fault ? step.fault.aws : undefined).toEqual({
      type: 'db-failover',
      via: 'api',
      instance: 'connectkit-db',
      eventTimeoutMs: 600_000,
      pollIntervalMs: 2000,
    });
    expect(scenario?.probes['db']?.check).toEqual({
      kind: 'rds',
      rds: { instance: 'connectkit-db', healthyStatuses: ['available'] },
    });
  });

  it('resolves the spot interruption: tags, COUNT(2), 2m notice, FIS options', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(
      join(root, 'scenarios/connectkit/spot-interruption-fis.yaml'),
      { env: ENV },
    );
    expect(diagnostics).toEqual([]);
    const step = scenario?.steps[0];
    expect(step?.kind === 'fault' && 'aws' in step.fault ? step.fault.aws : undefined).toEqual({
      type: 'spot-interruption',
      tags: { 'eks:nodegroup-name': 'connectkit-spot', 'eks.amazonaws.com/capacityType': 'SPOT' },
      selection: { mode: 'count', n: 2 },
      durationBeforeInterruptionMs: 120_000,
      fis: {
        stopConditions: [
          'arn:aws:cloudwatch:us-west-2:123456789012:alarm:connectkit-error-rate',
          'arn:aws:cloudwatch:us-west-2:123456789012:alarm:connectkit-p95-latency',
        ],
        emptyTargetResolutionMode: 'fail',
        timeoutMs: 1_200_000,
        pollIntervalMs: 2000,
        logs: { cloudWatchLogGroupArn: 'arn:aws:logs:us-west-2:123456789012:log-group:/gameday/fis:*' },
      },
      // targets.kubernetes is set: the interrupted nodes are tracked; draining is left to the termination handler.
      kubernetes: { drain: false, evictionTimeoutMs: 60_000 },
    });
    expect(scenario?.probes['error-alarm']?.check).toEqual({
      kind: 'cloudwatch',
      cloudwatch: { kind: 'alarm', alarm: 'connectkit-error-rate', healthyStates: ['OK'] },
    });
  });

  it('resolves the AZ loss: every part of the power interruption shape', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(join(root, 'scenarios/connectkit/az-loss-fis.yaml'), {
      env: ENV,
    });
    expect(diagnostics).toEqual([]);
    const step = scenario?.steps[0];
    expect(step?.kind === 'fault' && 'aws' in step.fault ? step.fault.aws : undefined).toMatchObject({
      type: 'az-outage',
      zone: 'us-west-2a',
      durationMs: 600_000,
      stopInstances: {
        tags: { 'gameday:az-impairment': 'stop-instances' },
        selection: { mode: 'all' },
        restartAfterDuration: true,
      },
      disruptNetwork: { scope: 'availability-zone', subnetTags: { 'gameday:az-impairment': 'disrupt-network' } },
      failoverDatabases: { instances: ['connectkit-db'] },
    });
  });

  it('accepts an existing FIS template and a cloudwatch metric probe', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(join(fixtures, 'valid/fis-template.yaml'), { env: {} });
    expect(diagnostics).toEqual([]);
    expect(scenario?.targets.aws?.endpoint).toBe('http://127.0.0.1:5000');
    expect(scenario?.probes['latency']?.check).toEqual({
      kind: 'cloudwatch',
      cloudwatch: {
        kind: 'metric',
        namespace: 'AWS/ApplicationELB',
        metric: 'TargetResponseTime',
        dimensions: {},
        statistic: 'Average',
        periodSec: 60,
        windowMs: 300_000,
        op: '<',
        threshold: 0.5,
        missingIsHealthy: false,
      },
    });
  });
});
