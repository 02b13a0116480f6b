// The sandbox driver: start/stop the embedded sandbox and control it.

export { SandboxClient } from './client.js';
export type { SandboxClientOptions } from './client.js';
export { readGroundTruth } from './ground-truth.js';
export { startSandbox, SUPERVISOR_SCRIPT } from './process.js';
export type { SandboxHandle, StartSandboxOptions } from './process.js';
export { stopSandboxFromState } from './teardown.js';
export type { SandboxTeardownResult, StopFromStateOptions } from './teardown.js';
export type * from './types.js';
export { projectedSandboxStatus } from './projection.js';
export type { SandboxShape } from './projection.js';
export { startRetiredServer } from './inspect.js';
export type { StandaloneServer } from './inspect.js';
export { ensureDatabasePrimaryIn, primaryRegion, waitForRegion } from './regions.js';
