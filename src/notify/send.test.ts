// Notifications against real HTTP receivers on loopback that check the payloads: Slack blocks, the
// generic JSON summary, a Grafana annotation region with its token; failures are reported, never thrown.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/helpers/reports.js';
import { startReceiver, type Receiver } from '../../test/helpers/receiver.js';
import type { ResolvedNotifyTarget } from '../scenario/types-gameday.js';
import { Notifier, describeTarget } from './send.js';
import { subjectFromReport } from './subject.js';

let rx: Receiver;
beforeAll(async () => {
  // /flaky fails once then succeeds; /down always fails; /refused is a 403.
  let flaky = 0;
  rx = await startReceiver((r) =>
    r.path === '/down' ? 500 : r.path === '/refused' ? 403 : r.path === '/flaky' && flaky++ === 0 ? 503 : 200,
  );
});
afterAll(() => rx.close());

const all = ['start', 'abort', 'end'] as const;
const report = sampleReport({ rtoMs: 5200 });
const end = subjectFromReport(report, 'run', '/reports/sandbox-pod-kill/x');

describe('notifications', () => {
  it('send a Slack message with blocks, the JSON summary and a Grafana region with the token from the environment', async () => {
    const env = { HOOK_URL: `${rx.url}/slack`, GRAFANA_TOKEN_TEST: 'glsa_secret' };
    const targets: ResolvedNotifyTarget[] = [
      { kind: 'slack', on: [...all], urlEnv: 'HOOK_URL' },
      { kind: 'webhook', on: ['end'], url: `${rx.url}/json` },
      {
        kind: 'grafana',
        on: [...all],
        url: `${rx.url}/grafana/`,
        tokenEnv: 'GRAFANA_TOKEN_TEST',
        tags: ['team-a'],
        dashboardUid: 'abc',
      },
    ];
    const n = new Notifier(targets, env);
    n.send('start', {
      kind: 'run',
      name: 'sandbox-pod-kill',
      runId: report.runId,
      startedAt: report.startedAt,
      description: 'Kill 2 of 6',
    });
    n.send('end', end);
    const results = await n.flush();
    expect(results.map((r) => [r.channel, r.event, r.ok, r.status])).toEqual(
      expect.arrayContaining([
        ['slack', 'start', true, 200],
        ['slack', 'end', true, 200],
        ['webhook', 'end', true, 200],
        ['grafana', 'end', true, 200],
      ]),
    );
    expect(results).toHaveLength(4);
    const slack = rx.requests
      .filter((r) => r.path === '/slack')
      .map((r) => r.json as { text: string; blocks: Array<Record<string, unknown>> });
    expect(slack[0]?.text).toBe('gameday run sandbox-pod-kill started');
    const endMsg = slack.find((m) => m.text.includes('PASS'));
    expect(endMsg?.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'gameday run sandbox-pod-kill: PASS' },
    });
    expect(JSON.stringify(endMsg?.blocks)).toContain('*RTO*\\n5.20s ± 100ms');
    const json = rx.requests.find((r) => r.path === '/json')?.json as Record<string, unknown>;
    expect(json).toMatchObject({
      source: 'gameday',
      event: 'end',
      kind: 'run',
      name: 'sandbox-pod-kill',
      verdict: 'pass',
      score: 100,
    });
    expect(json['objectives']).toHaveLength(3);
    const grafana = rx.requests.find((r) => r.path === '/grafana/api/annotations');
    expect(grafana?.headers['authorization']).toBe('Bearer glsa_secret');
    expect(grafana?.json).toEqual({
      time: Date.parse(report.startedAt),
      timeEnd: Date.parse(report.endedAt),
      tags: ['gameday', 'sandbox-pod-kill', 'pass', 'team-a'],
      text: 'gameday run sandbox-pod-kill: PASS (run 20240101T000000Z-ab12, score 100)',
      dashboardUID: 'abc',
    });
    // Where it went is reported without secrets: scheme and host only.
    for (const r of results) expect(r.target).toBe(describeTarget(rx.url));
    expect(JSON.stringify(results)).not.toContain('glsa_secret');
  });

  it('reports a failed or unconfigured notification and never throws; retries once what may pass later', async () => {
    const n = new Notifier(
      [
        { kind: 'webhook', on: ['end'], url: `${rx.url}/down` },
        { kind: 'webhook', on: ['end'], url: `${rx.url}/refused` },
        { kind: 'webhook', on: ['end'], url: `${rx.url}/flaky` },
        { kind: 'slack', on: ['end'], urlEnv: 'NOT_SET_ANYWHERE' },
        { kind: 'grafana', on: ['end'], url: rx.url, tokenEnv: 'NO_GRAFANA_TOKEN', tags: [] },
        { kind: 'webhook', on: ['end'], url: 'http://127.0.0.1:1/nothing-listens' },
      ],
      {},
    );
    const before = rx.requests.length;
    n.send('end', end);
    const results = await n.flush();
    const by = (t: string) => results.find((r) => r.target.endsWith(t) || r.error?.includes(t));
    expect(results.filter((r) => r.ok).map((r) => r.channel)).toEqual(['webhook']);
    expect(results.find((r) => r.status === 500)).toMatchObject({ ok: false, error: 'HTTP 500' });
    expect(results.find((r) => r.status === 403)).toMatchObject({ ok: false, error: 'HTTP 403' });
    expect(by('NOT_SET_ANYWHERE')).toMatchObject({
      channel: 'slack',
      ok: false,
      error: 'environment variable NOT_SET_ANYWHERE is not set',
    });
    expect(by('NO_GRAFANA_TOKEN')).toMatchObject({ channel: 'grafana', ok: false });
    expect(results.find((r) => r.target === 'http://127.0.0.1:1')).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    const paths = rx.requests.slice(before).map((r) => r.path);
    // /down retried once (5xx), /refused not (4xx), /flaky passed on its second try.
    expect(paths.filter((p) => p === '/down')).toHaveLength(2);
    expect(paths.filter((p) => p === '/refused')).toHaveLength(1);
    expect(paths.filter((p) => p === '/flaky')).toHaveLength(2);
  });
});
