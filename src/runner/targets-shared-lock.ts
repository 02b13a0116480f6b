// Where a target's shared lock lives: a Lease in the Kubernetes target's namespace, an S3 object in
// `targets.aws.lock.bucket`. The run, `gameday rollback --target` and `--orphans` derive it alike.

import type { AwsTargetConfig } from '../drivers/aws/types.js';
import type { Scenario } from '../scenario/types.js';
import type { SharedLockSpec } from './lock/index.js';
import { connectAws } from './targets-aws.js';
import type { TargetIdentity } from './targets-identity.js';

/** The Lease store of a Kubernetes target: its namespace on the cluster the identity names. */
export function kubernetesLockSpec(
  identity: Extract<TargetIdentity, { kind: 'kubernetes' }>,
  namespace: string,
): SharedLockSpec {
  return {
    kind: 'kubernetes-lease',
    namespace,
    ...(identity.kubeconfig === undefined ? {} : { kubeconfig: identity.kubeconfig }),
    ...(identity.context === undefined ? {} : { context: identity.context }),
    ...(identity.inCluster ? { inCluster: true } : {}),
    server: identity.server,
    caSha256: identity.caSha256,
  };
}

/** The S3 store of an AWS target, or undefined when `targets.aws.lock` is not set (a local lock file then). */
export function awsLockSpec(config: AwsTargetConfig): SharedLockSpec | undefined {
  if (!config.lock) return undefined;
  const endpoint = config.endpoints?.s3 ?? config.endpoint;
  return {
    kind: 's3',
    region: config.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(config.profile === undefined ? {} : { profile: config.profile }),
    bucket: config.lock.bucket,
    prefix: config.lock.prefix,
  };
}

/** One shared lock place of a scenario: its store and the key the scenario's run locks there. */
export interface SharedLockPlace {
  key: string;
  spec: SharedLockSpec;
}

/**
 * The shared lock places of a scenario's targets, found as a run finds them (same kubeconfig context and
 * namespace, same AWS identity guard), without its preflight or any change. Sandbox targets have none.
 */
export async function sharedLockPlaces(scenario: Scenario, signal: AbortSignal): Promise<SharedLockPlace[]> {
  const places: SharedLockPlace[] = [];
  const k8s = scenario.targets.kubernetes;
  if (k8s) {
    const { KubeClient } = await import('../drivers/kubernetes/client.js');
    const { kubeIdentity } = await import('../drivers/kubernetes/identity.js');
    const client = new KubeClient({
      ...(k8s.kubeconfig === undefined ? {} : { kubeconfig: k8s.kubeconfig }),
      ...(k8s.context === undefined ? {} : { context: k8s.context }),
      ...(k8s.inCluster ? { inCluster: true } : {}),
    });
    try {
      const id = await kubeIdentity(client, signal);
      const identity: Extract<TargetIdentity, { kind: 'kubernetes' }> = {
        kind: 'kubernetes',
        ...id,
        ...(k8s.inCluster || client.kubeconfig === undefined ? {} : { kubeconfig: client.kubeconfig }),
        ...(k8s.inCluster ? { inCluster: true } : { context: client.context }),
      };
      places.push({ key: `kubernetes:${client.server}`, spec: kubernetesLockSpec(identity, k8s.namespace) });
    } finally {
      client.close();
    }
  }
  const aws = scenario.targets.aws;
  const spec = aws ? awsLockSpec(aws) : undefined;
  if (aws && spec) {
    const conn = await connectAws(aws, { signal, log: () => undefined });
    conn.close();
    places.push({ key: conn.lockKey, spec });
  }
  return places;
}
