// Region-level operations composed from control API calls, shared by runbook rollbacks and the
// undo handlers of `gameday rollback` (both need them with nothing but a control URL).

import { GamedayError } from '../../errors.js';
import { sleep } from '../../util/clock.js';
import type { SandboxClient } from './client.js';
import type { SandboxStatus } from './types.js';

/** The region that holds the database primary (running, or stopped and not replaced yet). */
export function primaryRegion(status: SandboxStatus): string | null {
  return status.db?.primary?.region ?? status.db?.stoppedPrimary?.region ?? null;
}

/** Rebuild a missing standby; a 409 (its region is down) is reported, not thrown. */
async function rebuildIfMissing(client: SandboxClient, signal?: AbortSignal): Promise<string> {
  try {
    return (await client.restoreDatabase(signal)).restored;
  } catch (error) {
    if (error instanceof GamedayError && error.code === 'SANDBOX_REJECTED')
      return `standby not rebuilt: ${error.message}`;
    throw error;
  }
}

/**
 * Make `region` hold the database primary again, with a standby in the other region — the undo of a
 * promotion. Why a switchover instead of restarting the old primary: after a promotion the old one
 * has diverged; a fresh standby is cloned in `region`, the current primary is stopped cleanly (fast:
 * it ships all its WAL first, so no write is lost) and the new standby is promoted. Idempotent.
 */
export async function ensureDatabasePrimaryIn(
  client: SandboxClient,
  region: string,
  signal?: AbortSignal,
): Promise<string> {
  let status = await client.status(signal);
  if (!status.db) return 'no database: nothing to do';
  if (!status.db.primary && status.db.stoppedPrimary?.region === region) {
    if (status.regions[region]?.down) return `region ${region} is down: its primary restarts when the region is up`;
    await client.restoreDatabase(signal);
    status = await client.status(signal);
  }
  const current = status.db?.primary;
  if (!current) return `no running primary to move (the standby was not promoted); left as it is`;
  if (current.region === region) {
    const note = status.db?.standby ? '' : `; ${await rebuildIfMissing(client, signal)}`;
    return `database primary already in ${region} (${current.name})${note}`;
  }
  if (status.regions[region]?.down) {
    return `region ${region} is down: the database stays primary in ${current.region ?? '?'} (bringing ${region} up moves it back)`;
  }
  if (status.db?.standby && status.db.standby.region !== region) {
    throw new GamedayError(
      `cannot move the primary to ${region}: standby ${status.db.standby.name} is in ${status.db.standby.region}`,
      { kind: 'rollback-incomplete', code: 'SANDBOX_TOPOLOGY', phase: 'rollback' },
    );
  }
  if (!status.db?.standby) await client.restoreDatabase(signal);
  await client.stopPrimary('fast', signal);
  const promoted = await client.promoteStandby(signal);
  const rebuilt = await rebuildIfMissing(client, signal);
  return `database primary moved back to ${region} (${current.name} → ${promoted.newPrimary}, switchover); ${rebuilt}`;
}

/** Wait until `region` has `desired` ready replicas (and that many desired), or throw after timeoutMs. */
export async function waitForRegion(
  client: SandboxClient,
  region: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = (await client.status(signal)).regions[region];
    if (!r) throw new GamedayError(`unknown region ${region}`, { kind: 'runtime', code: 'UNKNOWN_REGION' });
    if (r.ready >= r.desired) return `region ${region}: ${r.ready}/${r.desired} ready`;
    if (performance.now() > deadline) {
      throw new GamedayError(`region ${region} not whole after ${timeoutMs}ms (${r.ready}/${r.desired} ready)`, {
        kind: 'rollback-incomplete',
        code: 'FLEET_NOT_WHOLE',
        phase: 'rollback',
      });
    }
    await sleep(200, signal);
  }
}
