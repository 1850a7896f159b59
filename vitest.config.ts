import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/support/plain-summary.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // DuckDB files and a Chromium are heavy on 2 cores: keep workers few.
    maxWorkers: 2,
  },
});
