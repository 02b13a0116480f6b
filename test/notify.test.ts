// Notifications of one scenario run from the command line (`--notify`), against real HTTP receivers on
// loopback: a run interrupted mid-fault sends start, abort and end (verdict aborted), Grafana gets one
// region with the token from the environment, and no token reaches the run's files.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/report/types.js';
import { eventually, startCli } from './helpers/cli.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

const base = mkdtempSync(join(tmpdir(), 'gameday-notify-it-'));
const TOKEN = 'glsa_notify_token_never_in_files';
let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
  rmSync(base, { recursive: true, force: true });
});

/** The run directory once its journal records an applied mutation (the fault is in place). */
function faultInPlace(reportDir: string): string | undefined {
  const scenarioDir = join(reportDir, 'it-zone-hold');
  const run = existsSync(scenarioDir) ? readdirSync(scenarioDir)[0] : undefined;
  if (run === undefined) return undefined;
  const journal = join(scenarioDir, run, 'journal.ndjson');
  return existsSync(journal) && readFileSync(journal, 'utf8').includes('"type":"applied"')
    ? join(scenarioDir, run)
    : undefined;
}

describe('gameday run --notify', () => {
  it('sends start, abort and end for an interrupted run, a Grafana region with its token, and keeps tokens out of the files', async () => {
    const reportDir = join(base, 'reports');
    const { child, done } = startCli(
      [
        'run',
        'test/fixtures/runs/zone-hold.yaml',
        '--report-dir',
        reportDir,
        '--notify',
        `webhook=${rx.url}/hook`,
        '--notify',
        `grafana=${rx.url}/grafana`,
      ],
      { GRAFANA_TOKEN: TOKEN },
    );
    const runDir = await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`gameday exited early with ${child.exitCode}`);
        return faultInPlace(reportDir);
      },
      90_000,
      'the zone outage to be in place',
    );
    await rx.waitFor(1, '/hook');
    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr.slice(-2000)).toBe(3);

    const hooks = rx.requests.filter((q) => q.path === '/hook').map((q) => q.json as Record<string, unknown>);
    expect(hooks.map((h) => [h['event'], h['kind'], h['name']])).toEqual([
      ['start', 'run', 'it-zone-hold'],
      ['abort', 'run', 'it-zone-hold'],
      ['end', 'run', 'it-zone-hold'],
    ]);
    expect(String(hooks[1]?.['reason'])).toMatch(/SIGINT/);
    expect(hooks[2]).toMatchObject({ verdict: 'aborted' });

    // Grafana: one annotation, a region from the run's start to its end, tagged, with the token.
    const grafana = rx.requests.filter((q) => q.path === '/grafana/api/annotations');
    expect(grafana).toHaveLength(1);
    expect(grafana[0]?.method).toBe('POST');
    expect(grafana[0]?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    const annotation = grafana[0]?.json as { time: number; timeEnd: number; tags: string[] };
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(annotation.time).toBe(Date.parse(report.startedAt));
    expect(annotation.timeEnd).toBeGreaterThanOrEqual(annotation.time);
    expect(annotation.tags).toEqual(expect.arrayContaining(['gameday', 'it-zone-hold', 'aborted']));

    // The outcome of each webhook is in the report; the token is in none of the run's files.
    expect(report.notifications?.map((n) => [n.channel, n.event, n.ok])).toEqual(
      expect.arrayContaining([
        ['webhook', 'start', true],
        ['webhook', 'abort', true],
        ['webhook', 'end', true],
        ['grafana', 'end', true],
      ]),
    );
    for (const f of readdirSync(runDir)) expect(readFileSync(join(runDir, f), 'utf8'), f).not.toContain(TOKEN);
    expect(`${res.stdout}${res.stderr}`).not.toContain(TOKEN);
  }, 180_000);
});
