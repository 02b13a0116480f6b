// Prometheus in scenarios: the `prometheus` probe (an instant query at the probe interval) and the
// `promql` objective (a range query over a window). Composed by schema.ts.

import { z } from 'zod';
import { Duration, WindowField } from './schema-common.js';

/** Where Prometheus is and how to reach it; secrets come from environment variables, never the file. */
export const PrometheusConnection = {
  url: z.string().meta({ description: 'Prometheus base URL, e.g. "${PROMETHEUS_URL}".' }),
  auth: z
    .strictObject({
      bearerTokenEnv: z.string().optional().meta({ description: 'Environment variable holding a bearer token.' }),
      basic: z
        .strictObject({
          usernameEnv: z.string().meta({ description: 'Environment variable holding the user name.' }),
          passwordEnv: z.string().meta({ description: 'Environment variable holding the password.' }),
        })
        .optional()
        .meta({ description: 'Environment variables holding the basic-auth user and password.' }),
    })
    .optional()
    .meta({ description: 'Credentials for Prometheus, read from environment variables (bearer token or basic).' }),
  ca: z.string().optional().meta({ description: 'PEM file of a custom certificate authority (https).' }),
};

export const COMPARISONS = ['<', '<=', '>', '>=', '==', '!='] as const;

export const PrometheusProbe = z
  .strictObject({
    ...PrometheusConnection,
    query: z.string().meta({ description: 'PromQL, evaluated as an instant query at every check.' }),
    expect: z
      .strictObject({
        op: z.enum(COMPARISONS).meta({ description: 'How each series value compares with `value`.' }),
        value: z.number().meta({ description: 'The number each series value is compared with.' }),
      })
      .meta({
        description: 'Healthy when every series of the result compares so with the value.',
      }),
    onNoData: z.enum(['fail', 'pass', 'ignore']).optional().meta({
      description: 'An empty result: a failing sample (default), a healthy one, or no sample at all.',
    }),
  })
  .meta({ description: 'A PromQL instant query at the probe interval.' });

export const PromqlObjective = z
  .strictObject({
    ...PrometheusConnection,
    query: z.string().meta({ description: 'PromQL, evaluated as a range query over the window.' }),
    window: WindowField,
    max: z.number().optional().meta({ description: 'Every point of every series must be at most this.' }),
    min: z.number().optional().meta({ description: 'Every point of every series must be at least this.' }),
    step: Duration.optional().meta({ description: 'Range query resolution (default 1s).' }),
  })
  .meta({ description: 'A bound on a PromQL expression over a window of the run.' });
