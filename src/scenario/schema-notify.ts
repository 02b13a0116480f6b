// `notify:` — webhooks on a run's start, abort and end: Slack-compatible, generic JSON, Grafana
// annotations. Secrets are named by environment variable, so a scenario file never holds them.

import { z } from 'zod';

export const NOTIFY_EVENTS = ['start', 'abort', 'end'] as const;

const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected the name of an environment variable, e.g. SLACK_WEBHOOK_URL' });

const on = z
  .array(z.enum(NOTIFY_EVENTS))
  .min(1)
  .optional()
  .meta({ description: 'Which events to send: start, abort, end (default all three).' });

const urlOrEnv = {
  url: z.string().optional().meta({ description: 'The URL (use urlEnv when the URL itself is a secret).' }),
  urlEnv: EnvName.optional().meta({ description: 'Environment variable holding the URL.' }),
};

export const SlackNotify = z.strictObject({
  slack: z
    .strictObject(urlOrEnv)
    .meta({ description: 'A Slack incoming webhook (or a compatible one): a message with blocks.' }),
  on,
});

export const WebhookNotify = z.strictObject({
  webhook: z
    .strictObject({
      ...urlOrEnv,
      tokenEnv: EnvName.optional().meta({
        description: 'Environment variable holding a bearer token sent as "Authorization: Bearer …".',
      }),
    })
    .meta({ description: 'A generic JSON webhook: the event and the report summary.' }),
  on,
});

export const GrafanaNotify = z.strictObject({
  grafana: z
    .strictObject({
      url: z.string().meta({ description: 'Grafana base URL, e.g. https://grafana.example.com.' }),
      tokenEnv: EnvName.optional().meta({
        description: 'Environment variable holding a service account token (default GRAFANA_TOKEN).',
      }),
      dashboardUid: z
        .string()
        .optional()
        .meta({ description: 'Annotate this dashboard only (default: an organization annotation).' }),
      panelId: z.int().min(0).optional().meta({ description: 'With dashboardUid: annotate this panel only.' }),
      tags: z
        .array(z.string())
        .optional()
        .meta({ description: 'Extra tags besides gameday, the scenario and the verdict.' }),
    })
    .meta({
      description: 'A Grafana annotation (POST /api/annotations): a region from the start to the end of the run.',
    }),
  on,
});

export const NotifyTarget = z.union([SlackNotify, WebhookNotify, GrafanaNotify]);

export const Notify = z.array(NotifyTarget).min(1).meta({
  description:
    'Webhooks on start, abort and end: slack, webhook (generic JSON) or grafana. A failed notification never fails the run; it is reported.',
});
