// The sandbox's crash-matrix cases: every sandbox fault and the restore drill, as shipped in
// scenarios/sandbox/, run against long-lived sandboxes; and a run that starts its own sandbox. The kill
// points listed are the test tier's (first and last); the bench finds and runs all of them.

import type { StartSandboxOptions } from '../../src/drivers/sandbox/index.js';
import type { CrashCase } from './harness.js';

/** The sandbox the zone and replica faults, the database failover and the drill attach to. */
export const FLEET_SANDBOX: Omit<StartSandboxOptions, 'stateDir'> = {
  replicas: 6,
  zones: ['a', 'b', 'c'],
  startupDelayMs: 300,
  database: true,
};

/** The two-region sandbox of scenarios/sandbox/region-failover.yaml. */
export const REGION_SANDBOX: Omit<StartSandboxOptions, 'stateDir'> = {
  replicas: 3,
  zones: ['a', 'b', 'c'],
  startupDelayMs: 300,
  database: true,
  regions: [{ name: 'west' }, { name: 'east', replicas: 0 }],
  replicationLagMs: 50,
};

export const FLEET_CASES: CrashCase[] = [
  { fault: 'pod-kill', scenario: 'scenarios/sandbox/pod-kill.yaml', killPoints: [1] },
  { fault: 'zone-outage', scenario: 'scenarios/sandbox/zone-outage.yaml', killPoints: [1] },
  { fault: 'spot-interruption', scenario: 'scenarios/sandbox/spot-interruption.yaml', killPoints: [1] },
  // markers table, then the failover
  { fault: 'db-failover', scenario: 'scenarios/sandbox/db-failover.yaml', killPoints: [1, 2] },
  // markers table, drill work dir, scratch server
  {
    fault: 'backup-restore drill',
    command: 'drill',
    scenario: 'scenarios/sandbox/backup-restore.yaml',
    killPoints: [1, 3],
  },
];

export const REGION_CASES: CrashCase[] = [
  // markers table, region west down, then the runbook: switch traffic, promote, scale east, verify
  { fault: 'region-failover', scenario: 'scenarios/sandbox/region-failover.yaml', killPoints: [1, 6] },
];

/**
 * Runs that start their own sandbox, which stops with them: killed after the sandbox is up, after the
 * zone went down, and after a failover with RPO markers in the sandbox's own database.
 */
export const SELF_STARTED_CASES: CrashCase[] = [
  // the sandbox, then zone a down (held until rollback)
  {
    fault: 'zone-outage (own sandbox)',
    scenario: 'test/fixtures/runs/zone-hold.yaml',
    killPoints: [1, 2],
    expect: () => ({ kind: 'vanishes' }),
  },
  // the sandbox, the markers table in its database, the failover
  {
    fault: 'db-failover (own sandbox)',
    scenario: 'scenarios/sandbox/db-failover.yaml',
    killPoints: [3],
    expect: () => ({ kind: 'vanishes' }),
  },
];
