// The least-privilege RBAC a scenario needs on its kubernetes target: a Role per namespace and a
// ClusterRole for cluster-scoped resources (nodes), optionally bound to a user or service account; and,
// in a section of its own per kube context, what its runbook's Kubernetes steps need on other clusters.

import { Document } from 'yaml';
import type { Scenario } from '../../scenario/types.js';
import { VERB_ORDER, kubernetesNeeds, runbookKubernetesNeeds, type Permission } from './needs.js';

export interface RbacSubject {
  kind: 'User' | 'ServiceAccount';
  name: string;
  /** ServiceAccount only. */
  namespace?: string;
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  /** Only these objects, where the scenario names them. */
  resourceNames?: string[];
  verbs: string[];
}

const WRITES = ['create', 'update', 'patch', 'delete'];

/**
 * Merge permissions into RBAC rules: one rule per API group and set of verbs; a permission on a named
 * object gets a rule of its own resource with resourceNames (merging resources there would grant every
 * name on every resource). Each rule comes with why it may write: "<verb> <resource>: <why>".
 */
function rules(perms: readonly Permission[]): Array<{ rule: Rule; writes: string[] }> {
  const byResource = new Map<
    string,
    { group: string; resource: string; name?: string; verbs: Set<string>; writes: string[] }
  >();
  for (const p of perms) {
    const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
    const key = `${p.group}|${resource}|${p.name ?? ''}`;
    const entry = byResource.get(key) ?? {
      group: p.group,
      resource,
      ...(p.name === undefined ? {} : { name: p.name }),
      verbs: new Set<string>(),
      writes: [],
    };
    entry.verbs.add(p.verb);
    if (WRITES.includes(p.verb)) entry.writes.push(`${p.verb} ${resource}: ${p.why}`);
    byResource.set(key, entry);
  }
  const merged = new Map<string, { rule: Rule; writes: string[] }>();
  for (const e of [...byResource.values()].sort(
    (a, b) =>
      a.group.localeCompare(b.group) ||
      a.resource.localeCompare(b.resource) ||
      (a.name ?? '').localeCompare(b.name ?? ''),
  )) {
    const verbs = [...e.verbs].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
    const key = `${e.group}|${verbs.join(',')}|${e.name === undefined ? '' : `named:${e.resource}`}`;
    const m = merged.get(key);
    if (m && e.name !== undefined) m.rule.resourceNames?.push(e.name);
    else if (m) m.rule.resources.push(e.resource);
    else {
      const rule: Rule = {
        apiGroups: [e.group],
        resources: [e.resource],
        ...(e.name === undefined ? {} : { resourceNames: [e.name] }),
        verbs,
      };
      merged.set(key, { rule, writes: [] });
    }
    merged.get(key)?.writes.push(...e.writes);
  }
  return [...merged.values()];
}

function binding(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  namespace: string | undefined,
  subject: RbacSubject,
): object {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: namespace === undefined ? { name } : { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole', name },
    subjects: [
      subject.kind === 'User'
        ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: subject.name }
        : { kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace ?? 'default' },
    ],
  };
}

/** A Role or ClusterRole granting `perms`, with why each of its rules may write (by rule index). */
function role(
  kind: 'Role' | 'ClusterRole',
  name: string,
  namespace: string | undefined,
  perms: Permission[],
): { object: object; writes: string[][] } {
  const made = rules(perms);
  const object = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      labels: { 'app.kubernetes.io/managed-by': 'gameday' },
    },
    rules: made.map((m) => m.rule),
  };
  return { object, writes: made.map((m) => [...new Set(m.writes)]) };
}

/**
 * The Role per namespace and the ClusterRole (and bindings, with a subject) granting `permissions`; a
 * Role's `writes` say why each of its rules may write (a binding has none).
 */
function roleObjects(
  name: string,
  permissions: readonly Permission[],
  subject: RbacSubject | undefined,
): Array<{ object: object; writes: string[][] }> {
  const docs: Array<{ object: object; writes: string[][] }> = [];
  const namespaces = [
    ...new Set(permissions.map((p) => p.namespace).filter((n): n is string => n !== undefined)),
  ].sort();
  for (const ns of namespaces) {
    docs.push(
      role(
        'Role',
        name,
        ns,
        permissions.filter((p) => p.namespace === ns),
      ),
    );
    if (subject) docs.push({ object: binding('RoleBinding', name, ns, subject), writes: [] });
  }
  const cluster = permissions.filter((p) => p.namespace === undefined);
  if (cluster.length > 0) {
    docs.push(role('ClusterRole', name, undefined, cluster));
    if (subject) docs.push({ object: binding('ClusterRoleBinding', name, undefined, subject), writes: [] });
  }
  return docs;
}

/** The Role per namespace and the ClusterRole (and bindings, with a subject) granting `permissions`, as objects to apply. */
export function roleManifests(name: string, permissions: readonly Permission[], subject: RbacSubject | undefined) {
  return roleObjects(name, permissions, subject).map((d) => d.object);
}

/** The same as YAML documents, with why each rule may write as a comment above it. */
function roleDocs(name: string, permissions: readonly Permission[], subject: RbacSubject | undefined): string[] {
  return roleObjects(name, permissions, subject).map(({ object, writes }) => {
    const doc = new Document(object);
    writes.forEach((w, i) => {
      const node = doc.getIn(['rules', i], true) as { commentBefore?: string } | undefined;
      if (node && w.length) node.commentBefore = w.map((line) => ` ${line}`).join('\n');
    });
    return doc.toString({ lineWidth: 0, singleQuote: true });
  });
}

/** The name of a scenario's Roles and bindings: gameday-<scenario>, cut to a DNS label's 63 characters. */
export const rbacName = (scenario: string): string => `gameday-${scenario}`.slice(0, 63);

const targetLabel = (t: { context?: string; inCluster: boolean }): string =>
  t.inCluster
    ? 'in-cluster config'
    : t.context !== undefined
      ? `context ${t.context}`
      : "the kubeconfig's current context";
const yamlDocs = (docs: readonly string[]): string => docs.join('---\n');
const neededFor = (reasons: readonly string[]): string[] => ['# Needed for:', ...reasons.map((w) => `#   - ${w}`)];

/**
 * The Role/ClusterRole (and bindings, with a subject) as a multi-document YAML string: the kubernetes
 * target's first, then one section per other kube context the runbook's Kubernetes steps use, each
 * headed by a comment naming its context (apply each section in its own cluster).
 */
export function rbacYaml(scenario: Scenario, subject?: RbacSubject): string {
  const name = rbacName(scenario.name);
  const title = `# Least-privilege RBAC for gameday scenario ${scenario.name} (generated by \`gameday rbac\`).`;
  const ssar =
    '# Preflight uses SelfSubjectAccessReview, which every authenticated user may create (system:basic-user).';
  const sections: string[] = [];
  const others = runbookKubernetesNeeds(scenario);
  const target = scenario.targets.kubernetes;
  if (target) {
    const needs = kubernetesNeeds(scenario);
    const header = [
      title,
      // Labelled only when other sections follow, so a target-only scenario prints what it always did.
      ...(others.length > 0 ? [`# Kubernetes target (${targetLabel(target)}).`] : []),
      ...neededFor(needs.reasons),
      ssar,
    ];
    sections.push(`${header.join('\n')}\n${yamlDocs(roleDocs(name, needs.permissions, subject))}`);
  }
  for (const c of others) {
    const where = `context ${c.context}${c.kubeconfig === undefined ? '' : ` of kubeconfig ${c.kubeconfig}`}`;
    const header = [
      ...(sections.length === 0 ? [title, ssar] : []),
      `# Kubernetes ${where}: runbook step(s) ${c.steps.join(', ')}${target ? ', not the kubernetes target' : ''}.`,
      `# Apply this section in that cluster, e.g. kubectl${c.kubeconfig === undefined ? '' : ` --kubeconfig ${c.kubeconfig}`} --context ${c.context} apply -f -`,
      ...neededFor(c.reasons),
    ];
    sections.push(`${header.join('\n')}\n${yamlDocs(roleDocs(name, c.permissions, subject))}`);
  }
  return sections.join('---\n');
}

/**
 * The RBAC of a principal that runs every one of `scenarios` (their targets' needs and their runbooks' other
 * contexts, all granted together): the Infra fixture's restricted user holds exactly this, generated from
 * the shipped scenarios (scripts/fixture-rbac.js), so it can never grant more than they need.
 */
export function unionRbacYaml(name: string, scenarios: readonly Scenario[], subject: RbacSubject, header: string[]) {
  // Every permission with its own reason: a rule that may write says each reason it is needed for.
  const perms = scenarios.flatMap((s) => [
    ...kubernetesNeeds(s).permissions,
    ...runbookKubernetesNeeds(s).flatMap((c) => c.permissions),
  ]);
  return `${header.map((l) => `# ${l}`.trimEnd()).join('\n')}\n${yamlDocs(roleDocs(name, perms, subject))}`;
}
