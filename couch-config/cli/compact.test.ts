/**
 * `couch compact` against an embedded server that keeps its databases on disk (leveldb in a temp dir), so the
 * server reports real file sizes. Compaction is checked by its effect: an old revision's body is gone, the
 * current one and the revision history stay, and the view index still answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, type AdminClient } from '../admin-client';
import { OPS_DDOC } from '../design-docs';
import { HUB_DB, teamDb } from '../model';
import { startEmbeddedServer, type EmbeddedServer } from '../server/index';
import { compactAll, formatCompaction } from './compact';
import { silentReporter } from './report';
import { setup } from './setup';

const DB = teamDb('north');
let server: EmbeddedServer;
let client: AdminClient;
let dir: string;
let firstRev: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'outpost-compact-'));
  server = await startEmbeddedServer({ storage: 'leveldb', dataDir: dir, port: 0, quiet: true });
  client = createAdminClient(server.url, server.admin);
  await setup(client, { teams: ['north'], reporter: silentReporter });
  // 100 docs edited 10 times each: 900 old revision bodies for compaction to drop.
  let docs: Array<Record<string, unknown>> = Array.from({ length: 100 }, (_, n) => ({ _id: `job:${n}`, type: 'job', team: 'north', body: 'x'.repeat(2000) }));
  for (let round = 0; round < 10; round++) {
    const written = await client.ok<Array<{ id: string; rev: string }>>('POST', `/${DB}/_bulk_docs`, { docs });
    if (round === 0) firstRev = written[0]?.rev ?? '';
    docs = docs.map((doc, i) => ({ ...doc, _rev: written[i]?.rev, round }));
  }
  await client.ok('GET', `/${DB}/${OPS_DDOC}/_view/conflicts`);
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('couch compact', () => {
  it('compacts every Outpost database and its views, waits for it, and reports sizes before and after', async () => {
    const old = await client.request('GET', `/${DB}/job%3A0?rev=${firstRev}`);
    expect(old.status).toBe(200);

    const results = await compactAll(client, { reporter: silentReporter, pollMs: 50 });
    expect(results.map((r) => r.db)).toEqual([HUB_DB, DB]);
    for (const r of results) {
      expect(r.before).toBeGreaterThan(0);
      expect(r.after).toBeGreaterThan(0);
      expect(r.designDocs).toContain('outpost-ops');
    }
    expect(await client.ok(`GET`, `/${DB}`)).toMatchObject({ compact_running: false });

    expect((await client.request('GET', `/${DB}/job%3A0?rev=${firstRev}`)).status).toBe(404);
    const current = await client.ok<{ round: number; _revisions: { start: number } }>('GET', `/${DB}/job%3A0?revs=true`);
    expect(current).toMatchObject({ round: 8, _revisions: { start: 10 } });
    expect((await client.ok<{ rows: unknown[] }>('GET', `/${DB}/${OPS_DDOC}/_view/conflicts?reduce=true`)).rows).toEqual([]);

    const summary = formatCompaction(results);
    expect(summary).toMatch(/Compacted 2 database\(s\): [\d.]+ [KMG]?B → [\d.]+ [KMG]?B on disk\./);
  });

  it('answers compaction as CouchDB does: 202 at once, 404 for a missing design doc, 415 without JSON', async () => {
    expect((await client.request('POST', `/${DB}/_compact`, {})).status).toBe(202);
    expect((await client.request('POST', `/${DB}/_compact/outpost-ops`, {})).status).toBe(202);
    expect((await client.request('POST', `/${DB}/_compact/no-such-ddoc`, {})).status).toBe(404);
    const plain = await fetch(`${server.url}/${DB}/_compact`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${server.admin.user}:${server.admin.password}`).toString('base64')}` } });
    expect(plain.status).toBe(415);
  });
});
