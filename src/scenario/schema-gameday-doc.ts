// A game day file (`kind: GameDay`): scenarios and drills in order, with the game day's hypotheses,
// roles and links. Its own document, next to the scenario schema; schema/gameday.schema.json is
// generated from it.

import { z } from 'zod';
import { API_VERSION, Name } from './schema.js';
import { CheckpointStep } from './schema-gameday.js';
import { Notify } from './schema-notify.js';

const Variables = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
  .meta({ description: 'Variables for ${VAR} in the scenario files (on top of the environment).' });

const RunItemFields = {
  name: Name.optional().meta({
    description: "The item's name in the report and in hypotheses (default: the scenario's name).",
  }),
  variables: Variables.optional(),
  continueOnFail: z.boolean().optional().meta({
    description: 'Go on with the next items when this one does not pass (default false: the rest are skipped).',
  }),
  weight: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .meta({ description: "The item's weight in the game day's score (default 1)." }),
};

export const GameDayScenarioItem = z.strictObject({
  scenario: z.string().meta({ description: 'A scenario file, relative to this file (a drill runs as a drill).' }),
  ...RunItemFields,
});

export const GameDayDrillItem = z.strictObject({
  drill: z.string().meta({ description: 'A backup-restore drill scenario file, relative to this file.' }),
  ...RunItemFields,
});

export const GameDayItem = z.union([GameDayScenarioItem, GameDayDrillItem, CheckpointStep]);

export const Hypothesis = z.strictObject({
  id: Name.meta({ description: 'A short name, e.g. h1 or api-survives-pod-loss.' }),
  statement: z.string().min(1).meta({ description: 'What the team believes will happen, in a sentence.' }),
  items: z.array(z.string()).min(1).optional().meta({
    description: 'Items whose results confirm or refute it (default: every scenario and drill).',
  }),
  objectives: z.array(z.string()).min(1).optional().meta({
    description: 'Only these objectives of those items, by report name (e.g. rto, "availability(api, during)").',
  }),
});

export const GameDaySchema = z
  .strictObject({
    $schema: z.string().optional(),
    apiVersion: z.literal(API_VERSION),
    kind: z.literal('GameDay'),
    metadata: z.strictObject({
      name: Name.meta({ description: "The game day's name; used as its report folder name." }),
      description: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
    }),
    roles: z
      .strictObject({
        facilitator: z.string().optional(),
        scribe: z.string().optional(),
        observers: z.array(z.string()).optional(),
      })
      .optional()
      .meta({ description: 'Who runs the game day; printed in its report.' }),
    links: z
      .array(z.strictObject({ title: z.string(), url: z.string() }))
      .optional()
      .meta({ description: 'Runbooks, dashboards, the incident channel.' }),
    hypotheses: z.array(Hypothesis).optional(),
    variables: Variables.optional(),
    items: z.array(GameDayItem).min(1).meta({ description: 'Scenarios, drills and checkpoints, run in this order.' }),
    notify: Notify.optional(),
  })
  .meta({ title: 'gameday game day', description: 'A game day: scenarios and drills in order, with hypotheses.' });

export type GameDayParsed = z.output<typeof GameDaySchema>;
