// AWS faults by type, and what the runner needs to plan, inject and roll them back.

import { awsAzOutage } from './az-outage.js';
import { awsDbFailover } from './db-failover.js';
import { awsFisExperiment } from './fis-experiment.js';
import { awsSpotInterruption } from './spot-interruption.js';
import type { AwsFault, AwsFaultModule } from './types.js';

const modules = {
  'fis-experiment': awsFisExperiment,
  'spot-interruption': awsSpotInterruption,
  'az-outage': awsAzOutage,
  'db-failover': awsDbFailover,
} as const;

/** The module that injects `fault` on target aws. */
export function awsFaultModule<F extends AwsFault>(fault: F): AwsFaultModule<F> {
  return modules[fault.type] as unknown as AwsFaultModule<F>;
}

export { awsAzOutage, azOutageExperiment, databasesInZone } from './az-outage.js';
export { awsDbFailover, awaitFailoverEvents, dbFailoverExperiment, failoverDatabase } from './db-failover.js';
export {
  experimentOutcome,
  runExperiment,
  timelineTracker,
  type ExperimentResult,
  type ExperimentRunOptions,
} from './experiment.js';
export {
  classifyFailoverEvents,
  failoverTimes,
  FAILOVER_EVENTS,
  type ClassifiedEvent,
  type FailoverTimes,
} from './failover-events.js';
export { awsFisExperiment } from './fis-experiment.js';
export { injectViaFis } from './inject-fis.js';
export { describeAwsTarget, discoverAwsInventory, namedDatabases } from './inventory.js';
export {
  awsSpotInterruption,
  spotInterruptionExperiment,
  SPOT_NOTICE_MAX_MS,
  SPOT_NOTICE_MIN_MS,
} from './spot-interruption.js';
export {
  buildTemplate,
  clientToken,
  isoDuration,
  roleArnFor,
  selectionMode,
  TAG_MANAGED_BY,
  TAG_RUN_ID,
  TAG_STEP,
} from './template.js';
export { awsUndoHandlers, configureAwsUndo } from './undo.js';
export type * from './types.js';
