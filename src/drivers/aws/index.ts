// The AWS driver: the only code that talks to AWS. Faults, probes and undos receive an AwsDriver.

import {
  createAwsClients,
  destroyAwsClients,
  locationFor,
  type AwsClientConfig,
  type AwsClientOptions,
  type AwsClients,
} from './clients.js';
import { CloudWatchDriver } from './cloudwatch.js';
import { FisDriver } from './fis.js';
import { verifyIdentity } from './identity.js';
import { RdsDriver } from './rds.js';
import type { AwsIdentity, AwsLocation, AwsService, AwsTargetConfig } from './types.js';

export interface AwsDriver {
  config: AwsClientConfig;
  clients: AwsClients;
  fis: FisDriver;
  rds: RdsDriver;
  cloudwatch: CloudWatchDriver;
  /** Region and endpoint of a service, for journaled undos (never credentials). */
  location(service: AwsService): AwsLocation;
  /** The options the driver was built with, for a driver of the same target in another region. */
  readonly options: AwsClientOptions;
  /** Release sockets. */
  destroy(): void;
}

/** Build a driver for a resolved `targets.aws` (or the region/endpoint an undo recorded). */
export function createAwsDriver(config: AwsClientConfig, opts: AwsClientOptions = {}): AwsDriver {
  const clients = createAwsClients(config, opts);
  let fis: FisDriver | undefined;
  let rds: RdsDriver | undefined;
  let cloudwatch: CloudWatchDriver | undefined;
  return {
    config,
    clients,
    get fis() {
      return (fis ??= new FisDriver(clients.fis));
    },
    get rds() {
      return (rds ??= new RdsDriver(clients.rds));
    },
    get cloudwatch() {
      return (cloudwatch ??= new CloudWatchDriver(clients.cloudwatch));
    },
    location: (service) => locationFor(config, service),
    options: opts,
    destroy: () => destroyAwsClients(clients, opts.clients),
  };
}

/** A driver for one service from journal data: the endpoint recorded for that service, the default credential chain. */
export function driverForLocation(service: AwsService, location: AwsLocation, opts: AwsClientOptions = {}): AwsDriver {
  return createAwsDriver(
    {
      region: location.region,
      ...(location.endpoint === undefined ? {} : { endpoints: { [service]: location.endpoint } }),
    },
    opts,
  );
}

/** Verify the caller identity against the target's account and region allowlists (see identity.ts). */
export function guardIdentity(driver: AwsDriver, target: AwsTargetConfig, signal?: AbortSignal): Promise<AwsIdentity> {
  return verifyIdentity(driver.clients.sts, target, signal);
}

export { createAwsClients, destroyAwsClients, endpointFor, locationFor } from './clients.js';
export type { AwsCall, AwsClientConfig, AwsClientOptions, AwsClients, AwsCredentials, AwsWaiting } from './clients.js';
export { CloudWatchDriver, type MetricQuery } from './cloudwatch.js';
export { FisDriver, experimentView, type PollOptions, type StartExperimentInput } from './fis.js';
export { callerIdentity, verifyIdentity } from './identity.js';
export { callNotSent } from './call-watch.js';
export { RdsDriver } from './rds.js';
export * from './types.js';
