// The CLI as users expect it, by spawning the real binary: -V, help <command>, --json and --quiet accepted by
// every command, --seed making a run's choices those `plan --json --seed` showed, and PASS/FAIL in colour
// (FORCE_COLOR) on stdout but never in the report files.

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeHtmlFixture } from '../bench/html-fixture.js';
import type { Report } from '../src/report/types.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-ux-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gameday CLI conventions', () => {
  it('prints the version with -V and a command’s help with help <command>', async () => {
    expect((await runCli(['-V'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['help', 'validate']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gameday validate/);
    expect(help.stdout).toContain('--allow-missing-env');
    const unknown = await runCli(['help', 'explode']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no command "explode"/);
  });

  it('accepts --json and --quiet on every command', async () => {
    const fixture = await writeHtmlFixture(dir, { runId: 'ux', evidence: false });
    writeFileSync(join(fixture.runDir, 'journal.ndjson'), `${JSON.stringify({ type: 'run', at: '', runId: 'ux' })}\n`);
    const aws = {
      AWS_ACCOUNT_ID: '123456789012',
      API_URL: 'http://127.0.0.1:1',
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    };
    const calls: Array<{ args: string[]; env?: Record<string, string> }> = [
      { args: ['validate', 'scenarios/sandbox/pod-kill.yaml'] },
      { args: ['plan', 'scenarios/sandbox/pod-kill.yaml'] },
      { args: ['report', fixture.runDir] },
      { args: ['rollback', fixture.runDir] },
      { args: ['rbac', 'scenarios/connectkit/pod-kill.yaml'] },
      { args: ['iam', 'scenarios/connectkit/db-failover.yaml'], env: aws },
    ];
    for (const { args, env } of calls) {
      const json = await runCli([...args, '--json'], env);
      expect(json.code, `${args.join(' ')} --json: ${json.stderr}`).toBe(0);
      expect(() => JSON.parse(json.stdout) as unknown, `${args[0]} --json prints JSON`).not.toThrow();
      const quiet = await runCli([...args, '--quiet'], env);
      expect(quiet.code, `${args.join(' ')} --quiet: ${quiet.stderr}`).toBe(0);
    }
    expect(JSON.parse((await runCli(['rollback', fixture.runDir, '--json'])).stdout)).toMatchObject({
      complete: true,
      pending: 0,
    });
    expect((await runCli(['report', fixture.runDir, '--quiet'])).stdout).toBe('');
    for (const command of ['run', 'demo', 'drill']) {
      expect((await runCli([command, '--json', '--quiet', '--help'])).code, command).toBe(0);
    }
  });

  it('select.perZone picks that many replicas in every zone in one step', async () => {
    const file = join(dir, 'per-zone.yaml');
    writeFileSync(
      file,
      readFileSync('scenarios/sandbox/pod-kill.yaml', 'utf8').replace('select: { count: 2 }', 'select: { perZone: 1 }'),
    );
    const res = await runCli(['plan', file, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const plan = JSON.parse(res.stdout) as { choices: Array<{ affected: string[] }> };
    const affected = plan.choices[0]?.affected ?? [];
    // Sandbox replicas are named api-<zone>-<n>: one from each of zones a, b and c.
    expect(affected.map((id) => /^api-([a-z])-\d+$/.exec(id)?.[1]).sort()).toEqual(['a', 'b', 'c']);
  });

  it('--seed: plan --json shows the choices, and a run with that seed makes them; PASS/FAIL coloured on stdout only', async () => {
    const plan = async (seed: string) =>
      JSON.parse((await runCli(['plan', 'scenarios/sandbox/pod-kill.yaml', '--json', '--seed', seed])).stdout) as {
        seed: number;
        choices: Array<{ step: string; affected: string[] }>;
      };
    const seven = await plan('7');
    expect(seven.seed).toBe(7);
    expect(seven.choices[0]?.affected).toHaveLength(2);
    expect(await plan('7')).toEqual(seven);
    const others = await Promise.all(['1', '2', '3', '4'].map(plan));
    expect(others.some((p) => p.choices[0]?.affected.join() !== seven.choices[0]?.affected.join())).toBe(true);
    expect((await runCli(['plan', 'scenarios/sandbox/pod-kill.yaml', '--seed', 'x'])).code).toBe(2);

    const reports = join(dir, 'seeded');
    mkdirSync(reports);
    const res = await runCli(['run', 'scenarios/sandbox/pod-kill.yaml', '--seed', '7', '--report-dir', reports], {
      FORCE_COLOR: '1',
    });
    expect([0, 1], res.stderr + res.stdout).toContain(res.code);
    const base = join(reports, 'sandbox-pod-kill');
    const runDir = join(base, readdirSync(base)[0] as string);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    const injected = report.timeline.find((e) => e.kind === 'fault-injected')?.message ?? '';
    for (const replica of seven.choices[0]?.affected ?? []) expect(injected).toContain(replica);
    expect(report.timeline.some((e) => e.message.startsWith('seed 7 '))).toBe(true);
    const word = report.verdict.toUpperCase();
    expect(res.stdout).toContain(`sandbox-pod-kill: \x1b[1;${word === 'PASS' ? 32 : 31}m${word}\x1b[0m`);
    for (const f of ['report.json', 'summary.md', 'junit.xml'])
      expect(readFileSync(join(runDir, f), 'utf8')).not.toContain('\x1b[');
  });
});
