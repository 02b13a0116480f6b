// Semantic rules for steps and probes on the kubernetes target, and for choosing a step's target.
// Like rules.ts they read the document defensively: every problem is reported in one pass.

import { problem } from './diagnostics.js';
import type { PathSegment, Problem } from './diagnostics.js';
import { TARGET_FAULTS, candidateTargets } from './schema.js';
import { list } from './suggest.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Step keys that only the kubernetes target understands, and the ones only the sandbox does. */
const KUBERNETES_ONLY = ['mode', 'evictionTimeout', 'podAction', 'notReadyLabel'];
const KUBERNETES_SELECT_ONLY = ['labels', 'namespace', 'nodes'];
const SANDBOX_ONLY = ['signal'];
const WORKLOAD_KEYS = ['deployment', 'statefulSet'];
const PROBE_SUBJECTS = ['deployment', 'statefulSet', 'pdb', 'podRestarts', 'nodesReady'];

/** The target a fault step acts on: its `target:`, else the only present target that supports the fault. */
export function stepTarget(root: Obj, step: Obj): string | undefined {
  const explicit = str(step.target);
  if (explicit !== undefined) return explicit;
  const fault = str(step.fault);
  if (fault === undefined) return undefined;
  const candidates = candidateTargets(fault, Object.keys(obj(root.targets) ?? {}));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Every kubernetes rule plus target choice (explicit target present and able; no ambiguity). */
export function kubernetesRules(root: Obj): Problem[] {
  const steps = arr(root.steps).flatMap((s, i) => {
    const step = obj(s);
    return step === undefined ? [] : [{ step, path: ['steps', i] as PathSegment[] }];
  });
  return [...targetChoiceRules(root, steps), ...stepRules(root, steps), ...probeRules(root)];
}

function targetChoiceRules(root: Obj, steps: Array<{ step: Obj; path: PathSegment[] }>): Problem[] {
  const out: Problem[] = [];
  const present = Object.keys(obj(root.targets) ?? {});
  for (const { step, path } of steps) {
    const fault = str(step.fault);
    if (fault === undefined) continue;
    const explicit = str(step.target);
    if (explicit !== undefined) {
      if (!present.includes(explicit)) {
        out.push(
          problem(
            [...path, 'target'],
            'missing-target',
            `step targets ${explicit}, but targets.${explicit} is not set`,
            {
              hint: `add "targets: { ${explicit}: … }" or remove "target:" from the step`,
            },
          ),
        );
      } else if (TARGET_FAULTS[explicit] !== undefined && !TARGET_FAULTS[explicit].some((f) => f === fault)) {
        out.push(
          problem([...path, 'target'], 'unsupported-fault', `target ${explicit} cannot inject fault "${fault}"`, {
            hint: `targets that can: ${list(candidateTargets(fault, Object.keys(TARGET_FAULTS))) || 'none'}`,
          }),
        );
      }
      continue;
    }
    const candidates = candidateTargets(fault, present);
    if (candidates.length > 1) {
      // Why an error and not a default: a fault injected into the wrong system is the one mistake a
      // chaos tool must never make by guessing.
      out.push(
        problem([...path, 'fault'], 'ambiguous-target', `fault "${fault}" could act on ${candidates.join(' or ')}`, {
          hint: `add "target: ${candidates[candidates.length - 1]}" (or ${list(candidates.slice(0, -1))}) to the step`,
        }),
      );
    }
  }
  return out;
}

function stepRules(root: Obj, steps: Array<{ step: Obj; path: PathSegment[] }>): Problem[] {
  const out: Problem[] = [];
  const k8s = obj(obj(root.targets)?.kubernetes);
  const guards = obj(root.guards);
  const allowed = Array.isArray(guards?.allowedNamespaces)
    ? arr(guards?.allowedNamespaces).filter((n): n is string => typeof n === 'string')
    : undefined;
  const targetNs = str(k8s?.namespace);
  for (const { step, path } of steps) {
    const fault = str(step.fault);
    if (fault === undefined) continue;
    const target = stepTarget(root, step);
    const select = obj(step.select);
    if (target === 'kubernetes') {
      for (const key of SANDBOX_ONLY.filter((k) => k in step)) {
        out.push(
          problem([...path, key], 'not-for-target', `"${key}" applies to the sandbox, not to kubernetes`, {
            hint: 'on kubernetes use "mode: delete" or "mode: evict", and "grace"',
            at: 'key',
          }),
        );
      }
      if (select !== undefined && 'capacity' in select) {
        out.push(
          problem([...path, 'select', 'capacity'], 'not-for-target', '"capacity" applies to the sandbox', {
            hint: 'on kubernetes select nodes by label, e.g. labels: { eks.amazonaws.com/capacityType: SPOT }',
            at: 'key',
          }),
        );
      }
      if (fault === 'pod-kill' && obj(select?.labels) === undefined) {
        // Why required: without a selector the fault would pick any pod of the namespace, also ones
        // the scenario never meant to touch (a database, the harness itself).
        out.push(
          problem(
            select === undefined ? path : [...path, 'select'],
            'missing-key',
            'pod-kill on kubernetes needs select.labels',
            {
              hint: 'e.g. select: { labels: { app: connectkit }, count: 2 }',
              at: select === undefined ? 'key' : 'key',
            },
          ),
        );
      }
      if (fault === 'zone-outage') out.push(...zoneOutageModeRules(step, path));
      if (fault !== 'spot-interruption' && select !== undefined && 'nodes' in select) {
        out.push(
          problem([...path, 'select', 'nodes'], 'not-for-target', '"nodes" selects nodes for spot-interruption only', {
            at: 'key',
          }),
        );
      }
      if (allowed !== undefined) {
        const ns = str(select?.namespace) ?? targetNs;
        if (ns !== undefined && !allowed.includes(ns)) {
          const at: PathSegment[] =
            str(select?.namespace) !== undefined ? [...path, 'select', 'namespace'] : [...path, 'fault'];
          out.push(
            problem(
              at,
              'namespace-not-allowed',
              `namespace "${ns}" is not in guards.allowedNamespaces (${list(allowed) || 'empty'})`,
              {
                hint: 'add the namespace to guards.allowedNamespaces, or act on an allowed one',
              },
            ),
          );
        }
      }
    } else if (target !== undefined) {
      const keys = [
        ...KUBERNETES_ONLY.filter((k) => k in step && (k !== 'mode' || fault === 'pod-kill')).map((k) => [k]),
        ...KUBERNETES_SELECT_ONLY.filter((k) => select !== undefined && k in select).map((k) => ['select', k]),
      ];
      for (const key of keys) {
        out.push(
          problem([...path, ...key], 'not-for-target', `"${key.join('.')}" applies to kubernetes, not to ${target}`, {
            hint: 'add "target: kubernetes" to the step (and targets.kubernetes), or remove the key',
            at: 'key',
          }),
        );
      }
    }
  }
  return out;
}

function probeRules(root: Obj): Problem[] {
  const out: Problem[] = [];
  const hasTarget = obj(root.targets) !== undefined && 'kubernetes' in (obj(root.targets) as Obj);
  for (const [name, value] of Object.entries(obj(root.probes) ?? {})) {
    const spec = obj(obj(value)?.kubernetes);
    if (spec === undefined) continue;
    const at = ['probes', name, 'kubernetes'];
    if (!hasTarget) {
      out.push(
        problem(at, 'missing-target', `probe "${name}" watches Kubernetes, but targets.kubernetes is not set`, {
          hint: 'add "targets: { kubernetes: { context: …, namespace: … } }"',
          at: 'key',
        }),
      );
    }
    const subjects = PROBE_SUBJECTS.filter((k) => k in spec);
    if (subjects.length === 0) {
      out.push(
        problem(at, 'missing-key', `kubernetes probe "${name}" watches nothing`, {
          hint: `give it one of: ${list(PROBE_SUBJECTS)}`,
          at: 'key',
        }),
      );
      continue;
    }
    if (subjects.length > 1) {
      out.push(
        problem(
          [...at, subjects[1] as string],
          'conflicting-keys',
          `kubernetes probe "${name}" watches more than one thing (${list(subjects)})`,
          {
            hint: 'split it into one probe per thing watched',
            at: 'key',
          },
        ),
      );
      continue;
    }
    const subject = subjects[0] as string;
    const misplaced: Array<[string, string[]]> = [
      ['readyAtLeast', WORKLOAD_KEYS],
      ['availableAtLeast', WORKLOAD_KEYS],
      ['disruptionsAllowedAtLeast', ['pdb']],
    ];
    for (const [key, belongs] of misplaced) {
      if (key in spec && !belongs.includes(subject)) {
        out.push(
          problem([...at, key], 'conflicting-keys', `"${key}" applies to ${list(belongs)}, not to ${subject}`, {
            at: 'key',
          }),
        );
      }
    }
    if (subject === 'nodesReady' && 'namespace' in spec) {
      out.push(
        problem([...at, 'namespace'], 'conflicting-keys', 'nodes are not namespaced; remove "namespace"', {
          at: 'key',
        }),
      );
    }
  }
  return out;
}

/** zone-outage's mode decides which of its other keys apply: a key that would be ignored is an error. */
function zoneOutageModeRules(step: Obj, path: PathSegment[]): Problem[] {
  const mode = str(step.mode);
  if (mode === undefined) return [];
  const out: Problem[] = [];
  if (mode !== 'not-ready' && 'notReadyLabel' in step) {
    out.push(
      problem([...path, 'notReadyLabel'], 'not-for-mode', `"notReadyLabel" applies to mode not-ready, not ${mode}`, {
        hint: 'remove notReadyLabel, or use mode: not-ready',
        at: 'key',
      }),
    );
  }
  if ((mode === 'cordon' || mode === 'taint-no-execute') && 'podAction' in step) {
    const why = mode === 'cordon' ? 'cordon leaves the pods running' : 'the taint eviction controller removes the pods';
    out.push(
      problem([...path, 'podAction'], 'not-for-mode', `"podAction" does not apply to mode ${mode}: ${why}`, {
        hint: 'remove podAction, or use mode: cordon+drain',
        at: 'key',
      }),
    );
  }
  return out;
}
