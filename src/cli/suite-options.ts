// Options shared by the commands that run things: --notify, --history, --interactive; and how the
// terminal answers checkpoints (Enter on a TTY).

import { createInterface } from 'node:readline/promises';
import { GamedayError } from '../errors.js';
import { LocalHistory } from '../history/local.js';
import type { HistoryStore } from '../history/store.js';
import type { CheckpointIo } from '../live/checkpoint.js';
import type { ResolvedNotifyTarget } from '../scenario/types-gameday.js';
import type { SuiteServices } from '../suite/services.js';
import type { OptionSpec } from './args.js';
import type { CliIo } from './io.js';

export const suiteOptions = {
  notify: { type: 'string', multiple: true },
  history: { type: 'string' },
  interactive: { type: 'boolean' },
} as const satisfies OptionSpec;

type Values = Record<string, string | boolean | string[] | undefined>;

const usage = (message: string, hint: string): GamedayError =>
  new GamedayError(message, { kind: 'usage', code: 'USAGE', hint });

/**
 * `--notify slack[=URL|ENV]`, `--notify webhook=URL|ENV`, `--notify grafana=URL`: a URL, or the name
 * of the environment variable holding it (secrets stay out of shell history). Tokens: GRAFANA_TOKEN,
 * GAMEDAY_WEBHOOK_TOKEN.
 */
export function parseNotify(values: Values): ResolvedNotifyTarget[] {
  const raw = values['notify'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  return list.map((spec): ResolvedNotifyTarget => {
    const [kind = '', value] = spec.split(/=(.*)/s, 2);
    const on: ResolvedNotifyTarget['on'] = ['start', 'abort', 'end'];
    const where = (fallbackEnv?: string): { url?: string; urlEnv?: string } => {
      if (value === undefined || value === '') {
        if (fallbackEnv) return { urlEnv: fallbackEnv };
        throw usage(
          `--notify ${spec}: give the URL or the environment variable holding it`,
          `e.g. --notify ${kind}=https://hooks.example.com/…`,
        );
      }
      return /^https?:\/\//.test(value) ? { url: value } : { urlEnv: value };
    };
    if (kind === 'slack') return { kind, on, ...where('SLACK_WEBHOOK_URL') };
    if (kind === 'webhook') return { kind, on, ...where(), tokenEnv: 'GAMEDAY_WEBHOOK_TOKEN' };
    if (kind === 'grafana') {
      if (!value || !/^https?:\/\//.test(value))
        throw usage(
          `--notify ${spec}: give Grafana's URL`,
          'e.g. --notify grafana=https://grafana.example.com (token from GRAFANA_TOKEN)',
        );
      return { kind, on, url: value, tokenEnv: 'GRAFANA_TOKEN', tags: [] };
    }
    throw usage(
      `--notify ${spec}: unknown kind "${kind}"`,
      'one of slack, webhook, grafana, e.g. --notify slack=SLACK_WEBHOOK_URL',
    );
  });
}

/** `--history s3://bucket/prefix` (shared, loaded on use) or the report directory's own index. */
export async function historyStore(
  values: Values,
  reportDir: string,
): Promise<{ store: HistoryStore; shared: boolean }> {
  const url = values['history'];
  if (typeof url !== 'string') return { store: new LocalHistory(reportDir), shared: false };
  if (!url.startsWith('s3://'))
    throw usage(`--history ${url}: expected s3://bucket/prefix`, 'e.g. --history s3://my-team-gameday/history');
  const { s3HistoryFromUrl } = await import('../history/s3.js');
  return { store: s3HistoryFromUrl(url), shared: true };
}

/** Services for runs: shared history, CLI notifications, warnings printed. */
export async function suiteServices(
  values: Values,
  reportDir: string,
  io: CliIo,
  notifyEachRun: boolean,
): Promise<SuiteServices> {
  const { store, shared } = await historyStore(values, reportDir);
  const notify = parseNotify(values);
  return {
    ...(shared ? { history: store } : {}),
    ...(notifyEachRun && notify.length > 0 ? { notify } : {}),
    warn: (m) => io.err(`gameday: warning: ${m}`),
  };
}

/** Checkpoints answered on this terminal (Enter) when stdin is one; with --interactive also by `gameday ack` alone. */
export function terminalCheckpoints(values: Values, io: CliIo): CheckpointIo | undefined {
  const tty = process.stdin.isTTY === true && values['json'] !== true;
  const waitForAck = values['interactive'] === true;
  if (!tty && !waitForAck) return undefined;
  const io2: CheckpointIo = { waitForAck };
  if (tty) {
    io2.ask = async (prompt, signal) => {
      io.err(`\n${prompt}`);
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
      try {
        return await rl.question('> ', { signal });
      } finally {
        rl.close();
      }
    };
  }
  return io2;
}
