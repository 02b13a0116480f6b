// Rules for checkpoint and action steps and `notify:` that the schema cannot say: an action is exactly
// one of http or command; a webhook has a URL or the variable holding it, not both.

import { problem, type PathSegment, type Problem } from './diagnostics.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

function exactlyOne(
  o: Obj,
  path: PathSegment[],
  keys: readonly [string, string],
  what: string,
  hint: string,
): Problem[] {
  const present = keys.filter((k) => k in o);
  if (present.length === 1) return [];
  if (present.length === 0)
    return [
      problem([...path, keys[0]], 'missing-key', `${what} needs "${keys[0]}" or "${keys[1]}"`, { hint, at: 'parent' }),
    ];
  return [
    problem([...path, keys[1]], 'conflicting-keys', `${what} has "${keys[0]}" or "${keys[1]}", not both`, {
      hint,
      at: 'key',
    }),
  ];
}

/** Problems in the steps and `notify:` of a scenario document (or the `notify:` of a game day). */
export function gameDayRules(root: Obj): Problem[] {
  const out: Problem[] = [];
  const steps = Array.isArray(root['steps']) ? root['steps'] : [];
  steps.forEach((s, i) => {
    const action = obj(obj(s)?.['action']);
    if (action) {
      out.push(
        ...exactlyOne(
          action,
          ['steps', i, 'action'],
          ['http', 'command'],
          'an action',
          'write the mutation as "http: { url: … }" or "command: { run: … }", one per step',
        ),
      );
    }
  });
  const notify = Array.isArray(root['notify']) ? root['notify'] : [];
  notify.forEach((n, i) => {
    for (const kind of ['slack', 'webhook'] as const) {
      const target = obj(obj(n)?.[kind]);
      if (target)
        out.push(
          ...exactlyOne(
            target,
            ['notify', i, kind],
            ['url', 'urlEnv'],
            `a ${kind} notification`,
            'urlEnv names the environment variable that holds a secret URL',
          ),
        );
    }
  });
  return out;
}
