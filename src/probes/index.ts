// Probes: one module per kind, and the scheduler that samples them.

export { createProbe, type ProbeDeps } from './create.js';
export {
  startProbes,
  checkOnce,
  waitUntilHealthy,
  MIN_INTERVAL_MS,
  type ProbeRunner,
  type SchedulerStats,
} from './scheduler.js';
export type { SandboxStatusSource } from './sandbox.js';
export type { Probe, ProbeSample, CheckOutcome } from './types.js';
