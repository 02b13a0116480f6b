// The scenario pieces of the shared target lock and the dead-man's switch: `guards.deadman` and
// `targets.aws.lock`. A Kubernetes target always locks with a Lease in its namespace; an AWS target with
// an S3 object once `targets.aws.lock` names the bucket; the sandbox keeps its local lock file.

import { z } from 'zod';
import { Duration } from './schema-common.js';

export const Deadman = Duration.meta({
  description:
    "Dead-man's switch: how long the run may go without renewing its shared lock (Lease, S3) before it counts as gone (its lease; default 1m), and consent to be rolled back unattended: past it, `gameday rollback --orphans` on a schedule undoes what it left from its mirrored journal even when no run wants the target. Without it the lease still expires after 1m, and the next run on the target (or `gameday rollback --target`) rolls the gone run back before it takes the lock.",
});

export const AwsLock = z
  .strictObject({
    bucket: z.string().min(3).meta({ description: 'An existing S3 bucket the lock objects and journal copies go to.' }),
    prefix: z
      .string()
      .optional()
      .meta({ description: 'Key prefix inside the bucket (default "gameday/"): locks/ and journals/ go under it.' }),
  })
  .meta({
    description:
      'A lock shared across machines: one object per account and region in this bucket, created with If-None-Match and replaced with If-Match; the run journal is mirrored next to it. Absent: a local lock file.',
  });

/** The resolved `targets.aws.lock`. */
export interface AwsLockConfig {
  bucket: string;
  prefix: string;
}

export function resolveAwsLock(lock: z.output<typeof AwsLock>): AwsLockConfig {
  const prefix = lock.prefix ?? 'gameday/';
  return { bucket: lock.bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}
