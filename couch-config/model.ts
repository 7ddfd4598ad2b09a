/** Names and roles of Outpost's server side (ARCHITECTURE §2). One place, used by the CLI, the demo and tests. */

export const HUB_DB = 'outpost-hub';
export const TEAM_DB_PREFIX = 'outpost-team-';
export const REPLICATOR_USER = 'outpost-replicator';
export const REPLICATOR_ROLE = 'outpost-replicator';
export const ADMIN_ROLE = 'outpost-admin';
export const HQ_ROLE = 'hq';

export type Role = 'field' | 'lead' | 'hq';
export const ROLES: readonly Role[] = ['field', 'lead', 'hq'];

const TEAM_ID = /^[a-z][a-z0-9-]{0,30}$/;
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function teamDb(team: string): string {
  return `${TEAM_DB_PREFIX}${team}`;
}

export function teamFromDb(db: string): string | null {
  return db.startsWith(TEAM_DB_PREFIX) && isTeamId(db.slice(TEAM_DB_PREFIX.length)) ? db.slice(TEAM_DB_PREFIX.length) : null;
}

export function isTeamId(value: string): boolean {
  return TEAM_ID.test(value);
}

export function teamIdProblem(value: string): string | null {
  return isTeamId(value) ? null : `team id "${value}" must start with a letter and use only a-z, 0-9 and -, at most 31 characters`;
}

export function userNameProblem(value: string): string | null {
  return USER_NAME.test(value) ? null : `user name "${value}" must use only a-z, 0-9, ".", "_" and "-", at most 64 characters`;
}

/** Roles are the only source of authorisation: a lead also has the team role; HQ has no team. */
export function rolesFor(role: Role, team: string | null): string[] {
  if (role === HQ_ROLE) return [HQ_ROLE];
  if (!team) throw new Error(`a ${role} needs a team`);
  return role === 'lead' ? [`team:${team}`, `lead:${team}`] : [`team:${team}`];
}

/** Reads back what rolesFor wrote; `null` for an account with no Outpost roles (e.g. disabled). */
export function describeRoles(roles: readonly string[]): { role: Role; team: string | null } | null {
  if (roles.includes(HQ_ROLE)) return { role: 'hq', team: null };
  const lead = roles.find((r) => r.startsWith('lead:'));
  if (lead) return { role: 'lead', team: lead.slice('lead:'.length) };
  const team = roles.find((r) => r.startsWith('team:'));
  return team ? { role: 'field', team: team.slice('team:'.length) } : null;
}
