// Source factory: the built-in sources by kind; S3 and RDS come from the caller (the AWS driver).

import { GamedayError } from '../../errors.js';
import type { DrillSource, DrillSourceConfig } from '../types.js';
import { postgresDumpSource, sandboxDumpSource } from './dump.js';
import { directorySource, fileSource } from './local.js';

export type SourceFactories = Partial<Record<DrillSourceConfig['kind'], (config: DrillSourceConfig) => DrillSource>>;

/** The source for a config; `factories` override or add kinds (s3 and rds need an AWS client). */
export function createSource(config: DrillSourceConfig, factories: SourceFactories = {}, binDir?: string): DrillSource {
  const custom = factories[config.kind];
  if (custom) return custom(config);
  const bin = binDir === undefined ? {} : { binDir };
  switch (config.kind) {
    case 'sandbox':
      return sandboxDumpSource({ ...config, ...bin });
    case 'postgres':
      return postgresDumpSource(config.url, bin);
    case 'file':
      return fileSource(config.path);
    case 'directory':
      return directorySource(config.path, {
        pick: config.pick,
        ...(config.pattern === undefined ? {} : { pattern: config.pattern }),
      });
    case 's3':
    case 'rds':
      throw new GamedayError(`the ${config.kind} drill source needs the AWS driver`, {
        kind: 'invalid-input',
        code: 'DRILL_SOURCE_UNAVAILABLE',
        hint: `pass a "${config.kind}" source factory (s3Source / rdsSource over the AWS client)`,
      });
  }
}

export { postgresDumpSource, sandboxDumpSource } from './dump.js';
export { directorySource, fileSource } from './local.js';
export { s3Source, type S3Like, type S3ObjectInfo, type S3SourceOptions } from './s3.js';
export { rdsSource, RDS_DELETE_UNDO, type RdsLike, type RdsScratchSpec, type RdsSnapshotInfo } from './rds.js';
