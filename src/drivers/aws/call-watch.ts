// Every AWS call under watch: a deadline (retries included), progress while it waits, and a network
// failure turned into a message that says what was called where and what to do — instead of a bare
// "connect ECONNREFUSED 127.0.0.1:1". A call that never reached the endpoint is marked so: the journal
// can then say that the mutation it was meant to make never happened.

import { GamedayError } from '../../errors.js';
import type { AwsService } from './types.js';

/** A call that has not answered yet, for progress ("waiting for <endpoint> (STS GetCallerIdentity) … 5s"). */
export interface AwsWaiting {
  /** "STS GetCallerIdentity". */
  call: string;
  /** The endpoint URL, or "AWS sts in us-west-2" without an override. */
  endpoint: string;
  elapsedMs: number;
}

/** What the watch needs of a client's config and options. */
interface WatchConfig {
  region: string;
  endpoint?: string;
  endpoints?: Partial<Record<AwsService, string>>;
  callTimeoutMs?: number;
}
interface WatchOptions {
  onWaiting?(waiting: AwsWaiting): void;
  waitingEveryMs?: number;
}

export type MiddlewareStack = {
  add(
    mw: (
      next: (args: unknown) => Promise<unknown>,
      ctx: { commandName?: string } & Record<string, unknown>,
    ) => (args: unknown) => Promise<unknown>,
    opts: { step: 'initialize' | 'finalizeRequest'; name: string; override?: boolean; priority?: 'high' | 'low' },
  ): void;
};

const SERVICE_NAMES: Record<AwsService, string> = {
  fis: 'FIS',
  rds: 'RDS',
  ec2: 'EC2',
  sts: 'STS',
  cloudwatch: 'CloudWatch',
  s3: 'S3',
  route53: 'Route 53',
};

/** Codes of a connection that was never made: the request cannot have reached the endpoint. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const NETWORK = new Set([...NEVER_CONNECTED, 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED']);

function errorCodes(error: unknown): { codes: string[]; names: string[] } {
  const codes: string[] = [];
  const names: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const e = current as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.name === 'string') names.push(e.name);
    // AggregateError (happy eyeballs: one error per address tried).
    if (Array.isArray(e.errors)) {
      for (const inner of e.errors as Array<{ code?: unknown }>)
        if (typeof inner?.code === 'string') codes.push(inner.code);
    }
    current = e.cause;
  }
  return { codes, names };
}

/** True when `error` says the connection was never established. */
export function neverConnected(error: unknown): boolean {
  const { codes } = errorCodes(error);
  return codes.length > 0 && codes.every((c) => NEVER_CONNECTED.has(c));
}

function isNetworkError(error: unknown): boolean {
  const { codes, names } = errorCodes(error);
  return (
    codes.some((c) => NETWORK.has(c)) ||
    names.includes('TimeoutError') ||
    /socket hang up|other side closed/i.test(String((error as Error)?.message ?? ''))
  );
}

/** True for an AWS error gameday raised for a call that provably never reached its endpoint. */
export function callNotSent(error: unknown): boolean {
  return (error as { notSent?: unknown } | null)?.notSent === true;
}

function callName(service: AwsService, command: string | undefined): string {
  return `${SERVICE_NAMES[service]} ${(command ?? 'Unknown').replace(/Command$/, '')}`;
}

type Send = (command: { constructor: { name: string } }, options?: unknown, cb?: unknown) => Promise<unknown>;

/**
 * Give every `send` of `client` a deadline, its retries included: the SDK gets an abort signal, so the
 * request is cancelled and no retry starts after it — nothing stays open behind a call that gave up.
 */
export function withDeadline(client: { send: unknown }, service: AwsService, config: WatchConfig): void {
  const deadlineMs = config.callTimeoutMs ?? 60_000;
  const endpoint = describeEndpoint(config, service);
  // Looked up at each call, not bound once: a test double installed on the class later still answers.
  const proto = Object.getPrototypeOf(client) as { send: Send };
  const send: Send = (command, options, cb) => proto.send.call(client, command, options, cb);
  client.send = (command: { constructor: { name: string } }, options?: unknown, cb?: unknown) => {
    // Why not S3 GetObject: its body streams after send returns and the signal would cut a long download.
    if (typeof options === 'function' || cb !== undefined || command.constructor.name === 'GetObjectCommand') {
      return send(command, options, cb);
    }
    const given = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
    const deadline = AbortSignal.timeout(deadlineMs);
    const abortSignal = given ? AbortSignal.any([given, deadline]) : deadline;
    return send(command, { ...(options as object | undefined), abortSignal }).catch((error: unknown) => {
      if (!deadline.aborted || given?.aborted) throw error;
      throw new GamedayError(
        `${callName(service, command.constructor.name)} at ${endpoint}: no answer within ${Math.round(deadlineMs / 1000)}s (the endpoint accepts connections but does not respond)`,
        {
          kind: 'runtime',
          code: 'AWS_TIMEOUT',
          target: endpoint,
          hint: 'check that the endpoint is the AWS API (or emulator) it should be, and that it is healthy; targets.aws.callTimeout sets the limit',
        },
      );
    });
  };
}

function describeEndpoint(config: WatchConfig, service: AwsService): string {
  return config.endpoints?.[service] ?? config.endpoint ?? `AWS ${service} in ${config.region}`;
}

/** Add the watch to one client's middleware stack. */
export function watchCalls(stack: MiddlewareStack, service: AwsService, config: WatchConfig, opts: WatchOptions): void {
  const endpoint = describeEndpoint(config, service);
  const everyMs = opts.waitingEveryMs ?? 5000;
  // Per attempt (inside the SDK's retries): did any attempt get a connection?
  stack.add(
    (next, ctx) => async (args) => {
      try {
        const out = await next(args);
        ctx['gamedayReached'] = true;
        return out;
      } catch (error) {
        if (!neverConnected(error)) ctx['gamedayReached'] = true;
        throw error;
      }
    },
    { step: 'finalizeRequest', name: 'gamedayAttemptWatch', override: true, priority: 'low' },
  );
  // Per call (around the retries): progress, and the error a person can act on.
  stack.add(
    (next, ctx) => async (args) => {
      const call = callName(service, ctx.commandName);
      const started = performance.now();
      const ticker = opts.onWaiting
        ? setInterval(() => {
            opts.onWaiting?.({ call, endpoint, elapsedMs: performance.now() - started });
          }, everyMs)
        : undefined;
      try {
        return await next(args);
      } catch (error) {
        // An abort (the caller's signal or the call deadline) is explained by whoever aborted.
        const aborted = (error as { name?: unknown } | null)?.name === 'AbortError';
        if (error instanceof GamedayError || aborted || !isNetworkError(error)) throw error;
        const notSent = ctx['gamedayReached'] !== true && neverConnected(error);
        const { codes } = errorCodes(error);
        const what = codes.includes('ECONNREFUSED')
          ? 'connection refused (nothing listens there)'
          : codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN')
            ? 'the host name does not resolve'
            : `the connection failed (${codes[0] ?? (error as Error)?.name ?? 'network error'})`;
        const wrapped = new GamedayError(`${call} at ${endpoint}: ${what}`, {
          kind: 'runtime',
          code: 'AWS_UNREACHABLE',
          target: endpoint,
          cause: error,
          hint: `${notSent ? 'the request never reached the endpoint, so it changed nothing; ' : ''}check targets.aws.endpoint / endpoints and the network, or that the emulator is running`,
        });
        Object.defineProperty(wrapped, 'notSent', { value: notSent, enumerable: false });
        throw wrapped;
      } finally {
        if (ticker) clearInterval(ticker);
      }
    },
    { step: 'initialize', name: 'gamedayCallWatch', override: true, priority: 'low' },
  );
}
