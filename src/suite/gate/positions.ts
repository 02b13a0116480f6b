// Where in its YAML file an objective (or a step, or a regression) was written, for CI annotations
// that point at the line: the scenario's source is parsed again with line/column kept.

import { readFileSync } from 'node:fs';
import type { PathSegment } from '../../scenario/diagnostics.js';
import { findNode, nodePosition, parseYaml, type Position, type Source } from '../../scenario/source.js';
import type { Scenario } from '../../scenario/types.js';

function listIndex(
  source: Source,
  base: PathSegment[],
  match: (item: Record<string, unknown>) => boolean,
): PathSegment[] {
  const value = source.doc.getIn(base, false) as unknown;
  const js = (value as { toJSON?: () => unknown } | undefined)?.toJSON?.() ?? value;
  if (Array.isArray(js)) {
    const i = js.findIndex((x) => typeof x === 'object' && x !== null && match(x as Record<string, unknown>));
    return i === -1 ? base : [...base, i];
  }
  return base;
}

/** The document path an objective's report name comes from. */
export function objectivePath(source: Source, name: string, scenario?: Scenario): PathSegment[] {
  const windowOf = (x: Record<string, unknown>): string => String(x['window'] ?? 'run');
  let m: RegExpExecArray | null;
  if (name === 'rto' || name === 'rpo') return ['objectives', name];
  if (name === 'rpo lost writes') return ['objectives', 'rpo', 'maxLostWrites'];
  if (name === 'restoreTime' || name === 'sourceAge' || name === 'validations') return ['objectives', name];
  if ((m = /^availability\((.*), (\w+)\)$/.exec(name))) {
    const [, probe, window] = m;
    return listIndex(source, ['objectives', 'availability'], (x) => x['probe'] === probe && windowOf(x) === window);
  }
  if ((m = /^latency (p\d+)\((.*), (\w+)\)$/.exec(name))) {
    const [, p, probe, window] = m;
    const base = listIndex(source, ['objectives', 'latency'], (x) => x['probe'] === probe && windowOf(x) === window);
    return [...base, p as string];
  }
  // Load objectives on a window other than the whole run carry it: "load error rate (during)".
  if (/^load error rate( \(\w+\))?$/.test(name)) return ['objectives', 'load', 'maxErrorRate'];
  if ((m = /^load (p\d+)( \(\w+\))?$/.exec(name))) return ['objectives', 'load', m[1] as string];
  if ((m = /^error budget\((.*)\)$/.exec(name))) {
    const slo = m[1];
    return listIndex(source, ['objectives', 'errorBudget'], (x) => x['slo'] === slo);
  }
  if (name.startsWith('step ') && scenario) {
    const i = scenario.steps.findIndex((s) => s.name === name.slice(5));
    if (i !== -1) return ['steps', i];
  }
  if (name === 'steady state after recovery') return ['steadyState'];
  if ((m = /^regression (\w+)$/.exec(name))) {
    const metric = m[1];
    if (metric === 'rto') return ['objectives', 'rto'];
    if (metric === 'restore') return ['objectives', 'restoreTime'];
    if (metric === 'p95') return listIndex(source, ['objectives', 'latency'], () => true);
    if (metric === 'availability') return listIndex(source, ['objectives', 'availability'], () => true);
  }
  return ['metadata', 'name'];
}

/** Line and column of an objective in a scenario file (the file's first line when it cannot be read). */
export function objectivePosition(file: string, name: string, scenario?: Scenario): Position {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { line: 1, col: 1 };
  }
  const source = parseYaml(text).source;
  if (!source) return { line: 1, col: 1 };
  const path = objectivePath(source, name, scenario);
  // The deepest part of the path that exists: an objective's key, else the mapping holding it.
  for (let n = path.length; n > 0; n--) {
    const f = findNode(source, path.slice(0, n));
    const node = f.key ?? f.node;
    if (node) return nodePosition(source, node);
  }
  return { line: 1, col: 1 };
}
