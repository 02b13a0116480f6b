// Step kinds for people in the loop, usable in any scenario: `checkpoint` (a prompt the run waits on)
// and `action` (a custom mutation over HTTP or a command, with its undo). schema.ts adds them to Step.

import { z } from 'zod';
import { Duration } from './schema-common.js';

export const CHECKPOINT_POLICIES = ['continue', 'fail', 'abort'] as const;

export const CheckpointStep = z
  .strictObject({
    checkpoint: z
      .strictObject({
        prompt: z.string().min(1).meta({
          description: 'What the people running the game day should look at or decide before the run goes on.',
        }),
        timeout: Duration.optional().meta({
          description:
            'How long the checkpoint waits for Enter (on a terminal) or `gameday ack <run-dir>` (default 15m); then `nonInteractive` applies.',
        }),
        nonInteractive: z.enum(CHECKPOINT_POLICIES).optional().meta({
          description:
            'What happens when nobody can answer (no terminal, e.g. in CI) or the timeout passes: continue (default), fail the step, or abort the run.',
        }),
      })
      .meta({
        description:
          'A prompt the run waits on ("checkpoint #n" in reports unless named): Enter on a terminal or `gameday ack <run-dir>`.',
      }),
    name: z.string().optional().meta({ description: 'A label for reports (default: derived from the step).' }),
  })
  .meta({ description: 'Pause for the people running the game day: a prompt, answered by Enter or `gameday ack`.' });

export const HttpCall = z.strictObject({
  url: z.string().meta({ description: 'The URL to call; put tokens in headers, not here (URLs are journaled).' }),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional().meta({ description: 'Default POST.' }),
  headers: z.record(z.string(), z.string()).optional().meta({
    description:
      'Request headers. Their values never reach the journal or a report: put tokens here (e.g. "Bearer ${TOKEN}").',
  }),
  body: z.string().optional().meta({ description: 'Request body, sent as written.' }),
  expect: z
    .strictObject({
      status: z
        .union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)])
        .meta({ description: 'One status code or a list of them.' }),
    })
    .optional()
    .meta({ description: 'Accepted status codes (default any 2xx).' }),
  timeout: Duration.optional().meta({ description: 'Time limit for the request (default 30s).' }),
});

export const CommandCall = z.strictObject({
  run: z
    .union([z.string(), z.array(z.string()).min(1)])
    .meta({ description: 'Program and arguments (an array), or a shell command line (a string).' }),
  cwd: z.string().optional().meta({ description: 'Working directory (default: the one gameday runs in).' }),
  env: z.record(z.string(), z.string()).optional().meta({
    description:
      'Extra environment variables. Their values never reach the journal or a report: pass secrets here, not on the command line.',
  }),
  expect: z
    .strictObject({ exitCode: z.int().meta({ description: 'The exit code that means success.' }) })
    .optional()
    .meta({ description: 'Expected exit code (default 0).' }),
  timeout: Duration.optional().meta({ description: 'Time limit for the command (default 1m).' }),
});

/** One call: exactly one of http or command. */
export const ActionCall = z
  .union([
    z
      .strictObject({ http: HttpCall.meta({ description: 'An HTTP request.' }) })
      .meta({ description: 'An HTTP request.' }),
    z
      .strictObject({ command: CommandCall.meta({ description: 'A program or shell command.' }) })
      .meta({ description: 'A program or shell command.' }),
  ])
  .meta({
    description:
      'How to reverse the action (http or command). Journaled before the action runs and run at rollback, also after a crash (`gameday rollback`).',
  });

export const ActionStep = z
  .strictObject({
    action: z
      .strictObject({
        http: HttpCall.optional().meta({ description: 'The mutation as an HTTP request.' }),
        command: CommandCall.optional().meta({ description: 'The mutation as a program or shell command.' }),
        undo: ActionCall,
      })
      .meta({
        description:
          'The mutation ("action #n" in reports unless named): exactly one of http or command, and its undo.',
      }),
    name: z.string().optional().meta({ description: 'A label for reports (default: derived from the step).' }),
  })
  .meta({
    description:
      'A custom mutation (exactly one of http or command) with its undo, journaled before it runs and rolled back like a fault.',
  });
