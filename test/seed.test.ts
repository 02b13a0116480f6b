// --seed across every command that makes random choices, on the real sandbox and a real scratch PostgreSQL:
// a gate prints and records its seed, and the same gate replayed with `--seed N` picks the same replicas in
// the same order; `plan --seed N --json` of the same files lists exactly those choices; a game day run alone
// with the seed its gate handed it makes its choices again; a drill's random pick of a backup repeats with
// its seed; bad seeds exit 2 with a hint on every command that takes one.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report, RunChoice } from '../src/report/types.js';
import type { GameDayReport } from '../src/suite/gameday/report-types.js';
import { runCli } from './helpers/cli.js';

const GATE = 'test/fixtures/seed/gate';
const GAMEDAY = `${GATE}/b-gameday.yaml`;
const base = mkdtempSync(join(tmpdir(), 'gameday-seed-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface GateJson {
  seed: number;
  exitCode: number;
  runs: Array<{ file: string; scenario: string; seed: number; choices: RunChoice[]; runDir: string }>;
  gamedays: Array<{ name: string; seed: number; runDir: string }>;
}
interface SuitePlan {
  seed: number;
  runs: Array<{ file: string; scenario: string; seed: number; choices: RunChoice[] }>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

async function gate(name: string, seed?: number): Promise<{ gate: GateJson; reports: Report[]; stderr: string }> {
  const reportDir = join(base, name);
  const res = await runCli([
    'gate',
    GATE,
    '--report-dir',
    reportDir,
    ...(seed === undefined ? [] : ['--seed', String(seed)]),
  ]);
  const g = readJson<GateJson>(join(reportDir, 'gate.json'));
  expect(res.code, res.stderr.slice(-3000)).toBe(g.exitCode);
  expect(g.exitCode, res.stderr.slice(-3000)).toBeLessThanOrEqual(1);
  return { gate: g, reports: g.runs.map((r) => readJson<Report>(join(r.runDir, 'report.json'))), stderr: res.stderr };
}

async function plan(args: string[]): Promise<SuitePlan> {
  const res = await runCli(['plan', ...args, '--json']);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as SuitePlan;
}

/** What a run's faults chose, without what they acted on: the shape `plan --json` lists. */
const planned = (r: Report): RunChoice[] =>
  (r.choices ?? []).map(({ step, target, affected }) => ({ step, target, affected }));

describe('--seed for game days, gates and plans', () => {
  let first: Awaited<ReturnType<typeof gate>>;

  it('a gate prints and records its seed; replayed with --seed it picks the same targets in the same order, as plan listed them', async () => {
    first = await gate('first');
    const seed = first.gate.seed;
    expect(Number.isInteger(seed)).toBe(true);
    expect(first.stderr).toContain(`gate seed ${seed} (gameday gate --seed ${seed}`);
    expect(readFileSync(join(base, 'first', 'summary.md'), 'utf8')).toContain(`seed ${seed} (`);
    // CI keeps junit.xml: each testsuite carries its run's seed.
    const junit = readFileSync(join(base, 'first', 'junit.xml'), 'utf8');
    expect([...junit.matchAll(/<property name="gameday.seed" value="(\d+)"\/>/g)].map((m) => Number(m[1]))).toEqual(
      first.gate.runs.map((r) => r.seed),
    );
    // The scenario at position 0, then the game day's one run (its checkpoint takes no seed): seed + 0, seed + 1.
    expect(first.gate.runs.map((r) => [r.scenario, r.seed])).toEqual([
      ['it-seed-pod-kill', seed],
      ['it-seed-spot', (seed + 1) % 2 ** 32],
    ]);
    expect(first.gate.gamedays.map((g) => [g.name, g.seed])).toEqual([['it-seed-gameday', (seed + 1) % 2 ** 32]]);
    for (const [k, r] of first.reports.entries()) {
      expect(r.seed).toBe(first.gate.runs[k]?.seed);
      expect(r.timeline.some((e) => e.kind === 'plan' && e.message.startsWith(`seed ${r.seed} `))).toBe(true);
      // Each fault acted on exactly what the seed chose: two replicas each.
      const [choice] = r.choices ?? [];
      expect(choice?.affected, r.scenario).toHaveLength(2);
      expect(choice?.actedOn, r.scenario).toEqual(choice?.affected);
      expect(first.gate.runs[k]?.choices).toEqual(r.choices);
      const html = readFileSync(join(first.gate.runs[k]?.runDir ?? '', 'report.html'), 'utf8');
      expect(html).toContain(`seed <code>${r.seed}</code>`);
    }

    const listed = await plan([GATE, '--seed', String(seed)]);
    expect(listed.seed).toBe(seed);
    expect(listed.runs.map((r) => [r.scenario, r.seed, r.choices])).toEqual(
      first.reports.map((r) => [r.scenario, r.seed, planned(r)]),
    );

    const replay = await gate('replay', seed);
    expect(replay.gate.seed).toBe(seed);
    expect(replay.reports.map((r) => [r.scenario, r.seed, r.choices])).toEqual(
      first.reports.map((r) => [r.scenario, r.seed, r.choices]),
    );

    // Another seed makes other choices (the plan is pure: the same inventory, other draws).
    const others = await Promise.all([1, 2, 3, 4].map((d) => plan([GATE, '--seed', String((seed + d * 7) % 2 ** 32)])));
    const key = (runs: SuitePlan['runs']): string => JSON.stringify(runs.map((r) => r.choices));
    expect(others.some((p) => key(p.runs) !== key(listed.runs))).toBe(true);
  }, 300_000);

  it('a game day run alone with the seed its gate gave it makes the same choices, as plan of the game day lists them', async () => {
    const seed = first.gate.gamedays[0]?.seed as number;
    const inGate = first.reports[1] as Report;
    const listed = await plan([GAMEDAY, '--seed', String(seed)]);
    expect(listed.runs.map((r) => [r.scenario, r.seed, r.choices])).toEqual([['it-seed-spot', seed, planned(inGate)]]);

    const reportDir = join(base, 'gameday');
    const res = await runCli(['run', GAMEDAY, '--seed', String(seed), '--report-dir', reportDir, '--json']);
    const g = JSON.parse(res.stdout) as GameDayReport & { runDir: string };
    expect(res.code, res.stderr.slice(-3000)).toBe(g.exitCode);
    expect(g.seed).toBe(seed);
    expect(g.timeline.some((e) => e.message.startsWith(`seed ${seed} (gameday run `))).toBe(true);
    const item = g.items.find((i) => i.kind === 'run');
    expect(item?.seed).toBe(seed);
    expect(item?.choices).toEqual(inGate.choices);
    expect(readJson<Report>(join(item?.runDir ?? '', 'report.json')).choices).toEqual(inGate.choices);
    expect(readFileSync(join(g.runDir, 'summary.md'), 'utf8')).toContain(`seed ${seed} (`);
  }, 300_000);

  it("a drill's random pick of a backup is the seed's: the same seed picks the same backup again", async () => {
    const dumps = join(base, 'dumps');
    mkdirSync(dumps);
    for (let i = 1; i <= 20; i++)
      writeFileSync(
        join(dumps, `backup-${i}.sql`),
        `create table picked (n int);\ninsert into picked values (${i});\n`,
      );
    const drill = async (seed: number): Promise<string | undefined> => {
      const res = await runCli(
        [
          'drill',
          'test/fixtures/seed/drill-random.yaml',
          '--seed',
          String(seed),
          '--report-dir',
          join(base, 'drills'),
          '--json',
        ],
        { SEED_DUMPS: dumps },
      );
      expect(res.code, res.stderr.slice(-2000)).toBe(0);
      const r = JSON.parse(res.stdout) as Report;
      expect(r.seed).toBe(seed);
      expect(r.timeline.some((e) => e.kind === 'plan' && e.message.startsWith(`seed ${seed} `))).toBe(true);
      return r.measurements.restore?.source.name ?? undefined;
    };
    const picked = await drill(3);
    expect(picked).toMatch(/^backup-\d+\.sql$/);
    expect(await drill(3)).toBe(picked);
    expect(await drill(3)).toBe(picked);
    // Other seeds draw other numbers: among four of them, one picks another of the 20 backups.
    const others: Array<string | undefined> = [];
    for (const seed of [4, 5, 6, 7]) others.push(await drill(seed));
    expect(others.some((name) => name !== picked)).toBe(true);
  }, 300_000);

  it('rejects a bad seed with exit 2 and a hint on every command that takes one', async () => {
    const calls = [
      ['gate', GATE],
      ['run', GAMEDAY],
      ['run', 'scenarios/sandbox/pod-kill.yaml'],
      ['plan', GATE],
      ['plan', GAMEDAY],
      ['demo'],
      ['drill', 'scenarios/sandbox/backup-restore.yaml'],
    ];
    for (const args of calls) {
      for (const bad of ['-1', '4294967296', '1.5', 'x']) {
        const res = await runCli([...args, `--seed=${bad}`]);
        expect(res.code, `${args.join(' ')} --seed=${bad}: ${res.stderr}`).toBe(2);
        expect(res.stderr).toMatch(/--seed takes a whole number from 0 to 4294967295/);
        expect(res.stderr).toMatch(/hint: .*--seed 42/);
      }
    }
  }, 120_000);
});
