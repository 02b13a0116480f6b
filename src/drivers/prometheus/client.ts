// The Prometheus HTTP API (/api/v1/query, /api/v1/query_range): instant and range queries, bearer or
// basic auth from environment variables, a custom CA. Every failure is a GamedayError that says what
// went wrong in the words of the API: bad PromQL is invalid input (exit 2), the rest runtime errors.

import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { describeError, GamedayError } from '../../errors.js';
import type { PrometheusConnectionConfig } from '../../scenario/types.js';
import { redactText } from '../../util/redact.js';

/** One series of a result: its labels and value(s). */
export interface PromSeries {
  labels: Record<string, string>;
  value: number;
}

export type InstantResult = { type: 'vector'; series: PromSeries[] } | { type: 'scalar'; value: number };

export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] */
  points: Array<[number, number]>;
}

interface ApiBody {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Turn Prometheus's sample value strings ("1.5", "NaN", "+Inf") into numbers. */
const num = (v: unknown): number => (typeof v === 'string' ? Number(v.replace(/^\+/, '')) : Number(v));

/** A client for one Prometheus server. Credentials are read from the environment once, here. */
export class PrometheusClient {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly agent: Agent;

  constructor(
    readonly conn: PrometheusConnectionConfig,
    private readonly timeoutMs = 10_000,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.baseUrl = conn.url.replace(/\/+$/, '');
    this.headers = { 'content-type': 'application/x-www-form-urlencoded', ...authHeader(conn, env) };
    let ca: string | undefined;
    if (conn.ca !== undefined) {
      try {
        ca = readFileSync(conn.ca, 'utf8');
      } catch (cause) {
        throw new GamedayError(`Cannot read the Prometheus CA file ${conn.ca}.`, {
          kind: 'invalid-input',
          code: 'PROMETHEUS_CA',
          hint: 'Point `ca` at a PEM file, relative to the scenario file.',
          cause,
        });
      }
    }
    this.agent = new Agent({ keepAliveTimeout: 10_000, ...(ca === undefined ? {} : { connect: { ca } }) });
  }

  /** An instant query at `time` (unix seconds; default now). */
  async query(expr: string, opts: { time?: number; signal?: AbortSignal } = {}): Promise<InstantResult> {
    const params: Record<string, string> = { query: expr };
    if (opts.time !== undefined) params.time = String(opts.time);
    const data = await this.call('/api/v1/query', expr, params, opts.signal);
    if (data.resultType === 'scalar') return { type: 'scalar', value: num((data.result as unknown[])[1]) };
    if (data.resultType === 'vector') {
      const result = data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
      return { type: 'vector', series: result.map((r) => ({ labels: r.metric, value: num(r.value[1]) })) };
    }
    throw new GamedayError(
      `PromQL "${expr}" returns a ${data.resultType ?? 'result'}, not a number or an instant vector.`,
      {
        kind: 'invalid-input',
        code: 'PROMQL_RESULT_TYPE',
        hint: 'Use an expression that yields an instant vector or a scalar (no range selector at the top level).',
      },
    );
  }

  /** A range query over [start, end] (unix seconds) at `stepSec`. */
  async queryRange(
    expr: string,
    range: { start: number; end: number; stepSec: number },
    signal?: AbortSignal,
  ): Promise<RangeSeries[]> {
    const data = await this.call(
      '/api/v1/query_range',
      expr,
      { query: expr, start: String(range.start), end: String(range.end), step: String(range.stepSec) },
      signal,
    );
    const result = (data.result ?? []) as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
    return result.map((r) => ({ labels: r.metric, points: r.values.map(([t, v]) => [t, num(v)]) }));
  }

  /** Fail with PROMQL_INVALID (exit 2) when the expression does not parse; the result is discarded. */
  async checkParses(expr: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.query(expr, signal === undefined ? {} : { signal });
    } catch (error) {
      // Only a parse error speaks against the expression; an empty or odd result at plan time does not.
      if (error instanceof GamedayError && error.code === 'PROMQL_RESULT_TYPE') return;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async call(
    path: string,
    expr: string,
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<NonNullable<ApiBody['data']>> {
    const url = `${this.baseUrl}${path}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const where = redactText(this.baseUrl);
    let status: number;
    let body: ApiBody | undefined;
    let text: string;
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: this.headers,
        body: new URLSearchParams(params).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = res.statusCode;
      text = await res.body.text();
      try {
        body = JSON.parse(text) as ApiBody;
      } catch {
        body = undefined;
      }
    } catch (cause) {
      if (timeout.aborted && !signal?.aborted) {
        throw new GamedayError(`Prometheus at ${where} did not answer within ${this.timeoutMs}ms.`, {
          kind: 'runtime',
          code: 'PROMETHEUS_TIMEOUT',
          hint: 'Check that the server is up and the query is cheap enough to answer in time.',
          cause,
        });
      }
      throw new GamedayError(`Cannot reach Prometheus at ${where}: ${redactText(describeError(cause)).slice(0, 200)}`, {
        kind: 'runtime',
        code: 'PROMETHEUS_UNREACHABLE',
        hint: 'Check the url (and that `npm run fixture:prometheus -- up` is running for the local fixture).',
        cause,
      });
    }
    if (status === 200 && body?.status === 'success' && body.data) return body.data;
    throw apiError(status, body, text, expr, where);
  }
}

function authHeader(conn: PrometheusConnectionConfig, env: NodeJS.ProcessEnv): Record<string, string> {
  const read = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') {
      throw new GamedayError(`The environment variable ${name} (Prometheus credentials) is not set.`, {
        kind: 'invalid-input',
        code: 'PROMETHEUS_AUTH_ENV',
        hint: `Export ${name} before running gameday; credentials are never written in scenario files.`,
      });
    }
    return v;
  };
  if (conn.bearerTokenEnv !== undefined) return { authorization: `Bearer ${read(conn.bearerTokenEnv)}` };
  if (conn.basic !== undefined) {
    const pair = `${read(conn.basic.usernameEnv)}:${read(conn.basic.passwordEnv)}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }
  return {};
}

function apiError(status: number, body: ApiBody | undefined, text: string, expr: string, where: string): GamedayError {
  const detail = redactText(body?.error ?? text.trim().slice(0, 200));
  if (body?.errorType === 'bad_data' && status === 400) {
    return new GamedayError(`PromQL "${expr}" is not valid: ${detail}`, {
      kind: 'invalid-input',
      code: 'PROMQL_INVALID',
      hint: 'Fix the expression; try it in the Prometheus expression browser first.',
    });
  }
  if (status === 401 || status === 403) {
    return new GamedayError(`Prometheus at ${where} refused the query (HTTP ${status}): ${detail}`, {
      kind: 'invalid-input',
      code: 'PROMETHEUS_UNAUTHORIZED',
      hint: 'Set auth.bearerTokenEnv or auth.basic to environment variables holding valid credentials.',
    });
  }
  if (body?.errorType === 'timeout' || status === 503) {
    return new GamedayError(`Prometheus at ${where} timed out on "${expr}": ${detail}`, {
      kind: 'runtime',
      code: 'PROMETHEUS_TIMEOUT',
      hint: 'Make the query cheaper (shorter ranges, fewer series) or raise the server query timeout.',
    });
  }
  return new GamedayError(`Prometheus at ${where} answered HTTP ${status} to "${expr}": ${detail}`, {
    kind: 'runtime',
    code: body?.errorType === 'execution' ? 'PROMQL_EXECUTION' : 'PROMETHEUS_HTTP',
    hint: 'Check the url (it is the server root, without /api/v1) and the server log.',
  });
}
