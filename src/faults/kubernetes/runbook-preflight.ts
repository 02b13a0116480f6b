// Preflight of a runbook's Kubernetes steps on clusters other than the kubernetes target's (usually the
// DR cluster, its own kube context): reach each context and check every permission its kubernetes-scale
// steps need with SelfSubjectAccessReview, before anything else happens. Steps on the target's own
// context are checked with the target (connect.ts, through kubernetesNeeds).

import type { KubeClient } from '../../drivers/kubernetes/client.js';
import { errorStatus } from '../../drivers/kubernetes/retry.js';
import { GamedayError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';
import { missingPermissions } from './connect.js';
import { runbookKubernetesNeeds, type RunbookClusterNeeds } from './needs.js';

export interface RunbookPreflightOptions {
  log(message: string): void;
}

const stepsOf = (c: RunbookClusterNeeds): string =>
  `runbook step${c.steps.length === 1 ? '' : 's'} ${c.steps.join(', ')}`;

/**
 * Check each kube context the runbooks' Kubernetes steps act in. Throws GamedayError (invalid-input,
 * exit 2, phase preflight) naming the context when it cannot be used or reached, or when a permission
 * is missing ("needs <verb> on <resource> in <namespace>").
 */
export async function preflightRunbookKubernetes(scenario: Scenario, opts: RunbookPreflightOptions): Promise<void> {
  const clusters = runbookKubernetesNeeds(scenario);
  if (clusters.length === 0) return;
  // Why here and not at the top: the client library is loaded only by runs that use Kubernetes.
  const { KubeClient } = await import('../../drivers/kubernetes/client.js');
  for (const c of clusters) {
    const unusable = (what: string, cause: unknown, hint: string): GamedayError =>
      new GamedayError(`${stepsOf(c)}: cannot ${what} at preflight`, {
        kind: 'invalid-input',
        code: 'K8S_RUNBOOK_CONTEXT',
        phase: 'preflight',
        target: c.context,
        cause,
        hint: `${hint}; nothing was changed`,
      });
    let client: KubeClient;
    try {
      client = new KubeClient({
        context: c.context,
        ...(c.kubeconfig === undefined ? {} : { kubeconfig: c.kubeconfig }),
      });
    } catch (error) {
      throw unusable(
        `use Kubernetes context ${c.context}`,
        error,
        error instanceof GamedayError && error.hint
          ? error.hint
          : "set the step's args.kubeconfig, or KUBECONFIG, to a kubeconfig with that context",
      );
    }
    try {
      let missing: string[];
      try {
        missing = await missingPermissions(client, c.permissions);
      } catch (error) {
        // Why fail here: a DR cluster found unreachable only at its scale-up step would fail the run
        // halfway through its runbook, after the DNS switch and the promotion.
        throw unusable(
          `${errorStatus(error) === undefined ? 'reach' : 'use'} Kubernetes context ${c.context} (${client.server})`,
          error,
          `check that its API server is reachable from here: kubectl --context ${c.context} auth can-i --list`,
        );
      }
      if (missing.length > 0) {
        throw new GamedayError(
          `the Kubernetes user of context ${c.context} lacks permissions ${stepsOf(c)} need${c.steps.length === 1 ? 's' : ''}: ${missing.join('; ')} (nothing was changed; \`gameday rbac ${scenario.file}\` prints the Role to grant)`,
          {
            kind: 'invalid-input',
            code: 'K8S_PREFLIGHT',
            phase: 'preflight',
            target: client.server,
            hint: `\`gameday rbac ${scenario.file}\` prints the Role to grant in context ${c.context}; nothing was changed`,
          },
        );
      }
      opts.log(
        `kubernetes ${client.server} (context ${c.context}, ${stepsOf(c)}): preflight ok, ${c.permissions.length} permission(s) checked`,
      );
    } finally {
      client.close();
    }
  }
}
