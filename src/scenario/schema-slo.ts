// `slos:` and the `errorBudget` objective: how much of an SLO's error budget a run consumed.
// Composed by schema.ts.

import { z } from 'zod';
import { Percent } from './schema-common.js';
import { PrometheusConnection, PromqlObjective } from './schema-prometheus.js';

/** An SLO period: "30d", "4w", "720h". */
export const Period = z
  .string()
  .regex(/^\d+(\.\d+)?(h|d|w)$/, { error: 'expected a period such as "30d", "4w" or "720h"' })
  .meta({ description: 'The SLO period: a number followed by h, d or w, e.g. "30d".' });

export const SloSpec = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
        error: 'expected a lowercase name of letters, digits and dashes (at most 63 characters)',
      })
      .meta({ description: 'The SLO name, used by `errorBudget` objectives and in reports.' }),
    objective: Percent.meta({ description: 'The SLO, e.g. "99.9%".' }),
    period: Period,
    sli: z
      .strictObject({
        probe: z.string().optional().meta({ description: 'Time-based: the time this probe fails is bad time.' }),
        promql: z
          .strictObject({
            ...PrometheusConnection,
            good: z.string().meta({ description: 'PromQL: good events over $__range (e.g. increase(…[$__range])).' }),
            total: z.string().meta({ description: 'PromQL: all events over $__range.' }),
          })
          .optional()
          .meta({ description: 'Event-based: good and total events counted by Prometheus over each window.' }),
      })
      .meta({ description: 'Exactly one of probe or promql.' }),
  })
  .meta({ description: 'A service level objective over a period, e.g. 99.9 % over 30 days (43.2 minutes of budget).' });

/** `slos:` at the top of a scenario. */
export const Slos = z
  .array(SloSpec)
  .min(1)
  .meta({ description: "SLOs whose error budget the run measures: how much of the period's budget it burned." });

export const ErrorBudgetObjective = z.strictObject({
  slo: z.string().meta({ description: 'An SLO named under `slos`.' }),
  maxBurn: Percent.meta({ description: 'The most of the period\'s error budget one run may consume, e.g. "2%".' }),
});

const oneOrMany = <T extends z.ZodType>(s: T) => z.union([s, z.array(s).min(1)]);

/** Objectives this file and schema-prometheus.ts add (spread into schema.ts's Objectives). */
export const SloObjectivesSpec = {
  promql: oneOrMany(PromqlObjective)
    .optional()
    .meta({ description: 'A bound on PromQL over a window (range query), or a list of them.' }),
  errorBudget: oneOrMany(ErrorBudgetObjective)
    .optional()
    .meta({ description: "The most of an SLO's error budget one run may burn, or a list of them." }),
};
