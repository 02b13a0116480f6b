import { defineConfig } from 'vitest/config';

// Tiers: unit (src/**/*.test.ts, no servers), integration (test/**/*.test.ts, real sandbox + PostgreSQL).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A target-lock directory per test file (test/helpers/lock-dir.ts).
    setupFiles: ['test/helpers/lock-dir.ts'],
    // Each tier in a temp dir of its own; leftovers there fail the tier (test/setup/leftovers.ts).
    globalSetup: ['test/setup/leftovers.ts'],
  },
});
