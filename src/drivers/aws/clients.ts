// The AWS client factory: one client per service, region and credentials from the default chain,
// endpoints overridable per service (for emulators), adaptive retries on throttling.

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { FisClient } from '@aws-sdk/client-fis';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { GamedayError } from '../../errors.js';
import { watchCalls, withDeadline, type AwsWaiting, type MiddlewareStack } from './call-watch.js';
import { accessDenied } from './access-denied.js';
import type { AwsLocation, AwsService, AwsTargetConfig } from './types.js';

export interface AwsClients {
  fis: FisClient;
  rds: RDSClient;
  ec2: EC2Client;
  sts: STSClient;
  cloudwatch: CloudWatchClient;
  s3: S3Client;
  route53: Route53Client;
}

/** One SDK command as sent: which service, which command (e.g. "StartExperimentCommand"). */
export interface AwsCall {
  service: AwsService;
  command: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClientOptions {
  /** Explicit credentials (tests); default: the SDK's default credential chain. */
  credentials?: AwsCredentials;
  /** Refuse to send any request to a host other than loopback. Tests set it so nothing reaches AWS. */
  loopbackOnly?: boolean;
  /** Hears every command a client sends, before it is sent (audits, least-privilege tests). */
  onCommand?(call: AwsCall): void;
  /** Use these clients instead of building them (tests: clients under aws-sdk-client-mock). */
  clients?: Partial<AwsClients>;
  /** Hears, every `waitingEveryMs` (default 5s), about a call still waiting for its answer. */
  onWaiting?(waiting: AwsWaiting): void;
  waitingEveryMs?: number;
}

export type { AwsWaiting };

/** The subset of config a client needs; journal undos rebuild it from an AwsLocation. */
export type AwsClientConfig = Pick<AwsTargetConfig, 'region' | 'endpoint' | 'endpoints' | 'profile'> &
  Partial<Pick<AwsTargetConfig, 'retryMode' | 'maxAttempts' | 'callTimeoutMs'>>;

/** Time one call may take, retries included, unless the target sets callTimeout. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The endpoint a service uses: its own override, else the shared emulator endpoint, else AWS's. */
export function endpointFor(config: AwsClientConfig, service: AwsService): string | undefined {
  return config.endpoints?.[service] ?? config.endpoint;
}

/** Region and endpoint of one service, as plain data for journaled undos. */
export function locationFor(config: AwsClientConfig, service: AwsService): AwsLocation {
  const endpoint = endpointFor(config, service);
  return endpoint === undefined ? { region: config.region } : { region: config.region, endpoint };
}

function instrument(
  client: { middlewareStack: unknown },
  service: AwsService,
  config: AwsClientConfig,
  opts: AwsClientOptions,
): void {
  const stack = client.middlewareStack as MiddlewareStack;
  watchCalls(stack, service, config, opts);
  stack.add(
    (next, ctx) => (args) =>
      next(args).catch((error: unknown) => {
        throw accessDenied(error, service, ctx.commandName) ?? error;
      }),
    { step: 'initialize', name: 'gamedayAccessDenied', override: true, priority: 'low' },
  );
  if (opts.onCommand) {
    const hear = opts.onCommand;
    stack.add(
      (next, ctx) => async (args) => {
        hear({ service, command: ctx.commandName ?? 'UnknownCommand' });
        return next(args);
      },
      { step: 'initialize', name: 'gamedayRecordCommand', override: true, priority: 'high' },
    );
  }
  if (opts.loopbackOnly) {
    stack.add(
      (next) => async (args) => {
        const host = (args as { request?: { hostname?: string } }).request?.hostname ?? '';
        // Why: a test or an emulator run must never reach a real AWS endpoint, whatever the config says.
        if (!LOOPBACK.has(host)) {
          throw new GamedayError(`refusing to send an AWS ${service} request to ${host}: only loopback is allowed`, {
            kind: 'invalid-input',
            code: 'AWS_NOT_LOOPBACK',
            hint: 'set targets.aws.endpoint to the emulator (e.g. http://127.0.0.1:<port>)',
          });
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'gamedayLoopbackOnly', override: true },
    );
  }
}

function common(config: AwsClientConfig, service: AwsService, opts: AwsClientOptions): Record<string, unknown> {
  const endpoint = endpointFor(config, service);
  return {
    region: config.region,
    // Why adaptive: FIS and RDS throttle control-plane calls; adaptive mode adds client-side rate limiting.
    retryMode: config.retryMode ?? 'adaptive',
    maxAttempts: config.maxAttempts ?? 5,
    // Why socket timeouts too: the call deadline (call-watch.ts) ends the wait; these end the socket,
    // so an endpoint that accepts connections and never answers holds nothing open afterwards.
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: Math.min(30_000, config.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS),
      throwOnRequestTimeout: true,
      // The timeout is an error gameday explains; the handler's own console line would only repeat it.
      logger: {
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    },
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(config.profile === undefined ? {} : { profile: config.profile }),
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
  };
}

const built = new WeakMap<AwsClients, Partial<AwsClients>>();

/** Build (lazily) one client per service for `config`. */
export function createAwsClients(config: AwsClientConfig, opts: AwsClientOptions = {}): AwsClients {
  const made: Partial<AwsClients> = { ...opts.clients };
  const build = <K extends keyof AwsClients>(service: K, make: (c: Record<string, unknown>) => AwsClients[K]) => {
    return (): AwsClients[K] => {
      let client = made[service];
      if (!client) {
        client = make(common(config, service, opts));
        instrument(client, service, config, opts);
        withDeadline(client, service, config);
        made[service] = client;
      }
      return client as AwsClients[K];
    };
  };
  const get = {
    fis: build('fis', (c) => new FisClient(c)),
    rds: build('rds', (c) => new RDSClient(c)),
    ec2: build('ec2', (c) => new EC2Client(c)),
    sts: build('sts', (c) => new STSClient(c)),
    cloudwatch: build('cloudwatch', (c) => new CloudWatchClient(c)),
    // Path-style addressing: emulators on 127.0.0.1 have no per-bucket host names.
    s3: build('s3', (c) => new S3Client({ ...c, forcePathStyle: endpointFor(config, 's3') !== undefined })),
    route53: build('route53', (c) => new Route53Client(c)),
  };
  const clients: AwsClients = {
    get fis() {
      return get.fis();
    },
    get rds() {
      return get.rds();
    },
    get ec2() {
      return get.ec2();
    },
    get sts() {
      return get.sts();
    },
    get cloudwatch() {
      return get.cloudwatch();
    },
    get s3() {
      return get.s3();
    },
    get route53() {
      return get.route53();
    },
  };
  built.set(clients, made);
  return clients;
}

/** Release the sockets of every client that was built (clients passed in by the caller are left alone). */
export function destroyAwsClients(clients: AwsClients, passedIn: Partial<AwsClients> = {}): void {
  const made = built.get(clients) ?? {};
  for (const [key, client] of Object.entries(made) as Array<[keyof AwsClients, { destroy(): void }]>) {
    if (passedIn[key] === client) continue;
    client.destroy();
  }
}
