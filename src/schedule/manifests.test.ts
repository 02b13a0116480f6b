import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isGamedayError } from '../errors.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { checkSchedulable, schedulingProblems } from './checks.js';
import { checkCron, jobDeadlines, scheduleManifests, scheduleName, type ScheduleOptions } from './manifests.js';
import { bundleFiles, scheduleSource } from './source.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const inCluster = join(root, 'test/image/fixtures/pod-kill-in-cluster.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'gameday-schedule-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function load(file: string, env: Record<string, string | undefined> = process.env): Promise<Scenario> {
  const { scenario, diagnostics } = await loadScenarioFile(file, { env });
  if (!scenario) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return scenario;
}

const options: ScheduleOptions = {
  namespace: 'gameday',
  cron: '0 10 * * 2',
  image: 'registry.example.com/gameday:1',
  report: { kind: 'volume' },
  env: {},
  cpu: '500m',
  memory: '1Gi',
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const byKind = (objs: readonly Obj[], kind: string): Obj[] => objs.filter((o) => o.kind === kind);
const podSpec = (objs: readonly Obj[]): Obj => byKind(objs, 'CronJob')[0]?.spec.jobTemplate.spec.template.spec;

describe('scheduleManifests', () => {
  it('makes a ServiceAccount, the Role and binding for the target namespace, the ConfigMap and the CronJob', async () => {
    const source = await scheduleSource(inCluster, process.env, load);
    const objs = scheduleManifests(source, options) as Obj[];
    expect(objs.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ServiceAccount gameday/gameday-connectkit-pod-kill-scheduled',
      'Role production/gameday-connectkit-pod-kill-scheduled',
      'RoleBinding production/gameday-connectkit-pod-kill-scheduled',
      'ConfigMap gameday/gameday-connectkit-pod-kill-scheduled',
      'CronJob gameday/gameday-connectkit-pod-kill-scheduled',
    ]);
    // The binding gives the Role to the schedule's ServiceAccount, across namespaces.
    expect(byKind(objs, 'RoleBinding')[0]?.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'gameday-connectkit-pod-kill-scheduled', namespace: 'gameday' },
    ]);
    // The same rules `gameday rbac` prints: evictions, no pod deletes.
    const rules = byKind(objs, 'Role')[0]?.rules as Array<{ resources: string[]; verbs: string[] }>;
    expect(rules.find((r) => r.resources.includes('pods/eviction'))?.verbs).toEqual(['create']);
    expect(rules.flatMap((r) => (r.resources.includes('pods') ? r.verbs : []))).not.toContain('delete');
    expect(byKind(objs, 'ConfigMap')[0]?.data).toEqual({ 'pod-kill-in-cluster.yaml': source.files[0]?.text });
  });

  it('runs the image non-root, read-only, once at a time, without retries, within its deadline', async () => {
    const source = await scheduleSource(inCluster, process.env, load);
    const cron = byKind(scheduleManifests(source, options) as Obj[], 'CronJob')[0] as Obj;
    expect(cron.spec).toMatchObject({
      schedule: '0 10 * * 2',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    const job = cron.spec.jobTemplate.spec;
    // guards.timeout 5m + rollback.timeout 2m + rollback.recoveryTimeout 2m + 2m to start.
    expect(job).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 660 });
    const pod = job.template.spec;
    expect(pod).toMatchObject({
      serviceAccountName: 'gameday-connectkit-pod-kill-scheduled',
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 270,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
    });
    const c = pod.containers[0];
    expect(c.image).toBe('registry.example.com/gameday:1');
    expect(c.args).toEqual(['run', '/etc/gameday/scenarios/pod-kill-in-cluster.yaml', '--report-dir', '/reports']);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } });
    expect(c.env.map((e: Obj) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE', 'TMPDIR']);
    expect(c.volumeMounts.map((m: Obj) => m.mountPath)).toEqual(['/etc/gameday/scenarios', '/reports', '/tmp']);
  });

  it('keeps reports on a claim, uploads them to S3, sets variables and a Secret, a time zone', async () => {
    const source = await scheduleSource(inCluster, process.env, load);
    const pvc = podSpec(scheduleManifests(source, { ...options, report: { kind: 'pvc', claim: 'reports' } }));
    expect(pvc.volumes.find((v: Obj) => v.name === 'reports')).toEqual({
      name: 'reports',
      persistentVolumeClaim: { claimName: 'reports' },
    });
    const objs = scheduleManifests(source, {
      ...options,
      timeZone: 'Europe/Berlin',
      report: { kind: 's3', url: 's3://bucket/gameday' },
      env: { B: '2', A: '1' },
      envFromSecret: 'aws',
    });
    const c = podSpec(objs).containers[0];
    expect(c.args.slice(-2)).toEqual(['--history', 's3://bucket/gameday']);
    expect(c.env.slice(3)).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'aws' } }]);
    expect((byKind(objs, 'CronJob')[0] as Obj).spec.timeZone).toBe('Europe/Berlin');
  });

  it('runs a drill with gameday drill, and adds a ClusterRole for node faults', async () => {
    const drill = await scheduleSource(join(root, 'scenarios/sandbox/backup-restore.yaml'), process.env, load);
    expect(drill.kind).toBe('drill');
    expect(podSpec(scheduleManifests(drill, options)).containers[0].args[0]).toBe('drill');
    const zone = join(scratch, 'zone.yaml');
    writeFileSync(
      zone,
      readFileSync(join(root, 'scenarios/connectkit/az-loss.yaml'), 'utf8').replace(/context: gameday, /, ''),
    );
    const objs = scheduleManifests(await scheduleSource(zone, process.env, load), options) as Obj[];
    expect(byKind(objs, 'ClusterRole')).toHaveLength(1);
    expect(byKind(objs, 'ClusterRoleBinding')[0]?.subjects[0]).toMatchObject({
      kind: 'ServiceAccount',
      namespace: 'gameday',
    });
  });
});

describe('what can be scheduled', () => {
  it('refuses a scenario that names a kube context: in a pod only the service account exists', async () => {
    const source = await scheduleSource(join(root, 'scenarios/connectkit/pod-kill.yaml'), process.env, load);
    expect(schedulingProblems(source)).toEqual([
      expect.stringMatching(/targets\.kubernetes names context gameday; .*leave it out \(or set inCluster: true\)/),
    ]);
    let error: unknown;
    try {
      checkSchedulable(source);
    } catch (e) {
      error = e;
    }
    expect(isGamedayError(error) && error.code).toBe('NOT_SCHEDULABLE');
  });

  it('checks cron expressions as the CronJob controller reads them', () => {
    expect(checkCron(' 0  10 * * 2 ')).toBe('0 10 * * 2');
    expect(checkCron('@daily')).toBe('@daily');
    expect(() => checkCron('0 10 * *')).toThrow(/five fields/);
    expect(() => checkCron('every tuesday')).toThrow(/five fields/);
  });

  it('names objects as DNS labels of at most 52 characters', () => {
    expect(scheduleName('ConnectKit Pod_Kill')).toBe('gameday-connectkit-pod-kill');
    expect(scheduleName('x'.repeat(80))).toHaveLength(52);
  });

  it('adds up the deadline of every scenario of a game day; the grace period covers one rollback', async () => {
    const s = await load(inCluster);
    expect(jobDeadlines([s, s])).toEqual({ activeDeadlineSeconds: 120 + 2 * 540, terminationGracePeriodSeconds: 270 });
  });
});

describe('a game day and its files', () => {
  it('bundles the game day with the scenario files it lists, keeping their relative paths', async () => {
    const dir = join(scratch, 'gd');
    mkdirSync(join(dir, 'days'), { recursive: true });
    mkdirSync(join(dir, 'scenarios'), { recursive: true });
    const text = readFileSync(inCluster, 'utf8');
    writeFileSync(join(dir, 'scenarios', 'pod-kill.yaml'), text.replace('interval: 100ms', 'interval: ${PROBE_EVERY}'));
    writeFileSync(
      join(dir, 'days', 'weekly.yaml'),
      'apiVersion: gameday/v1\nkind: GameDay\nmetadata: { name: weekly }\nvariables: { PROBE_EVERY: 200ms }\nitems:\n  - scenario: ../scenarios/pod-kill.yaml\n  - checkpoint: { prompt: ok? }\n',
    );
    const source = await scheduleSource(join(dir, 'days', 'weekly.yaml'), process.env, load);
    expect(source).toMatchObject({ kind: 'gameday', name: 'weekly', entry: 'days/weekly.yaml' });
    expect(source.files.map((f) => [f.key, f.path])).toEqual([
      ['days.weekly.yaml', 'days/weekly.yaml'],
      ['scenarios.pod-kill.yaml', 'scenarios/pod-kill.yaml'],
    ]);
    // The game day's variables reached its scenario's ${VAR}.
    expect(source.scenarios[0]?.probes['fleet']?.intervalMs).toBe(200);
    const cron = byKind(scheduleManifests(source, options) as Obj[], 'CronJob')[0] as Obj;
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args[1]).toBe(
      '/etc/gameday/scenarios/days/weekly.yaml',
    );
  });

  it('lays out one file under its own name', () => {
    expect(bundleFiles([{ file: '/a/b/c.yaml', text: 'x' }])).toEqual([{ key: 'c.yaml', path: 'c.yaml', text: 'x' }]);
  });
});
