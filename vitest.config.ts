import { defineConfig } from 'vitest/config';

// Three suites: fast unit tests; system tests that start real servers, browsers' stand-ins and devices (one file at
// a time, so a 2-core machine never runs two of them against each other and times out); and the contract suite that
// speaks HTTP to a real server (the embedded one it starts itself, or COUCH_URL when set).
const SYSTEM = [
  'sync/chaos/**/*.test.ts',
  'sync/controller.test.ts',
  'sync/conflicts.test.ts',
  'sync/restore-guard.test.ts',
  'sync/retention.browser.test.ts',
  'sync/sync-scenarios.test.ts',
  'sync/unsynced-docs.test.ts',
  'sync/testing/**/*.test.ts',
  'app/dashboard/api.test.ts',
  'app/ui/settings/discard.test.ts',
  'couch-config/server/embedded-server.test.ts',
  'couch-config/server/db-lifecycle.test.ts',
  'couch-config/cli/*.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['app/**/*.test.ts', 'app/**/*.test.tsx', 'sync/**/*.test.ts', 'couch-config/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['couch-config/contract/**', 'couch-config/rules/**', 'node_modules/**', ...SYSTEM],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'system',
          include: SYSTEM,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
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
