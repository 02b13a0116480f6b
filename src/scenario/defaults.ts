// Every default a scenario gets when a field is left out, in one place. resolve.ts applies them,
// rules.ts checks against them, and schema descriptions quote them.

export const DEFAULTS = {
  probe: {
    intervalMs: 1_000,
    /** Smallest interval allowed; faster sampling measures the harness more than the system. */
    minIntervalMs: 50,
    /** A probe's timeout defaults to its interval, but never less than this. */
    minTimeoutMs: 1_000,
    http: { method: 'GET', expectStatus: [200] },
    sql: { query: 'select 1' },
    command: { expectExitCode: 0 },
  },
  load: {
    method: 'GET',
    connections: 64,
    maxInFlight: 10_000,
    timeoutMs: 10_000,
    expectStatus: [200, 201, 202, 204],
  },
  markers: { intervalMs: 100, table: 'gameday_markers' },
  sandbox: { replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 1_000 },
  guards: { timeoutMs: 15 * 60_000 },
  select: { count: 1, order: 'random' },
  podKill: { signal: 'SIGKILL', graceMs: 5_000 },
  spotInterruption: { noticeMs: 2 * 60_000, graceMs: 5_000 },
  dbFailover: { mode: 'immediate' },
  kubernetes: {
    mode: 'evict',
    evictionTimeoutMs: 60_000,
    podAction: 'evict',
    /** The kwok fixture's stage label (infra-fixtures/kubernetes/stages/node-not-ready.yaml). */
    notReadyLabel: 'node-not-ready.stage.kwok.x-k8s.io=true',
    /** Nodes a spot interruption picks when the step names none (EKS managed node groups label them so). */
    spotNodeLabels: { 'eks.amazonaws.com/capacityType': 'SPOT' },
  },
  runbook: { stepTimeoutMs: 2 * 60_000 },
  wait: { timeoutMs: 5 * 60_000 },
  verify: { timeoutMs: 30_000 },
  objectives: { stableForMs: 5_000, window: 'run' },
  rollback: { recoveryTimeoutMs: 2 * 60_000, steadyStateAfter: true, timeoutMs: 2 * 60_000 },
} as const;
