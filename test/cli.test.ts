// The CLI contract: usage, help, validation errors and exit codes, by spawning the real binary.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gameday CLI', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: gameday <command>/);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 with a hint for an unknown command or flag', async () => {
    const unknown = await runCli(['explode']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "explode"/);
    const flag = await runCli(['run', '--bogus', 'x.yaml']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^gameday: run: unknown option --bogus\n {2}hint: run takes --report-dir/);
  });

  it('validates the bundled scenarios', async () => {
    const res = await runCli([
      'validate',
      'scenarios/sandbox/pod-kill.yaml',
      'scenarios/sandbox/zone-outage.yaml',
      'scenarios/sandbox/spot-interruption.yaml',
      'scenarios/sandbox/db-failover.yaml',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('reports every problem as file:line:col and exits 2 without a stack trace', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: gameday/v1',
        'kind: Scenario',
        'metadata: { name: broken }',
        'targets: { sandbox: {} }',
        'probes:',
        '  fleet: { sandbox: {}, interval: 100ms }',
        'steps:',
        '  - fault: pod-kil',
        '  - wait: { for: flet }',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const res = await runCli(['validate', file]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${file}:8:`);
    expect(res.stderr).toContain(`${file}:9:`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    // Printed, not asserted: the whole process (node start-up included) on this machine.
    console.log(`validate of a broken file took ${Date.now() - started}ms (process start included)`);
  });

  it('refuses to run an invalid scenario (exit 2) and to roll back a directory without a journal', async () => {
    const file = join(dir, 'chaosmesh.yaml');
    writeFileSync(
      file,
      'apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata: { name: x }\nspec: { action: pod-kill }\n',
    );
    const run = await runCli(['run', file, '--report-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Chaos Mesh/);
    const rb = await runCli(['rollback', dir]);
    expect(rb.code).toBe(2);
    expect(rb.stderr).toMatch(/cannot read journal/);
  });
});
