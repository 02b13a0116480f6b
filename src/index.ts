// The public library API of gameday. Everything else is internal.

export { runScenario, newRunId, type RunOptions, type RunResult } from './runner/run.js';
export { planRun, describePlan, type Plan, type PlannedStep } from './runner/plan.js';
export { readJournal, pendingUndos, type JournalEntry } from './runner/journal.js';
export type { RunEvent, Reporter, Verdict, Phase } from './runner/events.js';
export { loadScenarioFile, loadScenarioText, formatDiagnostic, type Diagnostic } from './scenario/index.js';
export type { Scenario } from './scenario/types.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export type {
  Report,
  ObjectiveResult,
  RtoMeasurement,
  RpoMeasurement,
  SloMeasurement,
  LoadReport,
} from './report/types.js';
export { readReport } from './report/index.js';
export { GamedayError, type ErrorKind } from './errors.js';
export { startSandbox, SandboxClient, type SandboxHandle } from './drivers/sandbox/index.js';
