/**
 * What a chaos run must end with, checked against the server (as admin, over HTTP) and every device's replica:
 * - convergence: every replica of a team holds, for every doc, the server's winning revision and the same body,
 *   and no doc has `_conflicts` anywhere;
 * - no edit lost: each edit in the devices' logs still has its effect (an added item is there, in its latest
 *   version; a scalar field holds the value of its latest stamp; a status is one that some write set);
 * - every resolution left an audit: each losing branch closed by a resolution is named by a `conflict` doc.
 */
import type { AdminClient } from '../../couch-config/admin-client';
import type { LocalDb } from '../db';
import { compareStamps } from '../hlc';
import { canonicalJson } from '../merge/canonical';
import { compareItemVersions, type ItemBase } from '../merge/items';
import type { Edit } from './ops';

type StoredDoc = Record<string, unknown> & { _id: string; _rev: string; _conflicts?: string[] };
const enc = encodeURIComponent;

/** The server's docs of a team database (design docs aside), with `_conflicts`. */
export async function serverDocs(admin: AdminClient, db: string): Promise<Map<string, StoredDoc>> {
  const body = await admin.ok<{ rows: Array<{ id: string; doc?: StoredDoc }> }>('GET', `/${enc(db)}/_all_docs?include_docs=true&conflicts=true`);
  return new Map(body.rows.filter((r) => !r.id.startsWith('_design/') && r.doc).map((r) => [r.id, r.doc as StoredDoc]));
}

export async function replicaDocs(local: LocalDb): Promise<Map<string, StoredDoc>> {
  const { rows } = await local.allDocs({ include_docs: true, conflicts: true });
  return new Map(rows.filter((r) => !r.id.startsWith('_design/') && r.doc).map((r) => [r.id, r.doc as StoredDoc]));
}

/** Everything that still differs between the server and the replicas of one team; [] when converged. */
export function divergence(server: Map<string, StoredDoc>, replicas: ReadonlyArray<{ name: string; docs: Map<string, StoredDoc> }>, limit = 10): string[] {
  const problems: string[] = [];
  for (const [id, doc] of server) if (doc._conflicts?.length) problems.push(`server: ${id} has conflicts ${doc._conflicts.join(', ')}`);
  for (const { name, docs } of replicas) {
    for (const [id, doc] of server) {
      const mine = docs.get(id);
      if (!mine) problems.push(`${name}: lacks ${id}`);
      else if (mine._rev !== doc._rev) problems.push(`${name}: ${id} at ${mine._rev}, server at ${doc._rev}`);
      else if (mine._conflicts?.length) problems.push(`${name}: ${id} has conflicts ${mine._conflicts.join(', ')}`);
      else if (canonicalJson(strip(mine)) !== canonicalJson(strip(doc))) problems.push(`${name}: ${id} body differs from the server's at ${doc._rev}`);
    }
    for (const id of docs.keys()) if (!server.has(id)) problems.push(`${name}: has ${id}, which the server lacks`);
  }
  return problems.slice(0, limit).concat(problems.length > limit ? [`… and ${problems.length - limit} more`] : []);
}

/** The body as both sides store it: without `_conflicts`, and attachment stubs without server-only details. */
function strip(doc: StoredDoc): Record<string, unknown> {
  const { _conflicts: _ignored, ...rest } = doc;
  const attachments = rest._attachments as Record<string, { content_type?: string; digest?: string; length?: number }> | undefined;
  if (!attachments) return rest;
  return {
    ...rest,
    _attachments: Object.fromEntries(Object.entries(attachments).map(([name, a]) => [name, { content_type: a.content_type, digest: a.digest, length: a.length }])),
  };
}

/** Edits whose effect is missing from the converged docs, in words. */
export function lostEdits(edits: readonly Edit[], docs: Map<string, StoredDoc>, seedStatus: Map<string, string>): string[] {
  const lost: string[] = [];
  const latestScalar = new Map<string, Extract<Edit, { kind: 'scalar' }>>();
  const latestItem = new Map<string, Extract<Edit, { kind: 'item' }>>();
  const statuses = new Map<string, Set<string>>();
  const attachments: Array<Extract<Edit, { kind: 'item' }>> = [];
  for (const edit of edits) {
    if (edit.kind === 'scalar') {
      const key = `${edit.docId} ${edit.field}`;
      const seen = latestScalar.get(key);
      if (!seen || compareStamps(edit.stamp, seen.stamp) > 0) latestScalar.set(key, edit);
    } else if (edit.kind === 'item') {
      const key = `${edit.docId} ${edit.field} ${edit.item.id}`;
      const seen = latestItem.get(key);
      if (!seen || compareItemVersions(edit.item as ItemBase, seen.item as ItemBase) > 0) latestItem.set(key, edit);
      if (edit.attachment) attachments.push(edit);
    } else {
      const set = statuses.get(edit.docId) ?? new Set<string>();
      set.add(canonicalJson([edit.value, edit.stamp]));
      statuses.set(edit.docId, set);
    }
  }
  for (const edit of latestScalar.values()) {
    const doc = docs.get(edit.docId);
    const clock = (doc?.clock ?? {}) as Record<string, string>;
    if (!doc || canonicalJson(doc[edit.field]) !== canonicalJson(edit.value) || clock[edit.field] !== edit.stamp) {
      lost.push(`${edit.docId}.${edit.field}: latest write ${JSON.stringify(edit.value)} @${edit.stamp} by ${edit.device}, found ${JSON.stringify(doc?.[edit.field])} @${clock[edit.field]}`);
    }
  }
  for (const edit of latestItem.values()) {
    const doc = docs.get(edit.docId);
    const list = (doc?.[edit.field] ?? []) as Array<Record<string, unknown> & { id: string }>;
    const found = list.find((i) => i.id === edit.item.id);
    if (!found) lost.push(`${edit.docId}.${edit.field}: item ${edit.item.id} by ${edit.device} is missing`);
    else if (canonicalJson(found) !== canonicalJson(edit.item)) lost.push(`${edit.docId}.${edit.field}: item ${edit.item.id} is ${JSON.stringify(found)}, latest write was ${JSON.stringify(edit.item)}`);
  }
  for (const edit of attachments) {
    const stored = (docs.get(edit.docId)?._attachments ?? {}) as Record<string, unknown>;
    if (edit.attachment && !(edit.attachment in stored)) lost.push(`${edit.docId}: attachment ${edit.attachment} by ${edit.device} is missing`);
  }
  for (const [docId, written] of statuses) {
    const doc = docs.get(docId);
    const clock = (doc?.clock ?? {}) as Record<string, string>;
    const now = canonicalJson([doc?.status, clock.status]);
    if (!written.has(now) && seedStatus.get(docId) !== now) lost.push(`${docId}.status: ${now} was never written`);
  }
  return lost;
}

/**
 * Every losing branch a resolution closed (a tombstone with `conflictResolution`) must be named in the `revisions`
 * of a `conflict` audit doc for that document. Returns the branches without one, and how many conflicts
 * (distinct docId + leaf sets) the audit docs record.
 */
export async function unauditedResolutions(admin: AdminClient, db: string, docs: Map<string, StoredDoc>): Promise<{ missing: string[]; resolved: number; auditDocs: number }> {
  const audits = [...docs.values()].filter((d) => d.type === 'conflict');
  const audited = new Set(audits.flatMap((a) => ((a.revisions ?? []) as string[]).map((rev) => `${String(a.docId)} ${rev}`)));
  const resolved = new Set(audits.map((a) => canonicalJson([a.docId, a.revisions])));
  const missing: string[] = [];
  for (const id of docs.keys()) {
    if (docs.get(id)?.type === 'conflict') continue;
    const leaves = await admin.ok<Array<{ ok?: StoredDoc & { _deleted?: boolean; conflictResolution?: boolean; _revisions?: { start: number; ids: string[] } } }>>(
      'GET', `/${enc(db)}/${enc(id)}?open_revs=all&revs=true`,
    );
    for (const leaf of leaves) {
      const doc = leaf.ok;
      if (!doc?._deleted || doc.conflictResolution !== true || !doc._revisions) continue;
      const parent = `${doc._revisions.start - 1}-${doc._revisions.ids[1] ?? ''}`;
      if (!audited.has(`${id} ${parent}`)) missing.push(`${id}: branch ${parent} was closed without an audit doc`);
    }
  }
  return { missing, resolved: resolved.size, auditDocs: audits.length };
}
