/**
 * Idempotent "make it so" steps against a CouchDB server. Each reads first and writes only on a difference,
 * returning the change it made (or null), so a second run reports "no changes" and writes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AdminClient } from '../admin-client';
import type { DesignDoc, MangoIndex, SecurityObject } from '../design-docs';
import type { Change } from './report';

const enc = encodeURIComponent;

export async function ensureDatabase(client: AdminClient, db: string, createQuery = ''): Promise<Change | null> {
  const head = await client.request('GET', `/${enc(db)}`);
  if (head.status === 200) return null;
  const res = await client.request('PUT', `/${enc(db)}${createQuery}`);
  if (res.status === 412) return null; // created concurrently: fine
  if (res.status >= 400) await client.ok('PUT', `/${enc(db)}${createQuery}`);
  return { action: 'created', what: `database ${db}` };
}

function normaliseGroup(group: { names?: string[]; roles?: string[] } | undefined) {
  return { names: [...(group?.names ?? [])].sort(), roles: [...(group?.roles ?? [])].sort() };
}

export async function ensureSecurity(client: AdminClient, db: string, wanted: SecurityObject): Promise<Change | null> {
  const current = await client.ok<Partial<SecurityObject>>('GET', `/${enc(db)}/_security`);
  const same =
    isDeepStrictEqual(normaliseGroup(current.members), normaliseGroup(wanted.members)) &&
    isDeepStrictEqual(normaliseGroup(current.admins), normaliseGroup(wanted.admins));
  if (same) return null;
  await client.ok('PUT', `/${enc(db)}/_security`, wanted);
  return { action: 'updated', what: `security of ${db}` };
}

/** A design doc is rewritten only when its content changed, so views are not rebuilt for nothing. */
export async function ensureDoc(client: AdminClient, db: string, wanted: { _id: string } & Record<string, unknown>, label: string): Promise<Change | null> {
  const path = `/${enc(db)}/${wanted._id.startsWith('_design/') ? `_design/${enc(wanted._id.slice(8))}` : enc(wanted._id)}`;
  const current = await client.request<Record<string, unknown>>('GET', path);
  if (current.status === 200) {
    const { _rev, ...content } = current.body;
    if (isDeepStrictEqual(content, wanted)) return null;
    await client.ok('PUT', path, { ...wanted, _rev });
    return { action: 'updated', what: label };
  }
  await client.ok('PUT', path, wanted);
  return { action: 'created', what: label };
}

export function ensureDesignDoc(client: AdminClient, db: string, ddoc: DesignDoc): Promise<Change | null> {
  return ensureDoc(client, db, ddoc, `${ddoc._id} in ${db}`);
}

export async function ensureIndex(client: AdminClient, db: string, index: MangoIndex): Promise<Change | null> {
  const res = await client.ok<{ result: 'created' | 'exists' }>('POST', `/${enc(db)}/_index`, { ...index, type: 'json' });
  return res.result === 'created' ? { action: 'created', what: `index ${index.name} in ${db}` } : null;
}

/** Node-level config, on every node of the cluster (`_local` alone would change only the node we talk to). */
export async function ensureNodeConfig(client: AdminClient, section: string, key: string, value: string): Promise<Change | null> {
  const membership = await client.request<{ cluster_nodes?: string[] }>('GET', '/_membership');
  const nodes = membership.status === 200 && membership.body.cluster_nodes?.length ? membership.body.cluster_nodes : ['_local'];
  let changed = false;
  for (const node of nodes) {
    const path = `/_node/${enc(node)}/_config/${enc(section)}/${enc(key)}`;
    const current = await client.request<string>('GET', path);
    if (current.status === 200 && current.body === value) continue;
    await client.ok('PUT', path, value);
    changed = true;
  }
  return changed ? { action: 'updated', what: `config ${section}/${key} = ${value}` } : null;
}

export function compact<T>(values: ReadonlyArray<T | null>): T[] {
  return values.filter((v): v is T => v !== null);
}
