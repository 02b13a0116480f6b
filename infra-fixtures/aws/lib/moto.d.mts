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
}

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
}): Promise<MotoState>;
export function stopMoto(
  stateDir: string,
  opts?: { graceMs?: number; log?: (line: string) => void },
): Promise<{ stopped: boolean; reason?: string; pid?: number; port?: number }>;
export function removeMoto(opts: { stateDir: string; log?: (line: string) => void }): Promise<void>;
