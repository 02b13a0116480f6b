// `gameday validate` as a CI lint step, by spawning the real CLI: without secrets (--allow-missing-env),
// machine-readable (--json), warnings as failures (--strict), and a scenario on standard input (-).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, type CliResult } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: needs-secrets }
targets: { sandbox: {} }
probes:
  api: { http: { url: "\${GAMEDAY_TEST_API_URL}/health" }, interval: 100ms }
  db:
    tcp:
      host: "\${GAMEDAY_TEST_DB_HOST}"
      port: \${GAMEDAY_TEST_DB_PORT}
steps:
  - fault: pod-kill
objectives:
  availability: { probe: api, min: 99% }
`;

const NO_FAULT = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: no-fault }
targets: { sandbox: {} }
probes:
  fleet: { sandbox: {}, interval: 100ms }
steps:
  - wait: { duration: 1s }
`;

const BROKEN = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: broken }
targets: { sandbox: {} }
probes:
  api: { interval: 10ms }
steps:
  - fault: pod-kill
    select: { count: 1, percent: 50% }
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Run the CLI with `input` on standard input. */
function withStdin(args: string[], input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}

const unset = { GAMEDAY_TEST_API_URL: undefined, GAMEDAY_TEST_DB_HOST: undefined, GAMEDAY_TEST_DB_PORT: undefined };

describe('gameday validate as a lint step', () => {
  it('checks structure without secrets with --allow-missing-env, and fails without it', async () => {
    const path = file('secrets.yaml', SECRETS);
    const strict = await runCli(['validate', path], unset);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/environment variable GAMEDAY_TEST_API_URL is not set/);
    const lint = await runCli(['validate', '--allow-missing-env', path], unset);
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.stdout).toContain(
      'not set, so not checked: ${GAMEDAY_TEST_API_URL}, ${GAMEDAY_TEST_DB_HOST}, ${GAMEDAY_TEST_DB_PORT}',
    );
    // Structure is still checked: a real mistake fails even with the flag.
    const broken = await runCli(['validate', '--allow-missing-env', file('broken.yaml', BROKEN)]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/use either "count" or "percent" in select, not both/);
  });

  it('prints machine-readable diagnostics with --json', async () => {
    const res = await runCli(['validate', '--json', file('broken2.yaml', BROKEN), file('ok.yaml', NO_FAULT)]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout) as {
      valid: boolean;
      errors: number;
      warnings: number;
      files: Array<{
        file: string;
        valid: boolean;
        scenario: string | null;
        diagnostics: Array<Record<string, unknown>>;
      }>;
    };
    expect(out.valid).toBe(false);
    expect(out.files.map((f) => f.valid)).toEqual([false, true]);
    expect(out.files[1]?.scenario).toBe('no-fault');
    const codes = out.files[0]?.diagnostics.map((d) => d['code']);
    expect(codes).toEqual(expect.arrayContaining(['conflicting-keys', 'out-of-range', 'missing-probe-kind']));
    expect(out.files[0]?.diagnostics[0]).toMatchObject({
      line: expect.any(Number),
      col: expect.any(Number),
      severity: 'error',
    });
    expect(out.warnings).toBeGreaterThanOrEqual(1);
  });

  it('turns warnings into exit 2 with --strict', async () => {
    const path = file('no-fault.yaml', NO_FAULT);
    const plain = await runCli(['validate', path]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/warning: steps: no step injects a fault/);
    const strict = await runCli(['validate', '--strict', path]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/1 of 1 file invalid \(--strict: warnings fail\)/);
  });

  it('reads a scenario from standard input with -', async () => {
    const ok = await withStdin(['validate', '-'], NO_FAULT);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^<stdin>: ok \(no-fault, 1 step\)/);
    const bad = await withStdin(['validate', '-'], BROKEN);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^<stdin>:9:\d+: steps\[0\]\.select\.percent: use either/m);
  });
});
