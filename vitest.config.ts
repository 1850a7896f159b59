import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/support/plain-summary.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // expect.poll's default second is too short for a page on a loaded 2-core CI box (a dashboard list once
    // took longer while a forecast trained beside it); a poll still ends as soon as it holds.
    expect: { poll: { timeout: 20_000 } },
    // DuckDB files and a Chromium are heavy on 2 cores: keep workers few.
    maxWorkers: 2,
  },
});
