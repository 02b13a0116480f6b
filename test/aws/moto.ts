// moto on loopback for one test file: start in beforeAll, stop in afterAll. Fake credentials only, and
// every client is pinned to 127.0.0.1 — no test can reach AWS, and the IMDS credential source is never probed.

import { rmSync } from 'node:fs';
import {
  createIamUser,
  resetMoto,
  startMoto,
  stopMoto,
  INSTALL_HINT,
  type AwsKeys,
  type MotoState,
} from '../../infra-fixtures/aws/lib/moto.mjs';
import { createAwsDriver, type AwsCall, type AwsDriver } from '../../src/drivers/aws/index.js';
import type { AwsTargetConfig } from '../../src/drivers/aws/types.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-west-2';
export const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Fake credentials in the environment (undo handlers use the default chain); no IMDS, no shared config files. */
export function useFakeAwsEnv(): void {
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  process.env['AWS_SESSION_TOKEN'] = 'testing';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/gameday-aws-credentials';
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/gameday-aws-config';
  delete process.env['AWS_PROFILE'];
  delete process.env['AWS_ENDPOINT_URL'];
}

/** The environment of a spawned CLI: fake credentials, no IMDS or shared config, every service on `endpoint`. */
export function fakeAwsCliEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/gameday-aws-credentials',
    AWS_CONFIG_FILE: '/nonexistent/gameday-aws-config',
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCOUNT_ID: ACCOUNT,
  };
}

export interface Moto {
  endpoint: string;
  state: MotoState;
  /** With IAM enforced: the admin user's keys (everything allowed); without, the fake `testing` keys. */
  admin: AwsKeys;
  stop(): Promise<void>;
  /** Forget everything moto stores (between tests); with IAM enforced, the admin is bootstrapped again. */
  reset(): Promise<void>;
  /** With IAM enforced: an IAM user holding exactly `policy`, created by the admin; returns its keys. */
  principal(userName: string, policy: object): Promise<AwsKeys>;
}

/** Start moto (with IAM enforced when asked); fails (never skips) with the install command when moto cannot run. */
export async function startMotoForTests(opts: { iam?: boolean } = {}): Promise<Moto> {
  useFakeAwsEnv();
  let state: MotoState;
  try {
    // Owned by this test process: a test run killed before afterAll still leaves nothing running.
    state = await startMoto({ timeoutMs: 60_000, ownerPid: process.pid, ...(opts.iam ? { iam: true } : {}) });
  } catch (error) {
    throw new Error(`the AWS tests need moto on loopback; install it with: ${INSTALL_HINT}\n${String(error)}`, {
      cause: error,
    });
  }
  const moto: Moto = {
    endpoint: state.endpoint,
    state,
    admin: state.iam?.admin ?? CREDENTIALS,
    stop: async () => {
      await stopMoto(state.stateDir);
      rmSync(state.stateDir, { recursive: true, force: true });
    },
    reset: async () => {
      const admin = await resetMoto(state);
      if (admin) moto.admin = admin;
    },
    principal: (userName, policy) => createIamUser(state.endpoint, moto.admin, userName, policy),
  };
  return moto;
}

/** A resolved targets.aws pointing every service at `endpoint`. */
export function testTarget(endpoint: string, overrides: Partial<AwsTargetConfig> = {}): AwsTargetConfig {
  return {
    region: REGION,
    regions: [REGION],
    accounts: [ACCOUNT],
    endpoint,
    retryMode: 'adaptive',
    maxAttempts: 3,
    fisRoleArn: `arn:aws:iam::${ACCOUNT}:role/gameday-fis`,
    ...overrides,
  };
}

/** A driver for tests: loopback only, fake credentials (or `credentials`), optionally recording every command. */
export function testDriver(target: AwsTargetConfig, calls?: AwsCall[], credentials: AwsKeys = CREDENTIALS): AwsDriver {
  return createAwsDriver(target, {
    credentials,
    loopbackOnly: true,
    ...(calls ? { onCommand: (c: AwsCall) => calls.push(c) } : {}),
  });
}
