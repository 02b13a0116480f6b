// Every fault type gameday knows, by name.

import type { FaultTarget, ResolvedFault } from '../scenario/types.js';
import { kubernetesFaults } from './kubernetes/index.js';
import { dbFailover } from './sandbox/db-failover.js';
import { podKill } from './sandbox/pod-kill.js';
import { regionFailover } from './sandbox/region-failover.js';
import { spotInterruption } from './sandbox/spot-interruption.js';
import { zoneOutage } from './sandbox/zone-outage.js';
import type { FaultModule } from './types.js';
import { awsFaultAdapter } from './aws/adapter.js';
import { awsRegionFailover } from './aws/region-failover.js';

const sandboxFaults = {
  'pod-kill': podKill,
  'zone-outage': zoneOutage,
  'spot-interruption': spotInterruption,
  'db-failover': dbFailover,
  'region-failover': regionFailover,
} as const;

/** The module that injects `fault` on `target`. */
export function faultModule(fault: ResolvedFault, target: FaultTarget): FaultModule {
  if (target === 'kubernetes') {
    const module = kubernetesFaults[fault.type as keyof typeof kubernetesFaults];
    if (module) return module as unknown as FaultModule;
  }
  if (target === 'aws') {
    // The runbook-driven failover runs AWS actions itself; every other AWS fault goes through FIS / RDS.
    if (fault.type === 'region-failover') return awsRegionFailover as unknown as FaultModule;
    return awsFaultAdapter;
  }
  return sandboxFaults[fault.type as keyof typeof sandboxFaults] as unknown as FaultModule;
}
