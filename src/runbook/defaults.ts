// The default sandbox failover runbook, in the order of ConnectKit's DR plan: switch DNS to the DR
// region, promote the read replica, scale up the DR fleet, verify health.

import type { RunbookStep } from './types.js';

/** Pure: the runbook that moves service to region `to`, scaling it up to `replicas`. */
export function defaultFailoverRunbook(opts: { to: string; replicas: number }): RunbookStep[] {
  const { to, replicas } = opts;
  return [
    { name: 'switch-traffic', action: 'sandbox-switch-traffic', args: { to }, timeoutMs: 30_000 },
    // A planned failover (no outage) stops the old primary cleanly first; after an outage it is already down.
    { name: 'promote-database', action: 'sandbox-promote-database', args: { region: to }, timeoutMs: 120_000 },
    { name: 'scale-dr', action: 'sandbox-scale', args: { region: to, replicas }, timeoutMs: 120_000 },
    { name: 'verify-healthy', action: 'sandbox-wait-healthy', args: { region: to }, timeoutMs: 60_000 },
  ];
}
