/**
 * Starts Outpost (embedded server in memory + the built app on one origin) once for the whole run,
 * hands its addresses, admin and demo users to the tests through OUTPOST_E2E (read by e2e/fixtures.ts),
 * and returns the teardown that stops it.
 */
import type { FullConfig } from '@playwright/test';
import { startOutpost } from '../scripts/outpost';
import { OUTPOST_E2E_ENV, type E2eTarget } from './target';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const outpost = await startOutpost({ storage: 'memory', couchPort: 0, appPort: 0, build: 'if-needed', quiet: true });
  // The admin of this in-memory server exists only for this run; the worker processes inherit it through the environment.
  const target: E2eTarget = { appUrl: outpost.appUrl, couchUrl: outpost.couchUrl, admin: outpost.admin, demoUsers: outpost.demoUsers };
  process.env[OUTPOST_E2E_ENV] = JSON.stringify(target);
  return async () => {
    await outpost.close();
  };
}
