// What a sandbox will look like right after start-up, without starting one (for `gameday plan`).

import type { ReplicaCapacity, ReplicaInfo, RegionStatus, SandboxRegionConfig, SandboxStatus } from './types.js';

export interface SandboxShape {
  replicas: number;
  zones: string[];
  database: boolean;
  /** Opt-in regions, as given to startSandbox. */
  regions?: SandboxRegionConfig[];
}

/** Replicas one controller places: the least-filled zone in config order, on-demand before spot. */
function place(zones: string[], count: number, region?: string): ReplicaInfo[] {
  const replicas: ReplicaInfo[] = [];
  const perZone = new Map<string, { onDemand: number; spot: number }>(zones.map((z) => [z, { onDemand: 0, spot: 0 }]));
  for (let n = 1; n <= count && zones.length > 0; n++) {
    let zone = zones[0] as string;
    const size = (z: string): number => {
      const c = perZone.get(z);
      return c ? c.onDemand + c.spot : 0;
    };
    for (const z of zones) if (size(z) < size(zone)) zone = z;
    const c = perZone.get(zone) ?? { onDemand: 0, spot: 0 };
    const capacity: ReplicaCapacity = c.onDemand <= c.spot ? 'on-demand' : 'spot';
    if (capacity === 'on-demand') c.onDemand++;
    else c.spot++;
    replicas.push({
      id: `api-${zone}-${n}`,
      zone,
      ...(region === undefined ? {} : { region }),
      capacity,
      pid: 0,
      port: null,
      state: 'ready',
      startedAt: 0,
      readyAt: 0,
    });
  }
  return replicas;
}

/**
 * The status a freshly started sandbox reports once whole. Mirrors the controller's placement
 * (infra-fixtures/sandbox/lib/controller.mjs): ids api-<zone>-<n> numbered from 1 per region, zones
 * named "<region>-<zone>" with regions. URLs, pids and ports are unknown.
 */
export function projectedSandboxStatus(shape: SandboxShape): SandboxStatus {
  const configs = shape.regions ?? [{ name: 'local', zones: shape.zones, replicas: shape.replicas }];
  const multi = shape.regions !== undefined;
  const regions: Record<string, RegionStatus> = {};
  const replicas: ReplicaInfo[] = [];
  const zones: Record<string, { up: boolean }> = {};
  configs.forEach((r, i) => {
    const names = (r.zones ?? shape.zones).map((z) => (multi ? `${r.name}-${z}` : z));
    const count = r.replicas ?? (i === 0 ? shape.replicas : 0);
    replicas.push(...place(names, count, multi ? r.name : undefined));
    for (const z of names) zones[z] = { up: true };
    regions[r.name] = {
      zones: names,
      desired: count,
      ready: count,
      serving: i === 0,
      down: false,
      database: shape.database ? (i === 0 ? 'primary' : 'standby') : null,
    };
  });
  const first = configs[0] as SandboxRegionConfig;
  const serving = regions[first.name] as RegionStatus;
  const region = (i: number): { region: string } | object =>
    multi ? { region: (configs[i] ?? configs[0])?.name ?? first.name } : {};
  return {
    desired: serving.desired,
    ready: serving.ready,
    replicas,
    zones,
    apiUrl: '',
    db: shape.database
      ? {
          writerUrl: '',
          readerUrl: '',
          primary: { name: 'pg-1', port: 0, pid: null, ...region(0) },
          standby: { name: 'pg-2', port: 0, pid: null, ...region(1) },
          stoppedPrimary: null,
        }
      : null,
    lastFleetWholeAt: null,
    servingRegion: first.name,
    regions,
  };
}
