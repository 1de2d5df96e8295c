import { defineConfig } from 'vitest/config';

// Browser tests: headless Debian Chromium against the browser host and the real backend.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/helpers/private-cache.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
