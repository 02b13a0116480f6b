// Types for prometheus.mjs, so TypeScript tests and benches can start the Prometheus fixture.

export const PROMETHEUS_MISSING_MESSAGE: string;
export function findPrometheus(env?: NodeJS.ProcessEnv): { binary: string; version: string };

export interface PrometheusHandle {
  url: string;
  port: number;
  pid: number;
  stateDir: string;
  sdDir: string;
  stop(): Promise<void>;
}

export function startPrometheus(opts?: {
  stateDir?: string;
  sdDir?: string;
  scrapeIntervalMs?: number;
  ownerPid?: number | null;
  web?: { basicAuth?: Record<string, string>; tls?: { certFile: string; keyFile: string } };
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<PrometheusHandle>;

export function stopPrometheus(opts: {
  stateDir: string;
  log?: (line: string) => void;
  removeDir?: boolean;
}): Promise<void>;
export function readPrometheusState(stateDir: string): { pid: number; url: string; port: number; sdDir: string } | null;
