// Backup-restore drills: the public surface of src/drill.

export { runDrill, defaultValidations } from './run.js';
export { drillMeasurements, drillObjectives, type RestoreMeasurement, type RestoreRpoMeasurement } from './report.js';
export { pickArtifact, timestampFromName, globToRegExp, type Candidate } from './select.js';
export {
  createSource,
  directorySource,
  fileSource,
  postgresDumpSource,
  sandboxDumpSource,
  s3Source,
  rdsSource,
  RDS_DELETE_UNDO,
  type SourceFactories,
  type S3Like,
  type S3ObjectInfo,
  type S3SourceOptions,
  type RdsLike,
  type RdsScratchSpec,
  type RdsSnapshotInfo,
} from './sources/index.js';
export type * from './types.js';
