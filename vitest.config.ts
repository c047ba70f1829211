import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rebuilds dist/ first when src/ is newer: tests that run bin/policyc.js run the current source.
    globalSetup: ['test/support/global-setup.ts'],
    // Property and differential tests compile many policies; give them room on a shared 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Use both cores of the CI machine (the default leaves one idle); the differential test is
    // split into four files so that they run side by side.
    maxWorkers: 2,
  },
});
