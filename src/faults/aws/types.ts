// Run-time shapes of the AWS faults: inventory, planned fault, runtime, execution, the module interface.
// The resolved fault configs themselves are in config.ts.

import type { AwsDriver } from '../../drivers/aws/index.js';
import type { FisActionState, FisResolvedTarget, FisTemplateInput } from '../../drivers/aws/types.js';
import type { Journal } from '../../runner/journal.js';
import type { Clock } from '../../util/clock.js';
import type { FaultExecution } from '../types.js';
import type { AwsFault, AwsInventory, AwsTimelineEntry, PlannedAwsFault } from './config.js';

/** What an AWS fault needs at run time (FaultRuntime with an `aws` part). */
export interface AwsFaultRuntime {
  step: string;
  runId: string;
  journal: Journal;
  clock: Clock;
  signal: AbortSignal;
  aws: AwsDriver;
  /** Resolve targets without injecting (FIS actionsMode skip-all), for `gameday plan --preview`. */
  preview?: boolean;
  log(message: string): void;
  /** Hears what a FIS experiment's targets resolved to, as soon as FIS lists them (see runExperiment). */
  onResolvedTargets?(targets: FisResolvedTarget[]): void;
}

/** The outcome of an AWS fault: FaultExecution plus a timeline and what FIS resolved. */
export interface AwsFaultExecution extends FaultExecution {
  timeline: AwsTimelineEntry[];
  resolvedTargets: FisResolvedTarget[];
  fis?: { templateId: string; experimentId?: string; status: string; reason?: string; actions?: FisActionState[] };
}

export interface AwsFaultModule<F extends AwsFault = AwsFault> {
  type: F['type'];
  /** Pure: decide what the fault acts on. Throws GamedayError (invalid-input) when it cannot apply. */
  plan(fault: F, inventory: AwsInventory): PlannedAwsFault<F>;
  /** Inject. Journals the intent and its undo before every mutating call. */
  inject(fault: F, planned: PlannedAwsFault<F>, runtime: AwsFaultRuntime): Promise<AwsFaultExecution>;
}

export type { FisTemplateInput };
export type * from './config.js';
