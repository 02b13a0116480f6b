// Recognise files written for other chaos tools, so their authors get one clear sentence
// instead of a page of unknown-key errors.

import { problem } from './diagnostics.js';
import type { Problem } from './diagnostics.js';

const HINT =
  'a gameday scenario starts with "apiVersion: gameday/v1" and "kind: Scenario"; ' +
  'see schema/scenario.schema.json and the examples in scenarios/sandbox/';

/** A "foreign-format" problem when the document is another tool's manifest or experiment. */
export function detectForeignFormat(value: unknown): Problem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const doc = value as Record<string, unknown>;
  const foreign = (what: string, key: string): Problem =>
    problem([key], 'foreign-format', `this looks like ${what}, not a gameday scenario`, { hint: HINT, at: 'key' });

  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : undefined;
  const kind = typeof doc.kind === 'string' && doc.kind !== '' ? doc.kind : undefined;
  if (apiVersion !== undefined && !apiVersion.startsWith('gameday')) {
    if (apiVersion.startsWith('chaos-mesh.org/'))
      return foreign(`a Chaos Mesh ${kind ?? 'resource'} manifest`, 'apiVersion');
    if (apiVersion.startsWith('litmuschaos.io/'))
      return foreign(`a LitmusChaos ${kind ?? 'resource'} manifest`, 'apiVersion');
    if (kind !== undefined) return foreign(`a Kubernetes ${kind} manifest (apiVersion "${apiVersion}")`, 'apiVersion');
  }
  if (apiVersion !== undefined) return undefined;
  if ('steady-state-hypothesis' in doc) return foreign('a Chaos Toolkit experiment', 'steady-state-hypothesis');
  if (Array.isArray(doc.method) && ('title' in doc || 'rollbacks' in doc || 'description' in doc)) {
    return foreign('a Chaos Toolkit experiment', 'method');
  }
  if ('actions' in doc && ('stopConditions' in doc || 'roleArn' in doc)) {
    return foreign('an AWS FIS experiment template', 'actions');
  }
  if ('kraken' in doc) return foreign('a Krkn (kraken) config', 'kraken');
  return undefined;
}
