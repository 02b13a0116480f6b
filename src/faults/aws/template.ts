// Pure FIS template building: a FisExperimentSpec and the run's identity → a CreateExperimentTemplate request.

import { createHash } from 'node:crypto';
import { GamedayError } from '../../errors.js';
import type { FisTargetInput, FisTemplateInput } from '../../drivers/aws/types.js';
import type { FisExperimentSpec, FisOptions, FisSelection } from './types.js';

/** Tag keys gameday puts on everything it creates in AWS, so rollback can find it by run. */
export const TAG_MANAGED_BY = 'gameday:managed-by';
export const TAG_RUN_ID = 'gameday:run-id';
export const TAG_STEP = 'gameday:step';

/** Milliseconds → ISO-8601 duration as FIS expects ("PT2M", "PT1H30M", "PT45S"). Whole seconds only. */
export function isoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000 || ms % 1000 !== 0) {
    throw new GamedayError(`duration ${ms}ms cannot be given to FIS: use whole seconds, at least 1s`, {
      kind: 'invalid-input',
      code: 'FIS_DURATION',
    });
  }
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}

/** "ALL", "COUNT(2)", "PERCENT(25)". */
export function selectionMode(sel: FisSelection): string {
  if (sel.mode === 'all') return 'ALL';
  if (!Number.isInteger(sel.n) || sel.n < 1 || (sel.mode === 'percent' && sel.n > 100)) {
    throw new GamedayError(`FIS selection ${sel.mode}(${sel.n}) is out of range`, {
      kind: 'invalid-input',
      code: 'FIS_SELECTION',
      hint: 'count is a positive integer; percent is an integer from 1 to 100',
    });
  }
  return sel.mode === 'count' ? `COUNT(${sel.n})` : `PERCENT(${sel.n})`;
}

/** A stable token (≤ 64 chars, FIS's limit) so a retried create or start is idempotent. */
export function clientToken(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 48);
}

export interface TemplateContext {
  runId: string;
  step: string;
  roleArn: string;
}

function invalid(message: string, hint?: string): GamedayError {
  return new GamedayError(message, { kind: 'invalid-input', code: 'FIS_TEMPLATE', ...(hint ? { hint } : {}) });
}

/** Build the CreateExperimentTemplate request for `spec`. Pure: same input, same output. */
export function buildTemplate(spec: FisExperimentSpec, fis: FisOptions, ctx: TemplateContext): FisTemplateInput {
  const targetNames = Object.keys(spec.targets);
  const actionNames = Object.keys(spec.actions);
  if (actionNames.length === 0) throw invalid('an FIS experiment needs at least one action');
  const targets: Record<string, FisTargetInput> = {};
  for (const [name, t] of Object.entries(spec.targets)) {
    if (!t.arns?.length && !t.tags && !t.parameters) {
      throw invalid(`FIS target "${name}" selects nothing: give resource ARNs, tags or parameters`);
    }
    if (t.arns?.length && t.tags) throw invalid(`FIS target "${name}" has both ARNs and tags; FIS takes one of them`);
    targets[name] = {
      resourceType: t.resourceType,
      ...(t.arns?.length ? { resourceArns: [...t.arns] } : {}),
      ...(t.tags ? { resourceTags: { ...t.tags } } : {}),
      ...(t.filters?.length ? { filters: t.filters.map((f) => ({ path: f.path, values: [...f.values] })) } : {}),
      selectionMode: selectionMode(t.selection),
      ...(t.parameters ? { parameters: { ...t.parameters } } : {}),
    };
  }
  const actions: FisTemplateInput['actions'] = {};
  for (const [name, a] of Object.entries(spec.actions)) {
    for (const target of Object.values(a.targets)) {
      if (!targetNames.includes(target)) throw invalid(`FIS action "${name}" refers to unknown target "${target}"`);
    }
    for (const before of a.startAfter ?? []) {
      if (!actionNames.includes(before)) throw invalid(`FIS action "${name}" starts after unknown action "${before}"`);
    }
    const parameters = {
      ...a.parameters,
      ...(a.durationMs === undefined ? {} : { duration: isoDuration(a.durationMs) }),
    };
    actions[name] = {
      actionId: a.actionId,
      ...(a.description ? { description: a.description } : {}),
      ...(Object.keys(parameters).length ? { parameters } : {}),
      ...(Object.keys(a.targets).length ? { targets: { ...a.targets } } : {}),
      ...(a.startAfter?.length ? { startAfter: [...a.startAfter] } : {}),
    };
  }
  const logs = fis.logs;
  const logConfiguration =
    logs && (logs.cloudWatchLogGroupArn || logs.s3Bucket)
      ? {
          logSchemaVersion: 2,
          ...(logs.cloudWatchLogGroupArn
            ? { cloudWatchLogsConfiguration: { logGroupArn: logs.cloudWatchLogGroupArn } }
            : {}),
          ...(logs.s3Bucket
            ? { s3Configuration: { bucketName: logs.s3Bucket, ...(logs.s3Prefix ? { prefix: logs.s3Prefix } : {}) } }
            : {}),
        }
      : undefined;
  return {
    clientToken: clientToken('template', ctx.runId, ctx.step),
    description: `${spec.description} (gameday run ${ctx.runId}, step ${ctx.step})`.slice(0, 512),
    roleArn: ctx.roleArn,
    targets,
    actions,
    // Why "none" when empty: FIS requires at least one stop condition; the harness's own guards still apply.
    stopConditions: fis.stopConditions.length
      ? fis.stopConditions.map((value) => ({ source: 'aws:cloudwatch:alarm' as const, value }))
      : [{ source: 'none' as const }],
    ...(logConfiguration ? { logConfiguration } : {}),
    experimentOptions: { emptyTargetResolutionMode: fis.emptyTargetResolutionMode },
    tags: {
      ...fis.tags,
      Name: `gameday-${ctx.step}`.slice(0, 128),
      [TAG_MANAGED_BY]: 'gameday',
      [TAG_RUN_ID]: ctx.runId,
      [TAG_STEP]: ctx.step,
    },
  };
}

/** The FIS role of a fault: its own, else the target's; invalid-input when neither is set. */
export function roleArnFor(fis: FisOptions, targetRoleArn: string | undefined): string {
  const role = fis.roleArn ?? targetRoleArn;
  if (!role) {
    throw invalid(
      'an FIS experiment needs a role to run as, and none is set',
      'set targets.aws.fisRoleArn (or fis.roleArn on the step); `gameday iam <scenario>` prints its policy',
    );
  }
  return role;
}
