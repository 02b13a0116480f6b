// Semantic rules for k6 load, Prometheus objectives, SLOs and error budgets. Like rules.ts they read the
// document defensively, so every problem is reported in one pass.

import { parsePercent } from '../util/duration.js';
import { problem } from './diagnostics.js';
import type { PathSegment, Problem } from './diagnostics.js';
import { didYouMeanPrefix, list } from './suggest.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A field that may be one mapping or a list of them, with each one's path. */
const oneOrMany = (v: unknown, path: PathSegment[]): Array<{ o: Obj; path: PathSegment[] }> =>
  Array.isArray(v)
    ? v.flatMap((x, i) => (obj(x) ? [{ o: obj(x) as Obj, path: [...path, i] }] : []))
    : obj(v)
      ? [{ o: obj(v) as Obj, path }]
      : [];

/** Run every rule of this file. */
export function metricsRules(root: Obj): Problem[] {
  return [...loadEngineRules(root), ...promqlRules(root), ...sloRules(root)];
}

function loadEngineRules(root: Obj): Problem[] {
  const load = obj(root.load);
  if (load === undefined) return [];
  const out: Problem[] = [];
  if ('builtin' in load && 'k6' in load) {
    out.push(
      problem(['load', 'k6'], 'conflicting-keys', 'load has two engines: use either builtin or k6', { at: 'key' }),
    );
  } else if (!('builtin' in load) && !('k6' in load) && Object.keys(load).length === 0) {
    out.push(problem(['load'], 'missing-key', 'load needs an engine: builtin or k6', { at: 'key' }));
  }
  const k6 = obj(load.k6);
  if (k6 && 'stages' in k6 && ('duration' in k6 || 'vus' in k6)) {
    const key = 'duration' in k6 ? 'duration' : 'vus';
    out.push(
      problem(['load', 'k6', key], 'conflicting-keys', `use either stages or ${key} to override the script, not both`, {
        hint: 'stages set the VUs over time (k6 --stage)',
        at: 'key',
      }),
    );
  }
  if (k6 && obj(k6.operator)) out.push(...operatorRules(root, k6));
  return out;
}

/** `load.k6.operator`: a cluster to run in, no local binary, and no objectives on per-request results. */
function operatorRules(root: Obj, k6: Obj): Problem[] {
  const out: Problem[] = [];
  const at: PathSegment[] = ['load', 'k6', 'operator'];
  if (obj(obj(root.targets)?.kubernetes) === undefined) {
    out.push(
      problem(
        at,
        'missing-target',
        'load.k6.operator runs k6 in a Kubernetes cluster, but the scenario has no targets.kubernetes',
        {
          hint: 'add targets.kubernetes (the cluster the k6-operator runs in), or remove operator to run k6 on this machine',
          at: 'key',
        },
      ),
    );
  }
  if ('binary' in k6) {
    out.push(
      problem(
        ['load', 'k6', 'binary'],
        'conflicting-keys',
        'load.k6.binary names a local k6, but operator runs k6 in the cluster',
        {
          hint: "the runner pods use operator.image (default: the operator's); remove binary",
          at: 'key',
        },
      ),
    );
  }
  if (obj(obj(root.objectives)?.load) !== undefined) {
    out.push(
      problem(
        ['objectives', 'load'],
        'conflicting-keys',
        'objectives.load needs per-request results, which the k6-operator does not give gameday',
        {
          hint: "bound the load with the script's own thresholds (the runners enforce them) and measure the service with probes",
          at: 'key',
        },
      ),
    );
  }
  return out;
}

function promqlRules(root: Obj): Problem[] {
  const out: Problem[] = [];
  for (const { o, path } of oneOrMany(obj(root.objectives)?.promql, ['objectives', 'promql'])) {
    if (!('max' in o) && !('min' in o)) {
      out.push(
        problem(path, 'missing-key', 'a promql objective needs a bound: max, min or both', {
          hint: 'e.g. max: 0.05 (every point of the query over the window must be at most 0.05)',
          at: 'key',
        }),
      );
    }
  }
  return out;
}

function sloRules(root: Obj): Problem[] {
  const out: Problem[] = [];
  const probes = Object.keys(obj(root.probes) ?? {});
  const names: string[] = [];
  arr(root.slos).forEach((v, i) => {
    const slo = obj(v);
    if (slo === undefined) return;
    const path: PathSegment[] = ['slos', i];
    const name = str(slo.name);
    if (name !== undefined) {
      if (names.includes(name)) {
        out.push(problem([...path, 'name'], 'duplicate-name', `SLO "${name}" is defined twice`));
      }
      names.push(name);
    }
    const objective = parsePercent(str(slo.objective) ?? '');
    if (objective !== undefined && (objective <= 0 || objective >= 100)) {
      out.push(
        problem(
          [...path, 'objective'],
          'out-of-range',
          `an SLO objective must lie between 0% and 100%, got ${str(slo.objective)}`,
          {
            hint: 'at 100% there is no error budget to burn',
          },
        ),
      );
    }
    const sli = obj(slo.sli);
    if (sli === undefined) return;
    const kinds = ['probe', 'promql'].filter((k) => k in sli);
    if (kinds.length !== 1) {
      out.push(
        problem(
          [...path, 'sli'],
          kinds.length === 0 ? 'missing-key' : 'conflicting-keys',
          'an SLI is exactly one of probe or promql',
          {
            at: 'key',
          },
        ),
      );
    }
    const probe = str(sli.probe);
    if (probe !== undefined && !probes.includes(probe)) {
      out.push(
        problem([...path, 'sli', 'probe'], 'undefined-probe', `probe "${probe}" is not defined`, {
          hint:
            probes.length === 0
              ? 'define it under "probes:"'
              : `${didYouMeanPrefix(probe, probes)}defined probes: ${list(probes)}`,
        }),
      );
    }
    const promql = obj(sli.promql);
    for (const key of ['good', 'total']) {
      const q = str(promql?.[key]);
      if (q !== undefined && !q.includes('$__range')) {
        out.push(
          problem(
            [...path, 'sli', 'promql', key],
            'missing-range',
            `the ${key} query must count events over $__range`,
            {
              hint: "e.g. sum(increase(http_requests_total[$__range])); gameday fills in each window's length",
            },
          ),
        );
      }
    }
  });
  const known = [...new Set(names)];
  for (const { o, path } of oneOrMany(obj(root.objectives)?.errorBudget, ['objectives', 'errorBudget'])) {
    const slo = str(o.slo);
    if (slo !== undefined && !known.includes(slo)) {
      out.push(
        problem([...path, 'slo'], 'undefined-slo', `SLO "${slo}" is not defined`, {
          hint:
            known.length === 0
              ? 'define it under "slos:"'
              : `${didYouMeanPrefix(slo, known)}defined SLOs: ${list(known)}`,
        }),
      );
    }
  }
  return out;
}
