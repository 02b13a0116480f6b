// `gameday demo` as a newcomer runs it: a real experiment, reports, and nothing left running.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../src/runner/journal.js';
import type { Report } from '../src/report/types.js';
import { runCli } from './helpers/cli.js';

const reportDir = mkdtempSync(join(tmpdir(), 'gameday-demo-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

/** Processes whose command line mentions `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(text)) found.push(`${pid}: ${cmd}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('gameday demo', () => {
  it('runs pod-kill on the embedded sandbox, passes with a measured RTO, and leaves nothing running', async () => {
    const res = await runCli(['demo', '--report-dir', reportDir]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/PASS/);
    const base = join(reportDir, 'sandbox-pod-kill');
    const runDir = join(base, readdirSync(base)[0] as string);
    expect(res.stdout).toContain(runDir);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('pass');
    expect(report.measurements.rto?.status).toBe('recovered');
    expect(report.measurements.rto?.ms).toBeGreaterThan(0);
    for (const f of ['junit.xml', 'summary.md', 'journal.ndjson']) expect(existsSync(join(runDir, f)), f).toBe(true);

    // The sandbox this run started: its state dir is gone, no process mentions it, its control port is closed.
    const journal = readFileSync(join(runDir, 'journal.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalEntry);
    const start = journal.find((e) => e.type === 'intent' && e.undo.op === 'stop');
    const stateDir = start?.type === 'intent' ? String(start.undo.args['stateDir']) : '';
    expect(stateDir).not.toBe('');
    expect(existsSync(stateDir)).toBe(false);
    expect(processesMentioning(stateDir)).toEqual([]);
    const applied = journal.find((e) => e.type === 'applied' && start?.type === 'intent' && e.id === start.id);
    const port = Number(/:(\d+)/.exec(applied?.type === 'applied' ? (applied.detail ?? '') : '')?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await portOpen(port)).toBe(false);
  }, 240_000);
});
