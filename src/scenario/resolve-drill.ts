// The `drill:` section resolved into the drill engine's DrillConfig, with every default filled in.

import type { z } from 'zod';
import type { ArtifactPick, DrillConfig, DrillSourceConfig, ValidationConfig } from '../drill/types.js';
import { parseDuration, parsePercent } from '../util/duration.js';
import type { DrillSpec } from './schema-drill.js';
import type { Objectives } from './schema.js';

type Spec = z.output<typeof DrillSpec>;
type PickSpec = {
  strategy?: 'newest' | 'random' | undefined;
  within?: string | undefined;
  timeFrom?: 'modified' | 'name' | undefined;
};

const DRILL_DEFAULTS = {
  jobs: 2,
  timeoutMs: 30 * 60_000,
  cleanupTimeoutMs: 2 * 60_000,
  marker: { table: 'gameday.gameday_markers', column: 'written_at' },
  tolerancePercent: 1,
  rdsInstancePrefix: 'gameday-drill',
  rdsWaitTimeoutMs: 90 * 60_000,
} as const;

const ms = (d: string | undefined, fallback: number): number =>
  d === undefined ? fallback : (parseDuration(d) ?? fallback);

function pick(p: PickSpec | undefined): ArtifactPick {
  const out: ArtifactPick = { strategy: p?.strategy ?? 'newest', timeFrom: p?.timeFrom ?? 'modified' };
  if (p?.within !== undefined) out.withinMs = ms(p.within, 0);
  return out;
}

function source(s: Spec['source']): DrillSourceConfig {
  if (s.postgres) return { kind: 'postgres', url: s.postgres.url };
  if (s.file) return { kind: 'file', path: s.file.path };
  if (s.directory) {
    const d: DrillSourceConfig = { kind: 'directory', path: s.directory.path, pick: pick(s.directory.pick) };
    if (s.directory.pattern !== undefined) d.pattern = s.directory.pattern;
    return d;
  }
  if (s.s3) {
    const o: DrillSourceConfig = { kind: 's3', bucket: s.s3.bucket, prefix: s.s3.prefix ?? '', pick: pick(s.s3.pick) };
    if (s.s3.pattern !== undefined) o.pattern = s.s3.pattern;
    if (s.s3.region !== undefined) o.region = s.s3.region;
    return o;
  }
  if (s.rds) {
    const r = s.rds;
    const o: DrillSourceConfig = {
      kind: 'rds',
      dbInstanceIdentifier: r.dbInstanceIdentifier,
      mode: r.pointInTime
        ? { kind: 'point-in-time', restoreTime: r.pointInTime.restoreTime }
        : {
            kind: 'snapshot',
            snapshotType: r.snapshot?.type ?? 'automated',
            pick: { ...pick(r.snapshot?.pick), timeFrom: 'modified' },
          },
      scratch: {
        instanceIdPrefix: r.scratch.instanceIdPrefix ?? DRILL_DEFAULTS.rdsInstancePrefix,
        instanceClass: r.scratch.instanceClass,
        subnetGroup: r.scratch.subnetGroup,
        securityGroupIds: r.scratch.securityGroupIds,
      },
      credentials: r.credentials,
      waitTimeoutMs: ms(r.waitTimeout, DRILL_DEFAULTS.rdsWaitTimeoutMs),
    };
    if (r.region !== undefined) o.region = r.region;
    return o;
  }
  // sandbox (the rules stage guarantees exactly one source kind): the run fills in its database URL.
  return { kind: 'sandbox', url: '${SANDBOX_DATABASE_URL}' };
}

function validation(v: NonNullable<Spec['validations']>[number]): ValidationConfig {
  if (v.rowCounts) {
    const r: ValidationConfig = {
      kind: 'rowCounts',
      tables: v.rowCounts.tables,
      tolerancePercent:
        v.rowCounts.tolerance === undefined
          ? DRILL_DEFAULTS.tolerancePercent
          : (parsePercent(v.rowCounts.tolerance) ?? 0),
    };
    if (v.rowCounts.expected !== undefined) r.expected = v.rowCounts.expected;
    return r;
  }
  if (v.checksum) {
    const c: ValidationConfig = { kind: 'checksum', tables: v.checksum.tables };
    if (v.checksum.expected !== undefined) c.expected = v.checksum.expected;
    return c;
  }
  if (v.schema) {
    return {
      kind: 'schema',
      tables: v.schema.tables.map((t) =>
        t.columns === undefined ? { name: t.name } : { name: t.name, columns: t.columns },
      ),
    };
  }
  if (v.query) {
    const expect: { equals?: string | number | boolean | null; min?: number; max?: number } = {};
    if (v.query.expect.equals !== undefined) expect.equals = v.query.expect.equals;
    if (v.query.expect.min !== undefined) expect.min = v.query.expect.min;
    if (v.query.expect.max !== undefined) expect.max = v.query.expect.max;
    return { kind: 'query', name: v.query.name, sql: v.query.sql, expect };
  }
  return {
    kind: 'marker',
    table: v.marker?.table ?? DRILL_DEFAULTS.marker.table,
    column: v.marker?.column ?? DRILL_DEFAULTS.marker.column,
  };
}

/** Resolve a drill section and the drill objectives. */
export function resolveDrill(
  name: string,
  spec: Spec,
  objectives: z.output<typeof Objectives> | undefined,
): DrillConfig {
  const config: DrillConfig = {
    name,
    source: source(spec.source),
    target:
      spec.target === undefined || spec.target === 'scratch-server'
        ? { kind: 'scratch-server' }
        : { kind: 'database', url: spec.target.database.url },
    restore: { jobs: spec.restore?.jobs ?? DRILL_DEFAULTS.jobs },
    marker: {
      table: spec.marker?.table ?? DRILL_DEFAULTS.marker.table,
      column: spec.marker?.column ?? DRILL_DEFAULTS.marker.column,
    },
    objectives: { validations: objectives?.validations ?? 'all' },
    timeoutMs: ms(spec.timeout, DRILL_DEFAULTS.timeoutMs),
    cleanupTimeoutMs: ms(spec.cleanupTimeout, DRILL_DEFAULTS.cleanupTimeoutMs),
  };
  if (spec.validations !== undefined) config.validations = spec.validations.map(validation);
  if (spec.compareWith !== undefined) config.compareWith = spec.compareWith;
  if (objectives?.restoreTime) config.objectives.restoreTimeMaxMs = ms(objectives.restoreTime.max, 0);
  if (objectives?.rpo) config.objectives.rpoMaxMs = ms(objectives.rpo.max, 0);
  if (objectives?.sourceAge) config.objectives.sourceAgeMaxMs = ms(objectives.sourceAge.max, 0);
  return config;
}
