// Runbooks: ordered, journaled, verified steps with rollback, and the actions they can use.

export { checkRunbook, registerRunbookAction, runbookAction, runbookActionNames } from './registry.js';
export { runRunbook, runbookTimings } from './run.js';
export { defaultFailoverRunbook } from './defaults.js';
export type * from './types.js';
