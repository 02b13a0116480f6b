// The `drill:` section of a scenario: a backup-restore drill (gameday drill <file>).
// Part of the scenario schema (schema.ts composes it); resolved into src/drill/types.ts's DrillConfig.

import { z } from 'zod';
import { Duration, Percent } from './schema-common.js';

const Pick = z.strictObject({
  strategy: z
    .enum(['newest', 'random'])
    .optional()
    .meta({ description: 'newest (default), or a random one within `within` (as AWS Backup restore testing does).' }),
  within: Duration.optional().meta({ description: 'Only artifacts younger than this (for random picks).' }),
  timeFrom: z
    .enum(['modified', 'name'])
    .optional()
    .meta({ description: "Artifact time from the object's modification time (default) or the timestamp in its name." }),
});

export const DrillSourceSpec = z
  .strictObject({
    sandbox: z.strictObject({}).optional().meta({ description: 'pg_dump of the sandbox primary.' }),
    postgres: z.strictObject({ url: z.string() }).optional().meta({ description: 'pg_dump of a PostgreSQL database.' }),
    file: z
      .strictObject({ path: z.string() })
      .optional()
      .meta({ description: 'A pg_dump custom-format file, optionally gzip-compressed (.sql.gz).' }),
    directory: z
      .strictObject({ path: z.string(), pattern: z.string().optional(), pick: Pick.optional() })
      .optional()
      .meta({ description: 'The newest (or a random) matching dump file in a folder.' }),
    s3: z
      .strictObject({
        bucket: z.string(),
        prefix: z.string().optional(),
        pattern: z.string().optional(),
        region: z.string().optional(),
        pick: Pick.optional(),
      })
      .optional()
      .meta({ description: 'The newest (or a random) pg_dump object under an S3 prefix.' }),
    rds: z
      .strictObject({
        dbInstanceIdentifier: z.string().meta({ description: 'The instance whose snapshots are restored.' }),
        region: z.string().optional(),
        snapshot: z
          .strictObject({ type: z.enum(['automated', 'manual', 'any']).optional(), pick: Pick.optional() })
          .optional()
          .meta({ description: 'Restore a snapshot: the newest automated one by default.' }),
        pointInTime: z
          .strictObject({ restoreTime: z.string().meta({ description: '"latest" or an ISO 8601 time.' }) })
          .optional()
          .meta({ description: 'Restore to a point in time instead of a snapshot.' }),
        scratch: z.strictObject({
          instanceIdPrefix: z
            .string()
            .regex(/^[a-z][a-z0-9-]{0,40}$/)
            .optional(),
          instanceClass: z.string(),
          subnetGroup: z.string(),
          securityGroupIds: z.array(z.string()).min(1),
        }),
        credentials: z.strictObject({ user: z.string(), passwordEnv: z.string(), database: z.string() }),
        waitTimeout: Duration.optional().meta({
          description: 'Time allowed for the copy to become available (default 90m).',
        }),
      })
      .optional()
      .meta({
        description: 'An RDS snapshot (or point in time) restored into a scratch instance (needs targets.aws).',
      }),
  })
  .meta({ description: 'Where the backup comes from: exactly one of sandbox, postgres, file, directory, s3, rds.' });

const Expect = z.strictObject({
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const DrillValidation = z
  .strictObject({
    rowCounts: z
      .strictObject({
        tables: z.array(z.string()).min(1),
        tolerance: Percent.optional(),
        expected: z.record(z.string(), z.int()).optional(),
      })
      .optional(),
    checksum: z
      .strictObject({ tables: z.array(z.string()).min(1), expected: z.record(z.string(), z.string()).optional() })
      .optional(),
    schema: z
      .strictObject({
        tables: z.array(z.strictObject({ name: z.string(), columns: z.array(z.string()).optional() })).min(1),
      })
      .optional(),
    query: z.strictObject({ name: z.string(), sql: z.string(), expect: Expect }).optional(),
    marker: z.strictObject({ table: z.string().optional(), column: z.string().optional() }).optional(),
  })
  .meta({ description: 'One validation: exactly one of rowCounts, checksum, schema, query, marker.' });

export const DrillSpec = z.strictObject({
  source: DrillSourceSpec,
  target: z
    .union([z.literal('scratch-server'), z.strictObject({ database: z.strictObject({ url: z.string() }) })])
    .optional()
    .meta({
      description:
        'Where the copy is restored: a throwaway PostgreSQL server (default) or a scratch database created on a given server.',
    }),
  restore: z.strictObject({ jobs: z.int().min(1).max(64).optional() }).optional(),
  compareWith: z
    .string()
    .optional()
    .meta({ description: 'Database the copy is compared with (default: the dumped database).' }),
  marker: z
    .strictObject({ table: z.string().optional(), column: z.string().optional() })
    .optional()
    .meta({ description: 'Marker table and timestamp column for RPO (default gameday.gameday_markers, written_at).' }),
  validations: z.array(DrillValidation).optional(),
  timeout: Duration.optional().meta({ description: 'Time limit for the whole drill (default 30m).' }),
  cleanupTimeout: Duration.optional(),
});

export const DrillObjectivesSpec = {
  restoreTime: z.strictObject({ max: Duration }).optional(),
  sourceAge: z.strictObject({ max: Duration }).optional(),
  validations: z.enum(['all', 'none']).optional(),
};
