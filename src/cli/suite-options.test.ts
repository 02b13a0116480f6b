import { describe, expect, it } from 'vitest';
import { parseNotify } from './suite-options.js';

describe('--notify', () => {
  it('takes a URL or the name of the variable that holds it, with defaults per kind', () => {
    expect(
      parseNotify({
        notify: ['slack', 'slack=TEAM_HOOK', 'webhook=https://h.example.com/x', 'grafana=https://g.example.com'],
      }),
    ).toEqual([
      { kind: 'slack', on: ['start', 'abort', 'end'], urlEnv: 'SLACK_WEBHOOK_URL' },
      { kind: 'slack', on: ['start', 'abort', 'end'], urlEnv: 'TEAM_HOOK' },
      {
        kind: 'webhook',
        on: ['start', 'abort', 'end'],
        url: 'https://h.example.com/x',
        tokenEnv: 'GAMEDAY_WEBHOOK_TOKEN',
      },
      {
        kind: 'grafana',
        on: ['start', 'abort', 'end'],
        url: 'https://g.example.com',
        tokenEnv: 'GRAFANA_TOKEN',
        tags: [],
      },
    ]);
    expect(parseNotify({})).toEqual([]);
  });

  it('says what is wrong with a notification it cannot send', () => {
    expect(() => parseNotify({ notify: ['pager=x'] })).toThrow('--notify pager=x: unknown kind "pager"');
    expect(() => parseNotify({ notify: ['webhook'] })).toThrow(
      '--notify webhook: give the URL or the environment variable holding it',
    );
    expect(() => parseNotify({ notify: ['grafana=GRAFANA_URL'] })).toThrow(
      "--notify grafana=GRAFANA_URL: give Grafana's URL",
    );
  });
});
