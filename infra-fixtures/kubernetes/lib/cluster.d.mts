// Types for cluster.mjs, so TypeScript tests can start and stop the Kubernetes fixture.

export const FIXTURE_DIR: string;
/** os.tmpdir()/gameday-k8s */
export const DEFAULT_STATE_DIR: string;
export const NAMESPACE: 'production';
export const DEPLOYMENT: 'connectkit-app';
export const PDB: 'connectkit-app';

export interface K8sFixtureState {
  stateDir: string;
  binDir: string;
  /** Kubeconfig with contexts `gameday` (current) and `admin`; credentials embedded. */
  kubeconfig: string;
  contexts: { admin: 'admin'; gameday: 'gameday' };
  /** https://127.0.0.1:<port> */
  server: string;
  ports: { etcd: number; etcdPeer: number; apiserver: number; controllerManager: number; scheduler: number };
  pids: Record<string, number>;
  /** The owner watchdog's pid when started with `ownerPid`, else null. */
  watchdogPid: number | null;
  /** e.g. { 'kube-apiserver': 'v1.34.4', etcd: '3.6.4', kwok: 'v0.8.0', ... } */
  versions: Record<string, string>;
  namespace: string;
  deployment: string;
  nodes: number;
  benchPods: number;
  startedAt: string;
  startSeconds: number;
  /** Set when `up` found a healthy fixture already running in stateDir and reused it. */
  alreadyUp?: boolean;
}

export interface UpOptions {
  stateDir?: string;
  nodesPerZone?: number;
  spotPerZone?: number;
  /** Total fake nodes (overrides nodesPerZone), e.g. 500. */
  scale?: number;
  /** Pods of the extra Deployment production/connectkit-bench. */
  benchPods?: number;
  timeoutMs?: number;
  keepOnFailure?: boolean;
  verbose?: boolean;
  log?: (line: string) => void;
  /**
   * The process the fixture belongs to (a test file: `process.pid`): a detached watchdog runs `down`
   * once it is gone, however it died. Without it the fixture runs until `down`.
   */
  ownerPid?: number;
}

export interface ClusterSummary {
  nodes: {
    total: number;
    ready: number;
    /** zone -> capacity type -> [ready, total] */
    zones: Record<string, { ON_DEMAND: [number, number]; SPOT: [number, number] }>;
  };
  deployment: { replicas: number; ready: number } | null;
  pdb: { minAvailable: number | string; disruptionsAllowed: number | null } | null;
  readyPodsPerZone: Record<string, number>;
}

export function ensureBinaries(log: (line: string) => void): Promise<{ binDir: string }>;
export function up(opts?: UpOptions): Promise<K8sFixtureState>;
export function down(opts?: {
  stateDir?: string;
  log?: (line: string) => void;
}): Promise<{ stopped: string[]; survivors: string[]; listening: number[] }>;
export function status(opts?: { stateDir?: string }): Promise<{
  running: boolean;
  stateDir: string;
  state?: K8sFixtureState;
  processes: Record<string, { pid: number | null; alive: boolean }>;
  readyz?: unknown;
  cluster?: ClusterSummary;
  error?: string;
}>;
export function readState(stateDir: string): K8sFixtureState | null;
export function isNodeReady(node: unknown): boolean;
