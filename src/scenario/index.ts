// The scenario module's public surface: load and validate files, format diagnostics, the schema.

export { loadScenarioFile, loadScenarioText, DEFAULT_MAX_BYTES } from './load.js';
export type { LoadOptions, LoadResult } from './load.js';
export { formatDiagnostic, hasErrors } from './diagnostics.js';
export type { Diagnostic, Severity } from './diagnostics.js';
export { resolveScenario } from './resolve.js';
export { DEFAULTS } from './defaults.js';
export { scenarioJsonSchema, scenarioJsonSchemaText, SCENARIO_SCHEMA_ID } from './json-schema.js';
export { ScenarioSchema, API_VERSION, FAULT_TYPES, PROBE_KINDS } from './schema.js';
export type { ScenarioInput, ScenarioParsed, FaultType, ProbeKind } from './schema.js';
export { RUNTIME_VARIABLES } from './types.js';
export type { Scenario } from './types.js';
