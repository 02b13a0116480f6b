// Undo handlers: how each journaled mutation is reversed. They take only the journal's plain data,
// so `gameday rollback <run-dir>` can replay them in a new process after a crash. All are idempotent.

import { existsSync, rmSync } from 'node:fs';
import { SandboxClient, stopSandboxFromState } from '../drivers/sandbox/index.js';
import { settledLiveness } from '../drivers/sandbox/liveness.js';
import { ensureDatabasePrimaryIn, waitForRegion } from '../drivers/sandbox/regions.js';
import { dropMarkers } from '../drivers/postgres/markers.js';
import { dropScratchDatabase, removeOwnedDir, removeScratchServer } from '../drivers/postgres/scratch.js';
import { awsUndoHandlers } from './aws/undo.js';
import { kubernetesUndoHandlers } from './kubernetes/undo.js';
import { undoScaleDeployment } from '../runbook/kubernetes-actions.js';
import { GamedayError } from '../errors.js';
import type { JournalEntry, UndoAction } from '../runner/journal.js';
import { sleep } from '../util/clock.js';
import { goneWithRun, vanishedSandbox } from './vanished.js';

export interface UndoContext {
  signal: AbortSignal;
  /** Time allowed for one undo, including its verification. */
  timeoutMs: number;
  /** The journal says the mutating call returned success (false: it failed, or the run died during it). */
  applied?: boolean;
  /** The whole journal: tells which targets the run started itself (and may have vanished with it). */
  entries?: readonly JournalEntry[];
}

type UndoHandler = (args: Record<string, unknown>, ctx: UndoContext) => Promise<string>;

function str(args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== 'string')
    throw new GamedayError(`undo argument "${key}" is missing`, { kind: 'runtime', code: 'UNDO_ARGS' });
  return v;
}

/** Wait until the sandbox fleet is whole (ready === desired) or the time runs out. */
async function waitForFleet(client: SandboxClient, desired: number, ctx: UndoContext): Promise<string> {
  const deadline = performance.now() + ctx.timeoutMs;
  let last: string;
  for (;;) {
    const status = await client.status(ctx.signal);
    last = `${status.ready}/${status.desired} ready`;
    if (status.desired === desired && status.ready >= desired) return `fleet whole: ${last}`;
    if (performance.now() > deadline) {
      throw new GamedayError(`sandbox fleet not whole after ${Math.round(ctx.timeoutMs / 1000)}s (${last})`, {
        kind: 'rollback-incomplete',
        code: 'FLEET_NOT_WHOLE',
        phase: 'rollback',
      });
    }
    await sleep(200, ctx.signal);
  }
}

const handlers: Record<string, UndoHandler> = {
  // AWS: stop FIS experiments, delete FIS templates, wait for RDS after a failover (src/faults/aws/undo.ts).
  ...awsUndoHandlers,
  // Kubernetes: nodes back, zone restored, pods Ready again (src/faults/kubernetes/undo.ts).
  ...kubernetesUndoHandlers,
  // Kubernetes runbook step (src/runbook/kubernetes-actions.ts): a Deployment back to its captured replicas.
  'kubernetes:scale-deployment': undoScaleDeployment,
  async 'sandbox:ensure-fleet'(args, ctx) {
    const client = new SandboxClient(str(args, 'controlUrl'));
    const desired = Number(args['desired']);
    const status = await client.status(ctx.signal);
    if (status.desired !== desired) await client.setDesired(desired);
    return waitForFleet(client, desired, ctx);
  },
  async 'sandbox:zone-up'(args) {
    const client = new SandboxClient(str(args, 'controlUrl'));
    const zone = str(args, 'zone');
    await client.zoneUp(zone);
    return `zone ${zone} up`;
  },
  async 'sandbox:restore-database'(args, ctx) {
    const client = new SandboxClient(str(args, 'controlUrl'));
    const status = await client.status(ctx.signal);
    if (!status.db) return 'no database: nothing to restore';
    return (await client.restoreDatabase(ctx.signal)).restored;
  },
  async 'sandbox:switch-traffic'(args, ctx) {
    const client = new SandboxClient(str(args, 'controlUrl'));
    // Why force: the region traffic returns to may still be down; DNS may point at a dead region.
    const r = await client.switchTraffic(str(args, 'to'), { force: true }, ctx.signal);
    return `traffic on ${r.servingRegion}`;
  },
  async 'sandbox:scale-region'(args, ctx) {
    const client = new SandboxClient(str(args, 'controlUrl'));
    const r = await client.scaleRegion(str(args, 'region'), Number(args['replicas']), ctx.signal);
    return `region ${r.region} at ${r.desired} replicas`;
  },
  async 'sandbox:database-primary-in'(args, ctx) {
    if (typeof args['region'] !== 'string') return 'there was no primary: nothing to restore';
    return ensureDatabasePrimaryIn(new SandboxClient(str(args, 'controlUrl')), args['region'], ctx.signal);
  },
  async 'sandbox:region-up'(args, ctx) {
    const client = new SandboxClient(str(args, 'controlUrl'));
    const region = str(args, 'region');
    const up = await client.regionUp(region, ctx.signal);
    const parts = [
      `region ${region} up${up.databaseStarted.length ? ` (restarted ${up.databaseStarted.join(', ')})` : ''}`,
    ];
    if (typeof args['databasePrimary'] === 'string') {
      parts.push(await ensureDatabasePrimaryIn(client, args['databasePrimary'], ctx.signal));
    }
    parts.push(await waitForRegion(client, region, ctx.timeoutMs, ctx.signal));
    return parts.join('; ');
  },
  async 'runbook:none'() {
    return 'nothing to undo (read-only step)';
  },
  async 'sandbox:stop'(args, ctx) {
    const stateDir = str(args, 'stateDir');
    if (!existsSync(stateDir)) return goneWithRun(`sandbox ${stateDir}`);
    // A sandbox whose run was killed stops itself (owner watchdog): let it finish before judging.
    const live = await settledLiveness(stateDir, ctx.timeoutMs, ctx.signal);
    if (live.state !== 'gone' || live.leftovers.length > 0) await stopSandboxFromState(stateDir);
    // The state dir is gameday's own temp dir; once every process is gone nothing in it is needed.
    rmSync(stateDir, { recursive: true, force: true });
    if (live.state === 'gone' && live.leftovers.length === 0) {
      return `${goneWithRun(`sandbox ${stateDir}`)} (its state dir removed)`;
    }
    return 'sandbox stopped';
  },
  async 'postgres:drop-markers'(args, ctx) {
    return dropMarkers({
      url: str(args, 'url'),
      table: str(args, 'table'),
      runId: str(args, 'runId'),
      signal: ctx.signal,
    });
  },
  // Restore drills (src/drill): a scratch server, a scratch database, the drill's temp dir.
  async 'postgres:remove-scratch-server'(args) {
    const dir = str(args, 'dir');
    // A scratch server is started by the drill that journals it: its dir gone means it went with that drill.
    if (!existsSync(dir)) return goneWithRun(`scratch PostgreSQL ${dir}`);
    return removeScratchServer(dir);
  },
  async 'postgres:drop-scratch-database'(args) {
    return dropScratchDatabase({ url: str(args, 'url'), database: str(args, 'database') });
  },
  async 'drill:remove-work-dir'(args) {
    return removeOwnedDir(str(args, 'dir'));
  },
};

/** Run one undo action. Unknown actions are an error: a journal from a newer gameday must not be half-undone silently. */
export async function runUndo(action: UndoAction, ctx: UndoContext): Promise<string> {
  const handler = handlers[`${action.driver}:${action.op}`];
  if (!handler) {
    throw new GamedayError(`unknown undo action ${action.driver}:${action.op}`, {
      kind: 'rollback-incomplete',
      code: 'UNKNOWN_UNDO',
      hint: 'this journal was written by another version of gameday; undo it by hand',
    });
  }
  if (ctx.entries && (action.driver === 'sandbox' || `${action.driver}:${action.op}` === 'postgres:drop-markers')) {
    // Why before the call: the address of a sandbox that is gone may already belong to something else.
    const gone = action.op === 'stop' ? null : await vanishedSandbox(action.args, ctx.entries, ctx);
    if (gone !== null) return gone;
  }
  return handler(action.args, ctx);
}
