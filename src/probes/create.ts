// Turn a resolved probe from the scenario into a runnable Probe of the right kind.

import { GamedayError } from '../errors.js';
import type { ResolvedProbe } from '../scenario/types.js';
import { createCommandProbe } from './command.js';
import { createHttpProbe } from './http.js';
import { createKubernetesProbe, type KubernetesProbeSource } from './kubernetes.js';
import { createSandboxProbe, type SandboxStatusSource } from './sandbox.js';
import { createSqlProbe } from './sql.js';
import { createTcpProbe } from './tcp.js';
import type { Probe } from './types.js';
import type { AwsDriver } from '../drivers/aws/index.js';
import { createAwsProbe } from './aws/create.js';
import { createPrometheusProbe } from './prometheus.js';

export interface ProbeDeps {
  /** Replica status of the sandbox target; required by sandbox probes. */
  sandboxStatus?: SandboxStatusSource;
  /** Informer caches of the kubernetes target; required by kubernetes probes. */
  kubernetes?: KubernetesProbeSource;
  /** The aws target's driver; required by cloudwatch and rds probes. */
  aws?: AwsDriver;
}

/** Create the probe a scenario describes. Throws GamedayError (invalid-input) when a dependency it needs is missing. */
export function createProbe(resolved: ResolvedProbe, deps: ProbeDeps): Probe {
  const timing = { intervalMs: resolved.intervalMs, timeoutMs: resolved.timeoutMs };
  const check = resolved.check;
  switch (check.kind) {
    case 'http':
      return createHttpProbe(resolved.name, check, timing);
    case 'tcp':
      return createTcpProbe(resolved.name, check, timing);
    case 'sql':
      return createSqlProbe(resolved.name, check, timing);
    case 'command':
      return createCommandProbe(resolved.name, check, timing);
    case 'sandbox':
      if (!deps.sandboxStatus) {
        throw new GamedayError(
          `Probe "${resolved.name}" watches the sandbox, but the scenario has no sandbox target.`,
          {
            kind: 'invalid-input',
            code: 'PROBE_SANDBOX_UNAVAILABLE',
            hint: 'Add targets.sandbox to the scenario, or use an http/tcp probe instead.',
            target: `probe ${resolved.name}`,
          },
        );
      }
      return createSandboxProbe(resolved.name, check, timing, deps.sandboxStatus);
    case 'kubernetes': {
      if (!deps.kubernetes) {
        throw new GamedayError(
          `Probe "${resolved.name}" watches Kubernetes, but the scenario has no kubernetes target.`,
          {
            kind: 'invalid-input',
            code: 'PROBE_KUBERNETES_UNAVAILABLE',
            hint: 'Add targets.kubernetes to the scenario.',
            target: `probe ${resolved.name}`,
          },
        );
      }
      const { kind: _kind, ...k8sCheck } = check;
      return createKubernetesProbe(resolved.name, k8sCheck, timing, deps.kubernetes);
    }
    case 'cloudwatch':
    case 'rds':
      return createAwsProbe(resolved, check, deps.aws);
    case 'prometheus':
      return createPrometheusProbe(resolved.name, check, timing);
    default: {
      const unknownKind: never = check;
      throw new GamedayError(`Probe "${resolved.name}" has an unknown kind.`, {
        kind: 'invalid-input',
        code: 'PROBE_UNKNOWN_KIND',
        hint: `Use one of http, tcp, sql, command, sandbox (got ${String((unknownKind as { kind?: unknown }).kind)}).`,
      });
    }
  }
}
