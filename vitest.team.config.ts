import { defineConfig } from 'vitest/config';

// Team workbook tests: fwb against a real PostgreSQL each test file starts (test/team/server.ts).
// One file at a time: each starts a server, and the machines share two cores.
export default defineConfig({
  test: {
    include: ['test/team/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
