/**
 * Node benchmark of the sync engine against the embedded server, each contender beside its baseline in the
 * same run (medians of RUNS runs):
 *   - initial sync of N jobs: Outpost's fast path vs `PouchDB.replicate` with default options;
 *   - resolving C conflicted jobs with the domain handlers.
 * Usage: npm run bench:node -- [--jobs 10000] [--conflicts 1000] [--runs 3]
 * Numbers from Node + leveldb are indicative only; the browser benchmark is the judge (ARCHITECTURE §6).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import { createAdminClient } from '../couch-config/admin-client';
import { silentReporter } from '../couch-config/cli/report';
import { setup } from '../couch-config/cli/setup';
import { teamDb } from '../couch-config/model';
import { generateSeed } from '../couch-config/seed';
import { startEmbeddedServer } from '../couch-config/server/index';
import { createResolver } from '../sync/conflicts';
import type { Doc, LocalDb, RemoteDb } from '../sync/db';
import { createHlc } from '../sync/hlc';
import { initialSync } from '../sync/initial-sync';
import { createHandlerRegistry, domainHandlers } from '../sync/merge';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const JOBS = arg('jobs', 10_000);
const CONFLICTS = arg('conflicts', 1_000);
const RUNS = arg('runs', 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
const admin = createAdminClient(server.url, server.admin);
const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-'));
try {
  await setup(admin, { teams: ['north'], reporter: silentReporter });
  const docs = generateSeed({ jobs: JOBS, teams: ['north'], seed: 42 }, () => ({ field: 'ana', lead: 'ben' }));
  for (let i = 0; i < docs.length; i += 2000) await admin.ok('POST', `/${teamDb('north')}/_bulk_docs`, { docs: docs.slice(i, i + 2000) });
  const authorization = 'Basic ' + Buffer.from(`${server.admin.user}:${server.admin.password}`).toString('base64');
  const remoteUrl = `${server.url}/${teamDb('north')}`;
  const openRemote = () => new PouchDB(remoteUrl, { fetch: (url: string | Request, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), authorization } }), skip_setup: true });
  const selector = { team: 'north' };

  let run = 0;
  const fresh = () => new PouchDB(path.join(dir, `local-${run++}`)) as unknown as LocalDb & { destroy(): Promise<void> };
  const timings = { replicate: [] as number[], outpost: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    const a = fresh();
    let t = performance.now();
    await new Promise<void>((resolve, reject) => {
      const rep = PouchDB.replicate(openRemote(), a as never, { selector });
      rep.on('complete', () => resolve());
      rep.on('error', reject);
    });
    timings.replicate.push(performance.now() - t);
    await a.destroy();

    const b = fresh();
    t = performance.now();
    const checkpoint = await initialSync({ local: b, remote: openRemote() as unknown as RemoteDb, selector, batchSize: 1000 });
    timings.outpost.push(performance.now() - t);
    if (!checkpoint.complete) throw new Error('initial sync did not complete');
    await b.destroy();
  }
  const total = docs.length;
  const rate = (ms: number) => Math.round(total / (ms / 1000));
  const peer = median(timings.replicate);
  const ours = median(timings.outpost);
  console.log(`Initial sync of ${total} docs (${JOBS} jobs), median of ${RUNS} runs, Node + leveldb, embedded server:`);
  console.log(`  PouchDB.replicate defaults   ${(peer / 1000).toFixed(2)} s   ${rate(peer)} docs/s`);
  console.log(`  Outpost initial sync         ${(ours / 1000).toFixed(2)} s   ${rate(ours)} docs/s   ×${(peer / ours).toFixed(2)} vs PouchDB`);

  // Conflicts: C jobs with two branches each, resolved by the domain handlers.
  const local = fresh();
  const jobs = docs.filter((d) => d.type === 'job').slice(0, CONFLICTS) as unknown as Array<Doc & { clock: Record<string, string> }>;
  const branch = (d: (typeof jobs)[number], tag: string, changes: Record<string, unknown>) => ({ ...d, ...changes, _rev: `1-${tag}${d._id.slice(-24).toLowerCase().replace(/[^0-9a-f]/g, '0').padEnd(30, '0').slice(0, 30)}` });
  await local.bulkDocs(
    jobs.flatMap((d) => [
      branch(d, 'a1', { title: `${String(d.title)} (A)`, clock: { ...d.clock, title: `${Date.now()}-0-devA` } }),
      branch(d, 'b2', { priority: 4, clock: { ...d.clock, priority: `${Date.now()}-0-devB` } }),
    ]),
    { new_edits: false },
  );
  const ctx = { user: 'ana', role: 'field' as const, hlc: createHlc({ deviceId: 'bench', now: Date.now }), now: Date.now };
  const resolver = createResolver({ local, registry: createHandlerRegistry({ byType: domainHandlers }), context: ctx, deviceId: 'bench', team: 'north' });
  const t = performance.now();
  const report = await resolver.resolve(jobs.map((d) => d._id));
  const ms = performance.now() - t;
  console.log(`Resolving ${CONFLICTS} conflicted jobs: ${(ms / 1000).toFixed(2)} s (${report.resolved.length} resolved, ${report.inbox.length} to the inbox)`);
  await local.destroy();
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
