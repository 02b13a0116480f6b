// Loading a game day file: parse (line:col) → ${VAR} → shape → rules → each item's scenario loaded
// with the game day's variables → resolved. Every problem is returned at once, like a scenario's.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { problem, type Diagnostic, type Problem } from '../../scenario/diagnostics.js';
import { interpolate } from '../../scenario/interpolate.js';
import { isGameDayText } from '../../scenario/kind.js';
import { fileDiagnostic, loadScenarioFile, positioned } from '../../scenario/load.js';
import { resolveCheckpoint, resolveNotify } from '../../scenario/resolve-gameday.js';
import { GameDaySchema, type GameDayItem as ItemInput, type GameDayParsed } from '../../scenario/schema-gameday-doc.js';
import { gameDayRules as notifyRules } from '../../scenario/rules-gameday.js';
import { checkShapeOf } from '../../scenario/shape.js';
import { parseYaml } from '../../scenario/source.js';
import type { GameDay, GameDayItem } from './types.js';

export interface GameDayLoadResult {
  /** Present when there are no errors and every variable was set. */
  gameday?: GameDay;
  diagnostics: Diagnostic[];
  /** With allowMissingEnv: the variables that were not set, in the game day or its items. */
  unsetVariables?: string[];
}

type Env = Record<string, string | undefined>;
interface GameDayLoadOptions {
  env?: Env;
  /** Check structure only where a variable is unset, as `validate --allow-missing-env` does for a scenario. */
  allowMissingEnv?: boolean;
}

export { isGameDayText };

/** The game day in `file` when it is one (top-level `kind: GameDay`); undefined for anything else. */
export async function loadGameDayIfOne(
  file: string,
  options: GameDayLoadOptions = {},
): Promise<GameDayLoadResult | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return isGameDayText(text) ? loadGameDayFile(file, options) : undefined;
}

/** Read, validate and resolve a game day file and the scenario files it lists. */
export async function loadGameDayFile(file: string, options: GameDayLoadOptions = {}): Promise<GameDayLoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      diagnostics: [
        fileDiagnostic(file, missing ? 'not-found' : 'unreadable', missing ? 'no such file' : String(error)),
      ],
    };
  }
  const env = options.env ?? process.env;
  const parsed = parseYaml(text);
  const diagnostics: Diagnostic[] = parsed.problems.map((p) => ({
    ...positionless(file, p),
    line: p.line,
    col: p.col,
  }));
  const source = parsed.source;
  if (!source || parsed.problems.some((p) => p.severity === 'error')) return { diagnostics };
  const allowMissing = options.allowMissingEnv === true;
  const interpolation = interpolate(source, { env, hasSandbox: false, allowMissing });
  const unset = new Set(interpolation.filter((p) => p.code === 'unset-variable-allowed').map((p) => p.message));
  const problems: Problem[] = interpolation.filter((p) => p.code !== 'unset-variable-allowed');
  const shape = checkShapeOf(GameDaySchema, source.doc.toJS({ maxAliasCount: 50 }));
  problems.push(...shape.problems);
  const data = shape.data as GameDayParsed | undefined;
  if (data) problems.push(...gameDayRules(data));
  const top = source.doc.toJS({ maxAliasCount: 50 }) as unknown;
  if (typeof top === 'object' && top !== null)
    problems.push(...notifyRules({ notify: (top as Record<string, unknown>)['notify'] }));
  diagnostics.push(...problems.map((p) => positioned(file, source, p)));
  if (!data || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const base = dirname(resolve(file));
  // An item checked for structure only, without a `name:`, has a name no one knows yet.
  let unnamedUnresolved = false;
  const items: GameDayItem[] = [];
  let checkpoints = 0;
  for (const [i, item] of data.items.entries()) {
    if ('checkpoint' in item) {
      checkpoints += 1;
      items.push({ ...resolveCheckpoint(item, item.name ?? `checkpoint #${checkpoints}`), kind: 'checkpoint' });
      continue;
    }
    const path = resolve(base, 'scenario' in item ? item.scenario : item.drill);
    const variables = { ...data.variables, ...item.variables };
    const loaded = await loadScenarioFile(path, { env: { ...env, ...variables }, allowMissingEnv: allowMissing });
    diagnostics.push(...loaded.diagnostics);
    const key = 'scenario' in item ? 'scenario' : 'drill';
    for (const name of loaded.unsetVariables ?? []) unset.add(name);
    // Structure checked without the values: nothing more to resolve for this item.
    if (!loaded.scenario && (loaded.unsetVariables?.length ?? 0) > 0 && !hasErrors(loaded.diagnostics)) {
      if (item.name === undefined) unnamedUnresolved = true;
      continue;
    }
    if (!loaded.scenario) {
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
      diagnostics.push(
        positioned(
          file,
          source,
          problem(['items', i, key], 'invalid-item', `${path}: ${errors} error(s), shown with that file`),
        ),
      );
      continue;
    }
    if (key === 'drill' && !loaded.scenario.drill) {
      diagnostics.push(
        positioned(
          file,
          source,
          problem(['items', i, key], 'not-a-drill', `${path} has no drill section`, { hint: 'list it as "scenario:"' }),
        ),
      );
      continue;
    }
    const isDrill = loaded.scenario.drill !== undefined && loaded.scenario.steps.length === 0;
    items.push({
      kind: isDrill ? 'drill' : 'run',
      name: item.name ?? loaded.scenario.name,
      file: path,
      scenario: loaded.scenario,
      continueOnFail: item.continueOnFail ?? false,
      weight: item.weight ?? 1,
      variables,
    });
  }
  const names = new Map<string, number>();
  items.forEach((it, i) => {
    const first = names.get(it.name);
    if (first !== undefined) {
      diagnostics.push(
        positioned(
          file,
          source,
          problem(['items', i], 'duplicate-name', `item name "${it.name}" is also item ${first + 1}'s`, {
            hint: 'give one of them a `name:`',
          }),
        ),
      );
    } else names.set(it.name, i);
  });
  if (hasErrors(diagnostics)) return { diagnostics };
  // An item checked for structure only has no resolved name to compare with, unless it names itself.
  for (const item of data.items) if ('name' in item && item.name !== undefined) names.set(item.name, -1);
  for (const [i, h] of (data.hypotheses ?? []).entries()) {
    for (const [j, name] of (h.items ?? []).entries()) {
      if (!names.has(name) && !unnamedUnresolved) {
        diagnostics.push(
          positioned(
            file,
            source,
            problem(['hypotheses', i, 'items', j], 'undefined-item', `no item is named "${name}"`, {
              hint: `items: ${[...names.keys()].join(', ')}`,
            }),
          ),
        );
      }
    }
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  if (unset.size > 0) return { diagnostics, unsetVariables: [...unset].sort() };
  return { gameday: resolveGameDay(data, resolve(file), items), diagnostics };
}

const hasErrors = (diagnostics: Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

function positionless(file: string, p: Problem): Diagnostic {
  return { ...fileDiagnostic(file, p.code, p.message, p.hint), severity: p.severity };
}

/** Rules the schema cannot say about the document itself. */
function gameDayRules(data: GameDayParsed): Problem[] {
  const out: Problem[] = [];
  if (!data.items.some((i: z.output<typeof ItemInput>) => !('checkpoint' in i))) {
    out.push(
      problem(['items'], 'no-scenario', 'a game day needs at least one scenario or drill', {
        hint: 'add "- scenario: path/to/scenario.yaml"',
      }),
    );
  }
  return out;
}

function resolveGameDay(data: GameDayParsed, file: string, items: GameDayItem[]): GameDay {
  const runNames = items.filter((i) => i.kind !== 'checkpoint').map((i) => i.name);
  const g: GameDay = {
    name: data.metadata.name,
    file,
    roles: { observers: data.roles?.observers ?? [] },
    links: data.links ?? [],
    hypotheses: (data.hypotheses ?? []).map((h) => ({
      id: h.id,
      statement: h.statement,
      items: h.items ?? runNames,
      ...(h.objectives === undefined ? {} : { objectives: h.objectives }),
    })),
    items,
  };
  if (data.metadata.description !== undefined) g.description = data.metadata.description;
  if (data.roles?.facilitator !== undefined) g.roles.facilitator = data.roles.facilitator;
  if (data.roles?.scribe !== undefined) g.roles.scribe = data.roles.scribe;
  if (data.notify !== undefined) g.notify = resolveNotify(data.notify);
  return g;
}
