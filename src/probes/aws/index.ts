// AWS probes: cloudwatch (metric or alarm) and rds (status, replica lag).

export { createCloudWatchProbe, type AwsProbeOptions } from './cloudwatch.js';
export { createRdsProbe } from './rds.js';
export type { CloudWatchProbeConfig, RdsProbeConfig } from './types.js';
