// The built-in open-model load generator.

export { runLoad, type LoadResult, type LoadProgress, type RunLoadOptions } from './run.js';
export { errorRateBetween, latencyBetween } from './outcomes.js';
