// The objects that make a game day run in the cluster on a schedule: a ServiceAccount, the least-privilege
// Roles (and ClusterRole, for node faults) bound to it, a ConfigMap holding the scenario files and a
// CronJob running the gameday image with them. Pure: no I/O, the same input always gives the same objects.

import { GamedayError } from '../errors.js';
import { describePermission, kubernetesNeeds, type Permission } from '../faults/kubernetes/needs.js';
import { rbacName, roleManifests } from '../faults/kubernetes/rbac.js';
import type { Scenario } from '../scenario/types.js';
import type { ScheduleSource } from './source.js';

/** Where a scheduled run's reports go: a volume of the pod (read them from its logs), a claim, or S3 too. */
export type ReportTarget = { kind: 'volume' } | { kind: 'pvc'; claim: string } | { kind: 's3'; url: string };

export interface ScheduleOptions {
  namespace: string;
  /** Five-field cron expression (or @hourly, @daily, …), as the CronJob controller reads it. */
  cron: string;
  /** IANA zone for the schedule (CronJob spec.timeZone); default the controller's (UTC on most clusters). */
  timeZone?: string;
  image: string;
  report: ReportTarget;
  /** Variables of the job's container (the scenarios' ${VAR}s). */
  env: Record<string, string>;
  /** A Secret whose keys become variables too (AWS credentials, tokens). */
  envFromSecret?: string;
  /** CPU request and memory limit (also the request) of the job's container. */
  cpu: string;
  memory: string;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Where the job finds the scenario files, its reports and its temporary files. */
export const SCENARIO_MOUNT = '/etc/gameday/scenarios';
export const REPORT_MOUNT = '/reports';
/** The image's non-root user (see Containerfile). */
export const IMAGE_UID = 10001;
/** Time for the pod to start and connect before guards.timeout starts counting, in seconds. */
export const START_MARGIN_S = 120;

/** A DNS label for the objects' names: gameday-<name>, 52 characters at most (a CronJob's limit). */
export function scheduleName(name: string): string {
  const label = `gameday-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 52);
  return label.replace(/-+$/, '');
}

const CRON_MACROS = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
const CRON_FIELD = /^[0-9A-Za-z*?/,-]+$/;

/** A cron expression the CronJob controller can read: five fields, or a macro. Throws a usage error. */
export function checkCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  const ok = CRON_MACROS.test(cron.trim()) || (fields.length === 5 && fields.every((f) => CRON_FIELD.test(f)));
  if (!ok) {
    throw new GamedayError(
      `--cron "${cron}" is not a cron schedule: it needs five fields (minute hour day month weekday)`,
      {
        kind: 'usage',
        code: 'USAGE',
        hint: 'e.g. --cron "0 10 * * 2" (Tuesdays at 10:00) or --cron @daily',
      },
    );
  }
  return fields.join(' ');
}

/**
 * The job's time limits. activeDeadlineSeconds: the start margin plus, per scenario, guards.timeout, the
 * rollback's time per undo and the recovery wait after it. The grace period after SIGTERM (deadline
 * reached, job deleted) covers one scenario's rollback and recovery: gameday rolls back on SIGTERM.
 */
export function jobDeadlines(scenarios: readonly Scenario[]): {
  activeDeadlineSeconds: number;
  terminationGracePeriodSeconds: number;
} {
  const rollbackMs = (s: Scenario): number => s.rollback.timeoutMs + s.rollback.recoveryTimeoutMs;
  const runMs = scenarios.reduce((sum, s) => sum + s.guards.timeoutMs + rollbackMs(s), 0);
  return {
    activeDeadlineSeconds: START_MARGIN_S + Math.ceil(runMs / 1000),
    terminationGracePeriodSeconds: 30 + Math.ceil(Math.max(0, ...scenarios.map(rollbackMs)) / 1000),
  };
}

/** Every permission the scenarios need on their kubernetes target, once each. */
export function schedulePermissions(scenarios: readonly Scenario[]): Permission[] {
  const seen = new Map<string, Permission>();
  for (const s of scenarios) {
    if (!s.targets.kubernetes) continue;
    for (const p of kubernetesNeeds(s).permissions) seen.set(describePermission(p), p);
  }
  return [...seen.values()];
}

function cronJob(
  source: ScheduleSource,
  name: string,
  opts: ScheduleOptions,
  labels: Record<string, string>,
): Manifest {
  const { activeDeadlineSeconds, terminationGracePeriodSeconds } = jobDeadlines(source.scenarios);
  const args = [
    source.kind === 'drill' ? 'drill' : 'run',
    `${SCENARIO_MOUNT}/${source.entry}`,
    '--report-dir',
    REPORT_MOUNT,
    ...(opts.report.kind === 's3' ? ['--history', opts.report.url] : []),
  ];
  const fieldEnv = (envName: string, fieldPath: string): object => ({
    name: envName,
    valueFrom: { fieldRef: { fieldPath } },
  });
  const container = {
    name: 'gameday',
    image: opts.image,
    imagePullPolicy: 'IfNotPresent',
    args,
    env: [
      // The harness's own pod, which its faults must never pick (see faults/kubernetes/connect.ts selfPod).
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      { name: 'TMPDIR', value: '/tmp' },
      ...Object.entries(opts.env)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, value]) => ({ name: k, value })),
    ],
    ...(opts.envFromSecret === undefined ? {} : { envFrom: [{ secretRef: { name: opts.envFromSecret } }] }),
    resources: { requests: { cpu: opts.cpu, memory: opts.memory }, limits: { memory: opts.memory } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'scenarios', mountPath: SCENARIO_MOUNT, readOnly: true },
      { name: 'reports', mountPath: REPORT_MOUNT },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
  const reports =
    opts.report.kind === 'pvc' ? { persistentVolumeClaim: { claimName: opts.report.claim } } : { emptyDir: {} };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: opts.namespace, labels },
    spec: {
      schedule: opts.cron,
      ...(opts.timeZone === undefined ? {} : { timeZone: opts.timeZone }),
      // Why Forbid: two game days on one target at once would measure each other's faults.
      concurrencyPolicy: 'Forbid',
      // A run that could not start within 5 minutes of its time is skipped, not started late and unannounced.
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          // Why no retries: a second attempt would be another experiment, on a system the first one disturbed.
          backoffLimit: 0,
          activeDeadlineSeconds,
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: true,
              restartPolicy: 'Never',
              terminationGracePeriodSeconds,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: IMAGE_UID,
                runAsGroup: IMAGE_UID,
                fsGroup: IMAGE_UID,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [container],
              volumes: [
                {
                  name: 'scenarios',
                  configMap: { name, items: source.files.map((f) => ({ key: f.key, path: f.path })) },
                },
                { name: 'reports', ...reports },
                { name: 'tmp', emptyDir: {} },
              ],
            },
          },
        },
      },
    },
  };
}

/** ServiceAccount, Roles and bindings, ConfigMap and CronJob, in the order they can be applied. */
export function scheduleManifests(source: ScheduleSource, opts: ScheduleOptions): Manifest[] {
  const name = scheduleName(source.name);
  const labels = {
    'app.kubernetes.io/name': 'gameday',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/managed-by': 'gameday',
  };
  const rbac = roleManifests(rbacName(source.name), schedulePermissions(source.scenarios), {
    kind: 'ServiceAccount',
    name,
    namespace: opts.namespace,
  }) as Manifest[];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: opts.namespace, labels } },
    ...rbac,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: opts.namespace, labels },
      data: Object.fromEntries(source.files.map((f) => [f.key, f.text])),
    },
    cronJob(source, name, opts, labels),
  ];
}
