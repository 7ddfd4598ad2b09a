/** What global setup hands to the tests: where the app and the database run, who can sign in, and the admin. */
import type { DemoUser } from '../scripts/outpost';

export type { DemoUser };

export const OUTPOST_E2E_ENV = 'OUTPOST_E2E';

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
}

export interface E2eTarget {
  readonly appUrl: string;
  /** The database server itself (not through the app's /couch/ proxy), for admin reads and writes. */
  readonly couchUrl: string;
  /** Server admin of the throwaway in-memory server global setup started; it exists only for this run. */
  readonly admin: AdminCredentials;
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

function isAdmin(value: unknown): value is AdminCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return typeof a.user === 'string' && typeof a.password === 'string';
}

export function readTarget(env: NodeJS.ProcessEnv = process.env): E2eTarget {
  const raw = env[OUTPOST_E2E_ENV];
  if (!raw) throw new Error(`${OUTPOST_E2E_ENV} is not set: run the e2e tests through playwright.config.ts (npm run test:e2e).`);
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${OUTPOST_E2E_ENV} is not a JSON object`);
  const { appUrl, couchUrl, admin, demoUsers } = parsed as Record<string, unknown>;
  if (typeof appUrl !== 'string' || typeof couchUrl !== 'string' || !isAdmin(admin) || !Array.isArray(demoUsers) || !demoUsers.every(isDemoUser)) {
    throw new Error(`${OUTPOST_E2E_ENV} does not hold { appUrl, couchUrl, admin, demoUsers }`);
  }
  return { appUrl, couchUrl, admin, demoUsers };
}
