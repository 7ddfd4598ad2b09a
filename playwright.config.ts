import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumOrExit } from './e2e/browser';

/**
 * End-to-end tests in real Chromium against the real app: e2e/global-setup.ts starts the embedded
 * CouchDB-compatible server and serves the built app (dist/) with /couch/ on the same origin.
 * Run with `npm run test:e2e` (scripts/e2e.ts).
 */
const executablePath = chromiumOrExit();
const CI = Boolean(process.env.CI);

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  forbidOnly: CI,
  retries: 0,
  workers: CI ? 2 : undefined,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // baseURL comes from the running server; see e2e/fixtures.ts.
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath, args: [...CHROMIUM_ARGS] },
      },
    },
  ],
});
