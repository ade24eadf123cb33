import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/flow-coverage.ts'],
    // Tests start real servers and share one SQLite file per test directory; keep workers few on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    // browser and network tests wait for what a user would see; a busy CI machine is slower
    expect: { poll: { timeout: 5000, interval: 50 } },
    hookTimeout: 30_000,
  },
});
