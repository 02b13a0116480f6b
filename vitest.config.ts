import { defineConfig } from 'vitest/config';

// Tiers: unit (src/**/*.test.ts and the benches' judgements, bench/**/*.test.js; no servers), integration
// (test/**/*.test.ts, real sandbox + PostgreSQL).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.js'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
