// A game day as a team runs it, non-interactively (as CI does): two sandbox scenarios and a checkpoint,
// a note from another terminal while it runs and one after it ended, notifications to loopback
// receivers that check the payloads; and a checkpoint answered by `gameday ack` from another terminal.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/report/types.js';
import type { JournalEntry } from '../src/runner/journal.js';
import type { GameDayReport } from '../src/suite/gameday/report-types.js';
import { eventually, runCli, startCli } from './helpers/cli.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { validateXml } from './helpers/xmllint.js';

const base = mkdtempSync(join(tmpdir(), 'gameday-gd-it-'));
let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver((r) => (r.path === '/broken' ? 500 : 200));
});
afterAll(async () => {
  await rx.close();
  rmSync(base, { recursive: true, force: true });
});

const onlyDir = (dir: string): string | undefined => {
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  return entries[0] === undefined ? undefined : join(dir, entries[0]);
};
const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const journal = (runDir: string): JournalEntry[] =>
  readFileSync(join(runDir, 'journal.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);

describe('gameday run <gameday.yaml>', () => {
  it('runs two scenarios and a checkpoint non-interactively, with notes, hypotheses, the retro and notifications', async () => {
    const reportDir = join(base, 'reports');
    const mark = join(base, 'maintenance-mark');
    const env = {
      GAMEDAY_TEST_MARK: mark,
      GD_WEBHOOK_URL: `${rx.url}/hook`,
      GD_SLACK_URL: `${rx.url}/slack`,
      GD_GRAFANA_URL: `${rx.url}/grafana`,
      GD_GRAFANA_TOKEN: 'glsa_token_never_in_reports',
      GD_BROKEN_URL: `${rx.url}/broken`,
    };
    const { child, done } = startCli(
      ['run', 'test/fixtures/gameday/two-scenarios.yaml', '--report-dir', reportDir],
      env,
    );
    const running =
      <T>(check: () => T | undefined) =>
      () => {
        if (child.exitCode !== null) throw new Error(`gameday exited early with ${child.exitCode}`);
        return check();
      };
    // A note from another terminal while the first scenario runs.
    const dir = await eventually(
      running(() => onlyDir(join(reportDir, 'it-gameday'))),
      60_000,
      'the game day directory',
    );
    await eventually(
      running(() => onlyDir(join(reportDir, 'it-pod-kill'))),
      60_000,
      'the first scenario to start',
    );
    const live = await runCli(['note', dir, '--author', 'ana', 'the dashboard lagged 10 s behind']);
    expect(live.stdout).toMatch(/the run picks it up within a second/);
    const res = await done;
    expect(res.code, res.stderr.slice(-3000)).toBe(0);
    expect(res.stdout).toMatch(/game day it-gameday: PASS, score 100/);

    const r = read<GameDayReport>(join(dir, 'gameday.json'));
    expect(r.items.map((i) => [i.name, i.kind, i.status])).toEqual([
      ['it-pod-kill', 'run', 'pass'],
      ['checkpoint #1', 'checkpoint', 'pass'],
      ['maintenance', 'run', 'pass'],
    ]);
    expect(r.hypotheses.map((h) => [h.id, h.status])).toEqual([
      ['fleet-heals', 'confirmed'],
      ['api-stays-up', 'confirmed'],
    ]);
    expect(r.roles).toEqual({ facilitator: 'Ana', scribe: 'Ben', observers: ['Chloé', 'Dev'] });
    expect(r.checkpoints).toEqual([
      expect.objectContaining({ step: 'checkpoint #1', answeredBy: 'policy', decision: 'continue' }),
    ]);
    expect(r.notes).toEqual([expect.objectContaining({ text: 'the dashboard lagged 10 s behind', author: 'ana' })]);
    const kinds = r.timeline.map((e) => e.kind);
    expect(kinds.indexOf('note')).toBeGreaterThan(kinds.indexOf('item-start'));
    expect(kinds.indexOf('note')).toBeLessThan(kinds.indexOf('checkpoint'));
    expect(r.score).toBe(100);

    // The note reached the scenario that was running too, on its own timeline.
    const podKill = read<Report>(join(r.items[0]!.runDir!, 'report.json'));
    expect(podKill.notes?.map((n) => n.text)).toEqual(['the dashboard lagged 10 s behind']);
    // The second scenario's own checkpoint applied its policy; its action was undone at rollback.
    const maintenance = read<Report>(join(r.items[2]!.runDir!, 'report.json'));
    expect(maintenance.checkpoints).toEqual([
      expect.objectContaining({
        answeredBy: 'policy',
        decision: 'continue',
        prompt: 'Is the maintenance banner shown on the status page?',
      }),
    ]);
    // Each run's report.html lists its notes and checkpoints (and marks them on the timeline).
    const notesSection = (runDir: string): string =>
      /<section id="notes">[\s\S]*?<\/section>/.exec(readFileSync(join(runDir, 'report.html'), 'utf8'))?.[0] ?? '';
    expect(notesSection(r.items[0]!.runDir!)).toContain('the dashboard lagged 10 s behind');
    expect(notesSection(r.items[2]!.runDir!)).toContain('Is the maintenance banner shown on the status page?');
    const action = journal(r.items[2]!.runDir!).filter((e) => 'id' in e && e.id === 'm2');
    expect(action.map((e) => e.type)).toEqual(['intent', 'applied', 'undone']);
    expect(existsSync(mark)).toBe(false);

    // The report: items, hypotheses, a retro ready to paste; a testsuite per scenario in junit.xml.
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^# PASS: game day it-gameday\n/);
    expect(summary).toContain(
      '| fleet-heals | Killing API replicas, the fleet is whole again within 30 s | confirmed |',
    );
    expect(summary).toMatch(/## Retro\n\n### What happened\n\n- it-pod-kill \(run\): PASS — RTO \d/);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(validateXml(junit).ok).toBe(true);
    expect([...junit.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'gameday.it-pod-kill',
      'gameday.it-checkpoint-action',
    ]);

    // Notifications: start and end of the game day to every receiver; the failed one is reported.
    const hooks = rx.requests.filter((q) => q.path === '/hook').map((q) => q.json as Record<string, unknown>);
    expect(hooks.map((h) => [h['event'], h['kind'], h['name']])).toEqual([
      ['start', 'gameday', 'it-gameday'],
      ['end', 'gameday', 'it-gameday'],
    ]);
    expect(hooks[1]).toMatchObject({
      verdict: 'pass',
      score: 100,
      facts: { Items: '2/2 passed', Hypotheses: '2/2 confirmed' },
    });
    const slack = rx.requests.filter((q) => q.path === '/slack').map((q) => (q.json as { text: string }).text);
    expect(slack).toEqual(['gameday game day it-gameday started', 'gameday game day it-gameday: PASS']);
    const grafana = rx.requests.filter((q) => q.path === '/grafana/api/annotations');
    expect(grafana).toHaveLength(1);
    expect(grafana[0]?.headers['authorization']).toBe('Bearer glsa_token_never_in_reports');
    expect(grafana[0]?.json).toMatchObject({
      time: Date.parse(r.startedAt),
      timeEnd: Date.parse(r.endedAt),
      tags: ['gameday', 'it-gameday', 'pass', 'it'],
    });
    expect(r.notifications?.filter((n) => !n.ok)).toEqual([
      expect.objectContaining({ channel: 'webhook', event: 'end', error: 'HTTP 500' }),
    ]);
    expect(res.stderr).toMatch(/warning: notification webhook end to http:\/\/127\.0\.0\.1:\d+ failed: HTTP 500/);

    // A note after the game day ended: appended, the retro drafted again with it as an action item.
    const late = await runCli(['note', dir, 'action: page the DB on-call on replica loss']);
    expect(late.stdout).toMatch(/added to the finished run; its reports were written again/);
    const after = read<GameDayReport>(join(dir, 'gameday.json'));
    expect(after.notes.map((n) => n.text)).toEqual([
      'the dashboard lagged 10 s behind',
      'action: page the DB on-call on replica loss',
    ]);
    expect(after.retro.actionItems).toContain('page the DB on-call on replica loss');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('- [ ] page the DB on-call on replica loss');
    // No secret in any file the game day and its runs wrote.
    for (const d of [dir, ...r.items.flatMap((i) => (i.runDir ? [i.runDir] : []))]) {
      for (const f of readdirSync(d))
        expect(readFileSync(join(d, f), 'utf8'), `${d}/${f}`).not.toContain('glsa_token_never_in_reports');
    }
  }, 400_000);

  it('waits at a checkpoint until `gameday ack` answers it from another terminal', async () => {
    const reportDir = join(base, 'ack');
    const mark = join(base, 'ack-mark');
    const { child, done } = startCli(
      ['run', 'test/fixtures/gameday/checkpoint-action.yaml', '--interactive', '--report-dir', reportDir],
      {
        MARK_FILE: mark,
        CHECKPOINT_TIMEOUT: '2m',
      },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually(
      () => (/checkpoint #1: Is the maintenance banner shown/.test(stderr) ? true : undefined),
      90_000,
      'the checkpoint',
    );
    const runDir = onlyDir(join(reportDir, 'it-checkpoint-action')) as string;
    // The action ran before the checkpoint: the banner is up while the run waits.
    expect(existsSync(mark)).toBe(true);
    const ack = await runCli(['ack', runDir, '--author', 'ben', 'banner is up']);
    expect(ack.code, ack.stderr).toBe(0);
    const res = await done;
    expect(res.code, res.stderr.slice(-2000)).toBe(0);
    const report = read<Report>(join(runDir, 'report.json'));
    expect(report.checkpoints).toEqual([
      expect.objectContaining({
        answeredBy: 'ack',
        decision: 'continue',
        author: 'ben',
        text: 'banner is up',
        detail: expect.stringMatching(/^acknowledged by ben after .*: banner is up$/),
      }),
    ]);
    expect(existsSync(mark)).toBe(false);
    // A finished run waits on nothing.
    const again = await runCli(['ack', runDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not running \(finished\)/);
  }, 300_000);
});
