// Undo handlers for AWS mutations. They rebuild clients from the journal's plain data — region and
// endpoint, never credentials (the default credential chain supplies those) — and are idempotent.

import type { AwsClientOptions } from '../../drivers/aws/index.js';
import { runbookUndoHandlers } from './undo-runbook.js';
import { FIS_TERMINAL } from '../../drivers/aws/types.js';
import { GamedayError } from '../../errors.js';
import { driverAt, str } from './undo-args.js';
import { sleep } from '../../util/clock.js';
import { TAG_RUN_ID, TAG_STEP } from './template.js';

export interface AwsUndoContext {
  signal: AbortSignal;
  timeoutMs: number;
  /** The journal says the mutating call returned success (false: it failed, or the run died during it). */
  applied?: boolean;
}

type Handler = (args: Record<string, unknown>, ctx: AwsUndoContext) => Promise<string>;

let clientOptions: AwsClientOptions = {};

/** Options for the clients undos build (audits and tests: a command recorder, loopback-only). Never credentials from the journal. */
export function configureAwsUndo(opts: AwsClientOptions): void {
  clientOptions = opts;
}

/** Stop every experiment this run started from the template, and wait until each is stopped. */
const stopExperiments: Handler = async (args, ctx) => {
  const driver = await driverAt(clientOptions, 'fis', args);
  try {
    const templateId = str(args, 'templateId');
    const runId = str(args, 'runId');
    const step = str(args, 'step');
    const done: string[] = [];
    for (const e of await driver.fis.findExperiments(templateId, ctx.signal)) {
      // Only our own: a shared template may have experiments other people started.
      const view = await driver.fis.getExperiment(e.id, ctx.signal);
      if (view.tags[TAG_RUN_ID] !== runId || view.tags[TAG_STEP] !== step) continue;
      if (FIS_TERMINAL.includes(view.status)) {
        done.push(`${e.id} already ${view.status}`);
        continue;
      }
      const status = await driver.fis.stopAndWait(e.id, {
        signal: ctx.signal,
        timeoutMs: ctx.timeoutMs,
        intervalMs: 1000,
      });
      done.push(`${e.id} ${status}`);
    }
    return done.length ? `experiments: ${done.join(', ')}` : `no experiment of this run from template ${templateId}`;
  } finally {
    driver.destroy();
  }
};

/** Delete every template tagged with this run and step (found by tags: the id may never have been journaled). */
const deleteTemplates: Handler = async (args, ctx) => {
  const driver = await driverAt(clientOptions, 'fis', args);
  try {
    const ids = await driver.fis.findTemplates(
      { [TAG_RUN_ID]: str(args, 'runId'), [TAG_STEP]: str(args, 'step') },
      ctx.signal,
    );
    const done: string[] = [];
    for (const id of ids) done.push(`${id} ${await driver.fis.deleteTemplate(id, ctx.signal)}`);
    if (done.length > 0) return `templates: ${done.join(', ')}`;
    // Looked up by the run's tags, so "none" is an answer, not a guess: the create never took effect.
    return ctx.applied === false
      ? 'never created: no template tagged with this run exists'
      : 'no template of this run to delete';
  } finally {
    driver.destroy();
  }
};

/** Wait until the database is available again after a failover. */
const awaitAvailable: Handler = async (args, ctx) => {
  const driver = await driverAt(clientOptions, 'rds', args);
  try {
    const id = str(args, 'id');
    const kind = str(args, 'kind');
    const deadline = performance.now() + ctx.timeoutMs;
    for (;;) {
      const db =
        kind === 'cluster'
          ? await driver.rds.describeCluster(id, ctx.signal)
          : await driver.rds.describeInstance(id, ctx.signal);
      if (db.status === 'available')
        return `${kind} ${id} available (writer ${db.writer ?? db.id} in ${db.writerZone ?? '?'})`;
      if (performance.now() > deadline) {
        throw new GamedayError(
          `RDS ${kind} ${id} is ${db.status}, not available, after ${Math.round(ctx.timeoutMs / 1000)}s`,
          {
            kind: 'rollback-incomplete',
            code: 'RDS_NOT_AVAILABLE',
            phase: 'rollback',
            target: `rds ${kind} ${id}`,
          },
        );
      }
      await sleep(2000, ctx.signal);
    }
  } finally {
    driver.destroy();
  }
};

/** Delete a restore drill's scratch instance (no final snapshot); a missing instance counts as deleted. */
const deleteDbInstance: Handler = async (args, ctx) => {
  const driver = await driverAt(clientOptions, 'rds', args);
  try {
    const { rdsDrill } = await import('../../drivers/aws/rds-drill.js');
    return await rdsDrill(driver.clients.rds).deleteInstance({
      dbInstanceIdentifier: str(args, 'dbInstanceIdentifier'),
      signal: ctx.signal,
    });
  } finally {
    driver.destroy();
  }
};

/** Keyed "driver:op", as journal UndoActions name them. */
export const awsUndoHandlers: Record<string, Handler> = {
  'aws:fis-stop-experiments': stopExperiments,
  'aws:fis-delete-templates': deleteTemplates,
  'aws:rds-await-available': awaitAvailable,
  'aws:delete-db-instance': deleteDbInstance,
  // Runbook actions (src/runbook/aws-actions.ts): Route 53 record back, RDS promotion reported.
  ...runbookUndoHandlers(() => clientOptions),
};
