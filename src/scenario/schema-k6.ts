// `load.k6`: k6 as the load engine. gameday runs the user's k6 binary as a separate process (never
// bundled or imported) and reads its samples into the run's windows. Composed by schema.ts.

import { z } from 'zod';
import { Duration } from './schema-common.js';

/** Kubernetes object names gameday passes through (namespace, service account): RFC 1123 labels. */
const KubeName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes name: lowercase letters, digits and "-"')
  .max(63);

/** `load.k6.operator`: the k6-operator runs the script in the cluster, split over `parallelism` runner pods. */
export const K6Operator = z
  .strictObject({
    parallelism: z
      .int()
      .min(1)
      .max(1000)
      .meta({ description: 'Runner pods the test is split over (TestRun spec.parallelism).' }),
    namespace: KubeName.optional().meta({
      description: 'Namespace of the TestRun and the script ConfigMap (default: targets.kubernetes.namespace).',
    }),
    image: z.string().min(1).optional().meta({ description: "Runner image (default: the operator's)." }),
    serviceAccount: KubeName.optional().meta({ description: 'Service account of the runner pods.' }),
    separate: z.boolean().optional().meta({ description: 'One runner per node (TestRun spec.separate).' }),
    timeout: Duration.optional().meta({
      description: 'How long gameday waits for the TestRun to finish before it stops it (default: guards.timeout).',
    }),
  })
  .meta({
    description:
      'Run the script with the k6-operator in the targets.kubernetes cluster: gameday puts it in a ConfigMap, creates a TestRun (k6.io/v1alpha1), waits for its stage, deletes both at the end, on abort and at rollback.',
  });

export const K6Load = z
  .strictObject({
    script: z.string().meta({ description: 'The k6 script (JavaScript), relative to the scenario file.' }),
    binary: z.string().optional().meta({ description: 'The k6 binary (default: $GAMEDAY_K6, then k6 on PATH).' }),
    env: z.record(z.string(), z.string()).optional().meta({
      description:
        'Extra -e values for the script (__ENV). SANDBOX_URL, SANDBOX_API_URL and SANDBOX_DATABASE_URL are passed when the sandbox provides them.',
    }),
    vus: z.int().min(1).max(100_000).optional().meta({ description: "Override the script's VUs (k6 --vus)." }),
    duration: Duration.optional().meta({ description: "Override the script's duration (k6 --duration)." }),
    stages: z
      .array(
        z.strictObject({
          duration: Duration,
          target: z.int().min(0).meta({ description: 'VUs at the end of this stage.' }),
        }),
      )
      .min(1)
      .optional()
      .meta({ description: "Override the script's ramp (k6 --stage duration:target)." }),
    operator: K6Operator.optional(),
  })
  .meta({
    description:
      'Run a k6 script as the load (k6 v0.50 or newer on PATH; always with --no-usage-report). Its samples land in the run windows and its thresholds become objectives.',
  });
