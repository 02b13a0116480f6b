// Fake nodes for kwok: three zones, an on-demand and a spot node group, EKS-style labels and providerIDs.

import { createHash } from 'node:crypto';

export const ZONES = ['a', 'b', 'c'];
export const REGION = 'us-east-1';

/** Labels and annotations the fixture and the scenarios rely on. */
export const LABELS = {
  zone: 'topology.kubernetes.io/zone',
  region: 'topology.kubernetes.io/region',
  capacityType: 'eks.amazonaws.com/capacityType',
  nodegroup: 'eks.amazonaws.com/nodegroup',
  /** Set to "true" on a node to make kwok turn it NotReady (stages/node-not-ready.yaml). */
  notReady: 'node-not-ready.stage.kwok.x-k8s.io',
};
export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_TAINT = { key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' };

export const NODE_GROUPS = {
  'on-demand': { capacityType: 'ON_DEMAND', nodegroup: 'connectkit-on-demand', instanceType: 'm6i.xlarge' },
  spot: { capacityType: 'SPOT', nodegroup: 'connectkit-spot', instanceType: 'm6a.xlarge' },
};

/**
 * The node plan: `perZone` = {onDemand, spot} per zone, or `total` nodes split evenly over
 * zones with a third of each zone's nodes in the spot group.
 * Returns [{name, zone, group}].
 */
export function planNodes({ onDemandPerZone = 2, spotPerZone = 1, total } = {}) {
  const plan = [];
  ZONES.forEach((zone, zi) => {
    let onDemand = onDemandPerZone;
    let spot = spotPerZone;
    if (total !== undefined) {
      const inZone = Math.floor(total / ZONES.length) + (zi < total % ZONES.length ? 1 : 0);
      spot = Math.floor(inZone / 3);
      onDemand = inZone - spot;
    }
    for (let i = 0; i < onDemand; i++) plan.push({ name: `kwok-${zone}-on-demand-${i}`, zone, group: 'on-demand' });
    for (let i = 0; i < spot; i++) plan.push({ name: `kwok-${zone}-spot-${i}`, zone, group: 'spot' });
  });
  return plan;
}

/** The node's made-up EC2 instance id (`i-` and 17 hex digits, stable per name), as in an EKS providerID. */
export function instanceIdOf(name) {
  return `i-0${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

/** The Node object for one planned node; `index` gives it a unique fake InternalIP. */
export function nodeObject({ name, zone, group }, index, { kubeletVersion, kwokVersion }) {
  const g = NODE_GROUPS[group];
  const ip = `10.128.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': g.instanceType,
        [LABELS.zone]: zone,
        [LABELS.region]: REGION,
        [LABELS.capacityType]: g.capacityType,
        [LABELS.nodegroup]: g.nodegroup,
        type: 'kwok',
      },
      annotations: {
        [KWOK_ANNOTATION]: 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
      },
    },
    spec: {
      // As EKS sets it (aws:///<az>/<instance-id>): FIS spot interruptions are mapped to nodes by it.
      providerID: `aws:///${REGION}${zone}/${instanceIdOf(name)}`,
      taints: [KWOK_TAINT],
    },
    status: {
      allocatable: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: `kwok://${kwokVersion}`,
        kernelVersion: `kwok-${kwokVersion}`,
        osImage: 'gameday kwok fake node',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
      phase: 'Pending',
    },
  };
}
