// Types for watchdog.mjs, so src/ can guard the processes it starts.

export function startOwnerWatchdog(opts: {
  ownerPid: number;
  stateDir: string;
  marker: string;
  module: string;
  exportName: string;
  logFile: string;
  intervalMs?: number;
}): number;
