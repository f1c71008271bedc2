import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'integrations/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 900_000,
    pool: 'forks',
    // No test reaches the internet: a scan whose database is missing or stale tries this loopback
    // port (nothing listens) instead of the project's registry. Tests that pull set their own.
    env: { TOLLGATE_DB_REPOSITORY: 'http://127.0.0.1:9/tests-stay-offline' },
  },
});
