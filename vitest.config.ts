import { defineConfig } from 'vitest/config';

// Two suites: fast unit tests, and the contract suite that speaks HTTP to a real server
// (the embedded one it starts itself, or COUCH_URL when set).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['app/**/*.test.ts', 'app/**/*.test.tsx', 'sync/**/*.test.ts', 'couch-config/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['couch-config/contract/**', 'couch-config/rules/**', 'node_modules/**'],
          environment: 'node',
          // Some unit files start an in-process server or real PouchDB devices; a busy 2-core machine is slow.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'contract',
          include: ['couch-config/contract/**/*.test.ts', 'couch-config/rules/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['couch-config/contract/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One server, many files: run files one at a time so tests that change server config cannot race.
          fileParallelism: false,
        },
      },
    ],
  },
});
