import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCommandProbe, type CommandCheckConfig } from './command.js';

const timing = { intervalMs: 100, timeoutMs: 2000 };
const probeFor = (config: Partial<CommandCheckConfig> & Pick<CommandCheckConfig, 'run'>) =>
  createCommandProbe('cmd', { expectExitCode: 0, ...config }, timing);

/** Running (a zombie awaiting its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe('command probe', () => {
  it('runs an argument array without a shell', async () => {
    const outcome = await probeFor({ run: [process.execPath, '-e', 'console.log("ready $HOME")'] }).check(
      AbortSignal.timeout(5000),
    );
    expect(outcome).toEqual({ ok: true, detail: 'exit 0: ready $HOME', value: 0 });
  });

  it('runs a string through /bin/sh and reports exit code and first output line', async () => {
    const outcome = await probeFor({ run: 'echo; echo "first line"; echo second >&2; exit 3' }).check(
      AbortSignal.timeout(5000),
    );
    expect(outcome).toEqual({ ok: false, detail: 'exit 3: first line', value: 3 });
  });

  it('accepts the configured exit code and matches output on stdout and stderr', async () => {
    const probe = createCommandProbe(
      'cmd',
      { run: 'echo replicas=5 >&2; exit 2', expectExitCode: 2, outputMatches: 'replicas=5' },
      timing,
    );
    expect((await probe.check(AbortSignal.timeout(5000))).ok).toBe(true);
    const miss = createCommandProbe(
      'cmd',
      { run: 'echo replicas=4', expectExitCode: 0, outputMatches: 'replicas=5' },
      timing,
    );
    const outcome = await miss.check(AbortSignal.timeout(5000));
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toBe('exit 0, output does not match /replicas=5/');
  });

  it('trims the detail to 200 characters', async () => {
    const outcome = await probeFor({
      run: [process.execPath, '-e', 'console.log("x".repeat(500)); process.exit(1)'],
    }).check(AbortSignal.timeout(5000));
    expect(outcome.ok).toBe(false);
    expect(outcome.detail?.length).toBeLessThanOrEqual(200);
  });

  it('reports a missing program', async () => {
    const outcome = await probeFor({ run: ['/nonexistent/gameday-probe'] }).check(AbortSignal.timeout(5000));
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/^ENOENT/);
  });

  it('kills the whole process tree on abort', async () => {
    const started = performance.now();
    const probe = probeFor({ run: 'sleep 30 & echo $! ; sleep 30' });
    const outcome = await probe.check(AbortSignal.timeout(300));
    expect(outcome).toEqual({ ok: false, detail: 'aborted' });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('leaves no background process behind after abort', async () => {
    // The shell prints its child's pid through a file we can read after the kill.
    const dir = mkdtempSync(join(tmpdir(), 'gameday-cmd-'));
    const pidFile = join(dir, 'pid');
    const probe = probeFor({ run: `sleep 30 & echo $! > ${pidFile}; wait` });
    await probe.check(AbortSignal.timeout(500));
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
