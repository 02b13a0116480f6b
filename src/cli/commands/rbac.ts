// gameday rbac <scenario>: the least-privilege Role / ClusterRole the scenario needs on its kubernetes target,
// and on each other kube context its runbook's Kubernetes steps use.

import { parseAllDocuments } from 'yaml';
import { GamedayError } from '../../errors.js';
import { runbookKubernetesNeeds } from '../../faults/kubernetes/needs.js';
import { rbacYaml, type RbacSubject } from '../../faults/kubernetes/rbac.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { loadWithPlaceholders, showPlaceholders } from '../placeholders.js';

export const rbacHelp = `Usage: gameday rbac <file> [--user NAME | --service-account NAMESPACE/NAME]

Print, as YAML, the least-privilege RBAC the scenario needs on its kubernetes target: a Role for each
namespace it acts in and a ClusterRole for nodes. Runbook steps that act in another kube context
(kubernetes-scale on the DR cluster) get a section of their own, headed by a comment naming the context:
apply each section in its own cluster. With --user or --service-account, bindings too. A Deployment the
scenario names (kubernetes-scale) is granted by name (resourceNames); each rule that may write says why
in a comment above it. Variables the scenario references but that are not set are not needed; where
one's value would appear, the output shows \${NAME} instead (and says so on stderr).
Apply it with your usual tooling (kubectl apply -f -). Exit 2 when the scenario needs no Kubernetes access.
--json prints the objects as a JSON list; --quiet changes nothing (the output is the manifest).`;

export async function rbacCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('rbac', argv, {
    help: { type: 'boolean', short: 'h' },
    user: { type: 'string' },
    'service-account': { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values['help']) {
    io.out(rbacHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new GamedayError('rbac: give exactly one scenario file', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday rbac scenarios/connectkit/pod-kill.yaml',
    });
  }
  const { scenario, placeholders } = await loadWithPlaceholders(positionals[0] as string, io);
  if (!scenario.targets.kubernetes && runbookKubernetesNeeds(scenario).length === 0) {
    throw new GamedayError(
      `${positionals[0]} has no kubernetes target and no runbook step on Kubernetes; it needs no Kubernetes permissions`,
      {
        kind: 'invalid-input',
        code: 'NO_KUBERNETES_TARGET',
        hint: 'gameday rbac is for scenarios with targets.kubernetes or a kubernetes-scale runbook step',
      },
    );
  }
  let subject: RbacSubject | undefined;
  const user = values['user'];
  const sa = values['service-account'];
  if (typeof user === 'string' && typeof sa === 'string') {
    throw new GamedayError('rbac: give --user or --service-account, not both', { kind: 'usage', code: 'USAGE' });
  }
  if (typeof user === 'string') subject = { kind: 'User', name: user };
  if (typeof sa === 'string') {
    const [namespace, name] = sa.split('/');
    if (!namespace || !name) {
      throw new GamedayError('rbac: --service-account takes NAMESPACE/NAME', {
        kind: 'usage',
        code: 'USAGE',
        hint: 'e.g. --service-account chaos/gameday',
      });
    }
    subject = { kind: 'ServiceAccount', name, namespace };
  }
  const shown = showPlaceholders(rbacYaml(scenario, subject).trimEnd(), placeholders);
  for (const note of shown.notes) io.err(`note: ${note}`);
  // --json: the same objects as a JSON list (the YAML's comments, which name each section's context, are left out).
  if (values['json'])
    io.out(
      JSON.stringify(
        parseAllDocuments(shown.text)
          .map((d) => d.toJS() as unknown)
          .filter(Boolean),
        null,
        2,
      ),
    );
  else io.out(shown.text);
  return 0;
}
