// Checkpoints and the run inbox: answered on the terminal or by `gameday ack` (an entry appended to
// the inbox, as another terminal would), or the non-interactive policy when nobody can answer.

import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../util/clock.js';
import type { TimelineEntry } from '../report/types.js';
import { AckQueue, waitForCheckpoint } from './checkpoint.js';
import { appendInbox, InboxReader, INBOX_FILE } from './inbox.js';
import { LiveSession } from './session.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gameday-live-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const step = (over: Partial<{ timeoutMs: number; nonInteractive: 'continue' | 'fail' | 'abort' }> = {}) => ({
  name: 'checkpoint #1',
  prompt: 'Is the dashboard green?',
  timeoutMs: 60_000,
  nonInteractive: 'continue' as const,
  ...over,
});

describe('run inbox', () => {
  it('hands out whole lines only, once each, across partial writes', () => {
    const dir = tempDir();
    const reader = InboxReader.forRun(dir);
    expect(reader.read()).toEqual([]);
    const a = appendInbox(dir, { type: 'note', text: 'first — with ünïcode' });
    const line = `${JSON.stringify({ type: 'note', id: 'note-x', at: new Date().toISOString(), text: 'second' })}\n`;
    appendFileSync(join(dir, INBOX_FILE), line.slice(0, 20));
    expect(reader.read().map((e) => e.id)).toEqual([a.id]);
    appendFileSync(join(dir, INBOX_FILE), `${line.slice(20)}not json\n`);
    expect(reader.read().map((e) => e.id)).toEqual(['note-x']);
    expect(reader.read()).toEqual([]);
  });

  it('puts notes on the timeline at the time they were written and routes acks to the waiting checkpoint', async () => {
    const dir = tempDir();
    const timeline: TimelineEntry[] = [];
    const live = new LiveSession(dir, { clock: systemClock, timeline }, { waitForAck: true });
    live.start();
    try {
      const note = appendInbox(dir, { type: 'note', text: 'alert fired', author: 'ana' });
      const waiting = waitForCheckpoint(step(), {
        io: live.io,
        acks: live.acks,
        signal: AbortSignal.timeout(10_000),
        runDir: dir,
      });
      appendInbox(dir, { type: 'ack', decision: 'continue', text: 'all green', author: 'ben' });
      const result = await waiting;
      expect(result).toMatchObject({ answeredBy: 'ack', decision: 'continue', text: 'all green', author: 'ben' });
      expect(result.detail).toMatch(/^acknowledged by ben after .*: all green$/);
      expect(live.notes).toEqual([{ id: note.id, at: note.at, text: 'alert fired', author: 'ana' }]);
      const entry = timeline.find((e) => e.kind === 'note');
      expect(entry?.message).toBe('alert fired (ana)');
      expect(entry?.at).toBe(note.at);
    } finally {
      live.stop();
    }
  });
});

describe('checkpoints', () => {
  it('apply the non-interactive policy at once when nobody can answer', async () => {
    for (const policy of ['continue', 'fail', 'abort'] as const) {
      const r = await waitForCheckpoint(step({ nonInteractive: policy }), {
        acks: new AckQueue(),
        signal: AbortSignal.timeout(5000),
        runDir: '/x',
      });
      expect(r).toMatchObject({ answeredBy: 'policy', decision: policy, waitedMs: expect.any(Number) });
      expect(r.detail).toBe(`nobody can answer (not a terminal): ${policy}`);
    }
  });

  it('take the answer typed on the terminal', async () => {
    const r = await waitForCheckpoint(step(), {
      io: { ask: async (prompt) => (prompt.includes('Is the dashboard green?') ? 'yes, green' : '') },
      acks: new AckQueue(),
      signal: AbortSignal.timeout(5000),
      runDir: '/x',
    });
    expect(r).toMatchObject({ answeredBy: 'terminal', decision: 'continue', text: 'yes, green' });
  });

  it('apply the policy when the timeout passes without an answer, and pass on an ack that aborts', async () => {
    const acks = new AckQueue();
    const timedOut = await waitForCheckpoint(step({ timeoutMs: 50, nonInteractive: 'fail' }), {
      io: { waitForAck: true },
      acks,
      signal: AbortSignal.timeout(5000),
      runDir: '/x',
    });
    expect(timedOut).toMatchObject({ answeredBy: 'policy', decision: 'fail' });
    expect(timedOut.detail).toBe('no answer within 50ms: fail');
    const waiting = waitForCheckpoint(step(), {
      io: { waitForAck: true },
      acks,
      signal: AbortSignal.timeout(5000),
      runDir: '/x',
    });
    expect(acks.offer({ type: 'ack', id: 'ack-1', at: new Date().toISOString(), decision: 'abort' })).toBe(true);
    expect(await waiting).toMatchObject({ answeredBy: 'ack', decision: 'abort' });
    expect(acks.offer({ type: 'ack', id: 'ack-2', at: new Date().toISOString(), decision: 'continue' })).toBe(false);
  });
});
