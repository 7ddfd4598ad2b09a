/**
 * Builds Outpost's design documents and security objects from the readable files beside this module
 * (design/*.js, design/indexes.json, security/*.json, replications.json). Everything server-side is data;
 * this module only fills in the team id.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const VALIDATE_DDOC = '_design/outpost-validate';
export const DASHBOARD_DDOC = '_design/outpost-dashboard';
/** Operations views in every Outpost database (hub and teams): `conflicts`, read by `couch status`. */
export const OPS_DDOC = '_design/outpost-ops';

export type DesignDoc = { _id: string; language: 'javascript' } & Record<string, unknown>;

/** A CouchDB function file: strip the leading comments and the parentheses that make it lintable JS. */
export function functionSource(relativePath: string): string {
  const text = readFileSync(path.join(HERE, relativePath), 'utf8');
  const start = text.indexOf('(function');
  const end = text.lastIndexOf(')');
  if (start === -1 || end <= start) throw new Error(`${relativePath}: expected one parenthesised function`);
  return text.slice(start + 1, end).trim();
}

function readJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(HERE, relativePath), 'utf8')) as T;
}

/** Replaces every `{{key}}` in string values of a JSON template. */
export function fillTemplate<T>(template: T, values: Record<string, string>): T {
  return JSON.parse(JSON.stringify(template), (_key, value: unknown) =>
    typeof value === 'string' ? value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? `{{${name}}}`) : value,
  ) as T;
}

/** The validate_doc_update design doc for a team database (`team`) or the hub (`null`). */
export function validateDesignDoc(team: string | null): DesignDoc {
  const source = functionSource('design/validate.js').replace('__OUTPOST_TEAM__', JSON.stringify(team));
  return { _id: VALIDATE_DDOC, language: 'javascript', validate_doc_update: source };
}

export function dashboardDesignDoc(): DesignDoc {
  return {
    _id: DASHBOARD_DDOC,
    language: 'javascript',
    views: {
      jobs_by_team_status: { map: functionSource('design/views/jobs-by-team-status.map.js'), reduce: '_count' },
      open_jobs_by_team_due: { map: functionSource('design/views/open-jobs-by-team-due.map.js') },
    },
  };
}

export function opsDesignDoc(): DesignDoc {
  return {
    _id: OPS_DDOC,
    language: 'javascript',
    views: { conflicts: { map: functionSource('design/views/conflicts.map.js'), reduce: '_count' } },
  };
}

export interface MangoIndex {
  ddoc: string;
  name: string;
  index: { fields: string[] };
}

export function mangoIndexes(kind: 'team' | 'hub'): MangoIndex[] {
  return readJson<Record<'team' | 'hub', MangoIndex[]>>('design/indexes.json')[kind];
}

export interface SecurityObject {
  members: { names: string[]; roles: string[] };
  admins: { names: string[]; roles: string[] };
}

export function teamSecurity(team: string): SecurityObject {
  return fillTemplate(readJson<SecurityObject>('security/team.json'), { team });
}

export function hubSecurity(): SecurityObject {
  return readJson<SecurityObject>('security/hub.json');
}

export interface ReplicationTemplate {
  _id: string;
  source: string;
  target: string;
  selector?: Record<string, unknown>;
  continuous: boolean;
}

export function replicationTemplates(values: { team: string; hub: string; team_db: string }): ReplicationTemplate[] {
  return fillTemplate(readJson<{ perTeam: ReplicationTemplate[] }>('replications.json').perTeam, values);
}
