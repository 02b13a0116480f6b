// Game day files: every problem with its position (also in the scenario files they list); the
// hypotheses judged on the results; the retro drafted from results and notes; its report.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { objective } from '../../../test/helpers/reports.js';
import { ROOT } from '../../../test/helpers/cli.js';
import { formatDiagnostic } from '../../scenario/diagnostics.js';
import { judgeHypothesis } from './hypotheses.js';
import { isGameDayText, loadGameDayFile } from './load.js';
import { gameDayMarkdown } from './markdown.js';
import type { GameDayItemResult, GameDayReport } from './report-types.js';
import { draftRetro } from './retro.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-gd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const POD_KILL = join(ROOT, 'test/fixtures/runs/pod-kill.yaml');

describe('loading a game day', () => {
  it('resolves items, names, variables and hypotheses', async () => {
    const { gameday, diagnostics } = await loadGameDayFile(join(ROOT, 'test/fixtures/gameday/two-scenarios.yaml'), {
      env: { GAMEDAY_TEST_MARK: '/tmp/mark' },
    });
    expect(diagnostics).toEqual([]);
    expect(gameday?.items.map((i) => [i.kind, i.name])).toEqual([
      ['run', 'it-pod-kill'],
      ['checkpoint', 'checkpoint #1'],
      ['run', 'maintenance'],
    ]);
    const maintenance = gameday?.items[2];
    expect(maintenance?.kind === 'run' && maintenance.variables).toEqual({
      MARK_FILE: '/tmp/mark',
      CHECKPOINT_TIMEOUT: '1m',
    });
    expect(maintenance?.kind === 'run' && maintenance.scenario.steps[1]).toMatchObject({
      kind: 'checkpoint',
      timeoutMs: 60_000,
    });
    expect(gameday?.roles).toEqual({ facilitator: 'Ana', scribe: 'Ben', observers: ['Chloé', 'Dev'] });
    expect(gameday?.hypotheses[0]).toEqual({
      id: 'fleet-heals',
      statement: 'Killing API replicas, the fleet is whole again within 30 s',
      items: ['it-pod-kill', 'maintenance'],
      objectives: ['rto'],
    });
  });

  it('reports every problem with its line, including those of the scenario files it lists', async () => {
    const bad = file(
      'bad.yaml',
      `apiVersion: gameday/v1
kind: GameDay
metadata: { name: bad-day }
hypotheses:
  - { id: h1, statement: It holds, items: [pod-kil] }
items:
  - scenario: ${POD_KILL}
  - scenario: ${POD_KILL}
  - drill: ${POD_KILL}
  - scenario: missing.yaml
  - checkpoint: { prompt: go?, nonInteractive: maybe }
`,
    );
    const { gameday, diagnostics } = await loadGameDayFile(bad, { env: {} });
    expect(gameday).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic).map((l) => l.replace(dir, '<dir>').replace(ROOT, '<root>/'))).toEqual([
      `<dir>/bad.yaml:11:48: items[4].checkpoint.nonInteractive: expected one of "continue", "fail", "abort", got the string "maybe"`,
    ]);
    const fixed = file('bad2.yaml', readFileSync(bad, 'utf8').replace('maybe', 'fail'));
    const second = await loadGameDayFile(fixed, { env: {} });
    expect(second.diagnostics.map(formatDiagnostic).map((l) => l.replaceAll(dir, '<dir>'))).toEqual([
      `<dir>/bad2.yaml:9:12: items[2].drill: ${POD_KILL} has no drill section\n  hint: list it as "scenario:"`,
      '<dir>/missing.yaml: no such file\n  hint: check the path; scenario files usually live under scenarios/',
      `<dir>/bad2.yaml:10:15: items[3].scenario: <dir>/missing.yaml: 1 error(s), shown with that file`,
      `<dir>/bad2.yaml:8:5: items[1]: item name "it-pod-kill" is also item 1's\n  hint: give one of them a \`name:\``,
    ]);
  });

  it('loads the shipped game day example without any diagnostic', async () => {
    const { gameday, diagnostics } = await loadGameDayFile(join(ROOT, 'scenarios/gamedays/sandbox-gameday.yaml'), {
      env: {},
    });
    expect(diagnostics).toEqual([]);
    expect(gameday?.items.map((i) => i.kind)).toEqual(['run', 'checkpoint', 'run', 'drill']);
  });

  it('checks structure without the environment (validate --allow-missing-env), and names what was not set', async () => {
    const gd = file(
      'lint.yaml',
      `apiVersion: gameday/v1
kind: GameDay
metadata: { name: lint }
hypotheses: [{ id: h, statement: fleet heals, items: [staging] }]
items:
  - { scenario: ${join(ROOT, 'scenarios/connectkit/db-failover.yaml')}, name: staging }
  - { scenario: ${POD_KILL} }
`,
    );
    const env = { API_URL: undefined, DATABASE_URL: undefined };
    const strict = await loadGameDayFile(gd, { env });
    expect(strict.gameday).toBeUndefined();
    expect(strict.diagnostics.map((d) => d.code)).toContain('unset-variable');
    const lint = await loadGameDayFile(gd, { env, allowMissingEnv: true });
    expect(lint.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(lint.unsetVariables).toEqual(expect.arrayContaining(['API_URL']));
    // A structural mistake is still an error without the environment.
    const broken = file('lint-broken.yaml', readFileSync(gd, 'utf8').replace('items: [staging]', 'items: [nobody]'));
    const refused = await loadGameDayFile(broken, { env, allowMissingEnv: true });
    expect(refused.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['undefined-item']);
  });

  it('tells a game day from a scenario by its kind', () => {
    expect(isGameDayText('apiVersion: gameday/v1\nkind: GameDay\n')).toBe(true);
    expect(isGameDayText("kind: 'GameDay' # a game day\n")).toBe(true);
    expect(isGameDayText('kind: Scenario\nmetadata: { description: "kind: GameDay" }\n')).toBe(false);
  });
});

const item = (over: Partial<GameDayItemResult> & { name: string }): GameDayItemResult => ({
  kind: 'run',
  status: 'pass',
  detail: '2 objective(s) held',
  weight: 1,
  objectives: [objective({ name: 'rto' }), objective({ name: 'availability(api, during)', unit: 'percent' })],
  ...over,
});

describe('hypotheses and the retro', () => {
  it('confirm, refute or leave untested a hypothesis by the objectives it rests on', () => {
    const items = [
      item({ name: 'a' }),
      item({
        name: 'b',
        status: 'fail',
        objectives: [
          objective({ name: 'rto', pass: false, actual: '41s' }),
          objective({ name: 'availability(api, during)' }),
        ],
      }),
      item({ name: 'c', status: 'skipped', detail: 'not run: b did not pass', objectives: undefined }),
    ];
    const h = (items: string[], objectives?: string[]) => ({
      id: 'h',
      statement: 's',
      items,
      ...(objectives ? { objectives } : {}),
    });
    expect(judgeHypothesis(h(['a']), items).status).toBe('confirmed');
    expect(judgeHypothesis(h(['a', 'b'], ['rto']), items)).toMatchObject({
      status: 'refuted',
      evidence: ['a: rto 1.00s ± 100ms (target <= 30s) held', 'b: rto 41s (target <= 30s) did not hold'],
    });
    expect(judgeHypothesis(h(['b'], ['availability(api, during)']), items).status).toBe('confirmed');
    expect(judgeHypothesis(h(['a', 'c']), items)).toMatchObject({
      status: 'not-tested',
      evidence: expect.arrayContaining(['c: skipped: not run: b did not pass']),
    });
    expect(judgeHypothesis(h(['a'], ['rpo']), items)).toMatchObject({
      status: 'not-tested',
      evidence: ['a: no objective "rpo"'],
    });
  });

  it('drafts what happened, what surprised us and action items from results and notes', () => {
    const items = [
      item({ name: 'pod-kill', metrics: { score: 100, rtoMs: 3100 }, score: 100 }),
      item({
        name: 'zone',
        status: 'fail',
        objectives: [objective({ name: 'rto', pass: false, actual: '41s' })],
        score: 0,
      }),
    ];
    const retro = draftRetro(
      items,
      [{ id: 'h1', statement: 'zone loss is survivable', status: 'refuted', evidence: [] }],
      [
        { id: 'n1', at: '2024-01-01T10:00:05.000Z', text: 'alert fired late', author: 'ana' },
        { id: 'n2', at: '2024-01-01T10:00:06.000Z', text: 'action: page DB on-call on replica loss' },
        { id: 'n3', at: '2024-01-01T10:00:07.000Z', text: 'surprise: the balancer kept a dead upstream for 8 s' },
      ],
    );
    expect(retro.whatHappened).toEqual([
      'pod-kill (run): PASS — RTO 3.10s, score 100',
      'zone (run): FAIL, score 0; 2 objective(s) held',
      'Note at 10:00:05: alert fired late (ana)',
    ]);
    expect(retro.surprises).toEqual([
      'Hypothesis h1 was refuted: zone loss is survivable',
      'zone: rto was 41s, target <= 30s',
      'the balancer kept a dead upstream for 8 s',
    ]);
    expect(retro.actionItems).toEqual([
      'page DB on-call on replica loss',
      'Find out why zone missed rto (41s, target <= 30s)',
    ]);
  });

  it('renders the report with the score trend and a retro ready to paste', () => {
    const r: GameDayReport = {
      schemaVersion: 1,
      kind: 'GameDay',
      gameday: 'q3',
      file: '/x/q3.yaml',
      runId: 'r2',
      startedAt: '2024-01-01T10:00:00.000Z',
      endedAt: '2024-01-01T10:30:00.000Z',
      verdict: 'fail',
      exitCode: 1,
      roles: { facilitator: 'Ana', observers: ['Ben'] },
      links: [{ title: 'Runbook', url: 'https://example.com/run book' }],
      score: 62.5,
      previous: { runId: 'r1', score: 80, verdict: 'pass' },
      items: [item({ name: 'a', runDir: '/reports/a/1' })],
      hypotheses: [],
      notes: [],
      checkpoints: [],
      timeline: [{ at: '2024-01-01T10:00:01.000Z', t: 1000, kind: 'note', message: 'hello | world' }],
      retro: { whatHappened: ['a happened'], surprises: [], actionItems: ['fix *it*'] },
    };
    const md = gameDayMarkdown(r);
    expect(md).toContain('- **Resilience score:** 62.5 / 100 (previous run r1: 80, -17.5)');
    expect(md).toContain('- [Runbook](https://example.com/run%20book)');
    expect(md).toContain('| +0:01.000 | note | hello \\| world |');
    expect(md).toContain('### Action items\n\n- [ ] fix \\*it\\*');
    expect(md).toContain('### What surprised us\n\n_Nothing failed; add what surprised the team._');
  });
});
