import { defineConfig } from 'vitest/config';

// Unit and integration tests: backend modules against real SQLite files in temp dirs.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/helpers/private-cache.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
