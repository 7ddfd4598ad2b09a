/** What global setup hands to the tests: where the app runs and who can sign in. */
import type { DemoUser } from '../scripts/outpost';

export type { DemoUser };

export const OUTPOST_E2E_ENV = 'OUTPOST_E2E';

export interface E2eTarget {
  readonly appUrl: string;
  readonly demoUsers: readonly DemoUser[];
}

function isDemoUser(value: unknown): value is DemoUser {
  if (typeof value !== 'object' || value === null) return false;
  const u = value as Record<string, unknown>;
  return (
    typeof u.name === 'string' &&
    typeof u.password === 'string' &&
    (u.team === null || typeof u.team === 'string') &&
    (u.role === 'field' || u.role === 'lead' || u.role === 'hq')
  );
}

export function readTarget(env: NodeJS.ProcessEnv = process.env): E2eTarget {
  const raw = env[OUTPOST_E2E_ENV];
  if (!raw) throw new Error(`${OUTPOST_E2E_ENV} is not set: run the e2e tests through playwright.config.ts (npm run test:e2e).`);
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${OUTPOST_E2E_ENV} is not a JSON object`);
  const { appUrl, demoUsers } = parsed as Record<string, unknown>;
  if (typeof appUrl !== 'string' || !Array.isArray(demoUsers) || !demoUsers.every(isDemoUser)) {
    throw new Error(`${OUTPOST_E2E_ENV} does not hold { appUrl, demoUsers }`);
  }
  return { appUrl, demoUsers };
}
