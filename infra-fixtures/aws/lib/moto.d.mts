// Types for moto.mjs, so TypeScript tests can start and stop the emulator.

export interface MotoState {
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  endpoint: string;
  stateDir: string;
  logFile: string;
  /** The owner watchdog's pid when started with `ownerPid`, else null. */
  watchdogPid: number | null;
  /** With IAM enforced: the admin user's credentials (Action "*", Resource "*"). */
  iam?: { admin: AwsKeys };
}

export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export const ADMIN_USER: string;
/** Create an IAM user with one inline policy and an access key through moto's IAM API, as `caller`. */
export function createIamUser(endpoint: string, caller: AwsKeys, userName: string, policy: object): Promise<AwsKeys>;
/** Forget everything moto stores; with IAM enforced, bootstrap the admin again and return its keys. */
export function resetMoto(state: MotoState): Promise<AwsKeys | undefined>;

export const MOTO_SPEC: string;
export const INSTALL_HINT: string;
export function motoVersion(): string | undefined;
export function motoInstalled(): string | undefined;
export function ensureMoto(log?: (line: string) => void): string;
export function startMoto(opts?: {
  stateDir?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** The process moto belongs to (a test file: `process.pid`): once it is gone, moto stops and stateDir is removed. */
  ownerPid?: number;
  /** Enforce IAM: bootstrap an admin user, then authenticate and authorize every request (moto_iam.py). */
  iam?: boolean;
}): Promise<MotoState>;
export function stopMoto(
  stateDir: string,
  opts?: { graceMs?: number; log?: (line: string) => void },
): Promise<{ stopped: boolean; reason?: string; pid?: number; port?: number }>;
export function removeMoto(opts: { stateDir: string; log?: (line: string) => void }): Promise<void>;
