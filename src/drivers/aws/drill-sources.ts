// The s3 and rds drill sources over the AWS driver: factories for runDrill's `sources` option.

import { rdsSource } from '../../drill/sources/rds.js';
import { s3Source } from '../../drill/sources/s3.js';
import type { DrillSource, DrillSourceConfig } from '../../drill/types.js';
import { GamedayError } from '../../errors.js';
import { createAwsDriver, type AwsClientOptions, type AwsDriver } from './index.js';
import { rdsDrill, type RdsDrillOptions } from './rds-drill.js';
import { s3Drill } from './s3.js';

type Factory = (config: DrillSourceConfig) => DrillSource;

export interface AwsDrillSources {
  sources: { s3: Factory; rds: Factory };
  /** Release the sockets of drivers made for other regions (the target's own driver is left alone). */
  close(): void;
}

/**
 * Sources for `drill.source.s3` and `drill.source.rds`. A source naming another region than the
 * driver's gets a driver of its own for that region (same endpoints, same client options).
 */
export function awsDrillSources(
  driver: AwsDriver,
  runId: string,
  opts: {
    clientOptions?: AwsClientOptions;
    rds?: Omit<RdsDrillOptions, 'location'>;
    /** ListObjectsV2 MaxKeys (default: S3's 1000). */
    s3PageSize?: number;
  } = {},
): AwsDrillSources {
  const extra = new Map<string, AwsDriver>();
  const inRegion = (region: string | undefined): AwsDriver => {
    if (region === undefined || region === driver.config.region) return driver;
    let d = extra.get(region);
    if (!d) {
      const { clients: _own, ...options } = opts.clientOptions ?? driver.options;
      d = createAwsDriver({ ...driver.config, region }, options);
      extra.set(region, d);
    }
    return d;
  };
  const wrongKind = (kind: string): GamedayError =>
    new GamedayError(`internal: the ${kind} drill source factory got another kind`, {
      kind: 'runtime',
      code: 'DRILL_SOURCE',
    });
  return {
    sources: {
      s3(config) {
        if (config.kind !== 's3') throw wrongKind('s3');
        const d = inRegion(config.region);
        return s3Source({
          bucket: config.bucket,
          prefix: config.prefix,
          pick: config.pick,
          client: s3Drill(d.clients.s3, opts.s3PageSize === undefined ? {} : { pageSize: opts.s3PageSize }),
          ...(config.pattern === undefined ? {} : { pattern: config.pattern }),
        });
      },
      rds(config) {
        if (config.kind !== 'rds') throw wrongKind('rds');
        const d = inRegion(config.region);
        return rdsSource(config, rdsDrill(d.clients.rds, { ...opts.rds, location: d.location('rds') }), runId);
      },
    },
    close() {
      for (const d of extra.values()) d.destroy();
      extra.clear();
    },
  };
}
