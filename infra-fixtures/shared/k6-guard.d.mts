// Types for k6-guard.mjs, so src/load can record k6 for the owner watchdog.

export const K6_PID_FILE: string;
export function processStartTime(pid: number): string | null;
export function sameProcessAlive(pid: number, start: string | null): boolean;
export function writeK6Pid(dir: string, pid: number): void;
export function stopK6(opts: { stateDir: string; log?: (line: string) => void; graceMs?: number }): Promise<void>;
