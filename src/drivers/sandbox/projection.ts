// What a sandbox will look like right after start-up, without starting one (for `gameday plan`).

import type { ReplicaCapacity, ReplicaInfo, SandboxStatus } from './types.js';

export interface SandboxShape {
  replicas: number;
  zones: string[];
  database: boolean;
}

/**
 * The status a freshly started sandbox reports once whole. Mirrors the controller's placement
 * (infra-fixtures/sandbox/lib/controller.mjs): the least-filled zone in config order, on-demand
 * before spot within a zone, ids api-<zone>-<n> numbered from 1. URLs, pids and ports are unknown.
 */
export function projectedSandboxStatus(shape: SandboxShape): SandboxStatus {
  const replicas: ReplicaInfo[] = [];
  const perZone = new Map<string, { onDemand: number; spot: number }>(
    shape.zones.map((z) => [z, { onDemand: 0, spot: 0 }]),
  );
  for (let n = 1; n <= shape.replicas && shape.zones.length > 0; n++) {
    let zone = shape.zones[0] as string;
    const count = (z: string): number => {
      const c = perZone.get(z);
      return c ? c.onDemand + c.spot : 0;
    };
    for (const z of shape.zones) if (count(z) < count(zone)) zone = z;
    const c = perZone.get(zone) ?? { onDemand: 0, spot: 0 };
    const capacity: ReplicaCapacity = c.onDemand <= c.spot ? 'on-demand' : 'spot';
    if (capacity === 'on-demand') c.onDemand++;
    else c.spot++;
    replicas.push({
      id: `api-${zone}-${n}`,
      zone,
      capacity,
      pid: 0,
      port: null,
      state: 'ready',
      startedAt: 0,
      readyAt: 0,
    });
  }
  return {
    desired: shape.replicas,
    ready: replicas.length,
    replicas,
    zones: Object.fromEntries(shape.zones.map((z) => [z, { up: true }])),
    apiUrl: '',
    db: shape.database
      ? {
          writerUrl: '',
          readerUrl: '',
          primary: { name: 'pg-1', port: 0, pid: null },
          standby: { name: 'pg-2', port: 0, pid: null },
        }
      : null,
    lastFleetWholeAt: null,
  };
}
