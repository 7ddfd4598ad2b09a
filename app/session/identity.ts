/**
 * Who a signed-in user is, derived from CouchDB's `userCtx`.
 *
 * Roles are the only source of authorisation (ARCHITECTURE.md §2):
 *   `hq`          → HQ (sees every team; may also carry a team role)
 *   `lead:<id>`   → lead of team <id> (also has `team:<id>`)
 *   `team:<id>`   → field worker in team <id>
 * A lead role wins over a plain team role; `hq` wins over both. Anything else (including
 * `_admin`) gives no Outpost role.
 */

export interface UserCtx {
  readonly name: string | null;
  readonly roles: readonly string[];
}

export type Role = 'field' | 'lead' | 'hq' | 'none';

export interface Identity {
  readonly name: string;
  /** The team this user works in, or null (HQ without a team, or no team role at all). */
  readonly team: string | null;
  readonly role: Role;
}

const TEAM_PREFIX = 'team:';
const LEAD_PREFIX = 'lead:';

function teamsWithPrefix(roles: readonly string[], prefix: string): string[] {
  return roles.filter((r) => r.startsWith(prefix) && r.length > prefix.length).map((r) => r.slice(prefix.length));
}

/** The identity of a signed-in user, or null when `userCtx` is anonymous. */
export function identityFromUserCtx(ctx: UserCtx): Identity | null {
  if (!ctx.name) return null;
  const leadTeams = teamsWithPrefix(ctx.roles, LEAD_PREFIX);
  const teams = teamsWithPrefix(ctx.roles, TEAM_PREFIX);
  const team = leadTeams[0] ?? teams[0] ?? null;
  if (ctx.roles.includes('hq')) return { name: ctx.name, team, role: 'hq' };
  if (leadTeams[0] !== undefined) return { name: ctx.name, team: leadTeams[0], role: 'lead' };
  if (teams[0] !== undefined) return { name: ctx.name, team: teams[0], role: 'field' };
  return { name: ctx.name, team: null, role: 'none' };
}

const ROLE_LABELS: Record<Role, string> = {
  field: 'field worker',
  lead: 'lead',
  hq: 'HQ',
  none: 'no team role',
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

/** The parts of "ana · team north · field worker", in order. */
export function describeIdentity(identity: Identity): string[] {
  const parts = [identity.name];
  if (identity.team !== null) parts.push(`team ${identity.team}`);
  parts.push(roleLabel(identity.role));
  return parts;
}
