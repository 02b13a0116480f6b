// `load.k6`: k6 as the load engine. gameday runs the user's k6 binary as a separate process (never
// bundled or imported) and reads its samples into the run's windows. Composed by schema.ts.

import { z } from 'zod';
import { Duration } from './schema-common.js';

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
  })
  .meta({
    description:
      'Run a k6 script as the load (k6 v0.50 or newer on PATH; always with --no-usage-report). Its samples land in the run windows and its thresholds become objectives.',
  });
