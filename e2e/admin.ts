/**
 * What the tests know about the server, read and written over HTTP as the server admin: the ground truth the
 * app's screens are checked against. Jobs a test works on are created here, one per test, so tests running in
 * parallel never edit the same job.
 */
import { isExpiredJob, retentionCutoff } from '../sync/retention';
import { createAdminClient, type AdminClient } from '../couch-config/admin-client';
import { createJob, type JobDoc, type Role } from '../sync/docs';
import { createHlc } from '../sync/hlc';
import type { E2eTarget } from './target';

export const teamDb = (team: string): string => `outpost-team-${team}`;

interface AllDocs<D> {
  rows: Array<{ id: string; doc?: D }>;
}

export class ServerAdmin {
  private readonly client: AdminClient;

  constructor(target: Pick<E2eTarget, 'couchUrl' | 'admin'>) {
    this.client = createAdminClient(target.couchUrl, target.admin);
  }

  /** One document with its `_conflicts` (the list is absent when there are none), or null when missing. */
  async doc<D>(db: string, id: string): Promise<(D & { _rev: string; _conflicts?: string[] }) | null> {
    const res = await this.client.request<D & { _rev: string; _conflicts?: string[] }>('GET', `/${encodeURIComponent(db)}/${encodeURIComponent(id)}?conflicts=true`);
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`GET ${db}/${id} → ${res.status}`);
    return res.body;
  }

  /** Every job in a team's database, as the server has it now. */
  async jobs(team: string): Promise<JobDoc[]> {
    const all = await this.client.ok<AllDocs<JobDoc>>('GET', `/${teamDb(team)}/_all_docs?include_docs=true`);
    return all.rows.flatMap((r) => (r.doc?.type === 'job' ? [r.doc] : []));
  }

  /** The team's jobs a field device keeps: closed jobs past the retention window stay on the server only. */
  async jobsOnDevices(team: string): Promise<JobDoc[]> {
    const cutoff = retentionCutoff(Date.now());
    return (await this.jobs(team)).filter((job) => !isExpiredJob(job, cutoff));
  }

  /** Writes a new job into a team's database, authored by `by` as the app would; returns it with its revision. */
  async createJob(team: string, by: { name: string; role: Role }, fields: { title: string; assignee?: string | null; status?: JobDoc['status'] }): Promise<JobDoc> {
    const hlc = createHlc({ deviceId: 'e2e-admin', now: Date.now });
    const job = createJob({ team, status: fields.assignee ? 'assigned' : 'open', ...fields }, { user: by.name, role: by.role, hlc, now: Date.now });
    const res = await this.client.ok<{ rev: string }>('PUT', `/${teamDb(team)}/${encodeURIComponent(job._id)}`, job);
    return { ...job, _rev: res.rev };
  }
}
