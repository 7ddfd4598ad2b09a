/**
 * `couch status` on a provisioned embedded server: conflicted docs counted by the `conflicts` view, the
 * replications from `_scheduler/docs`, and "behind" measured as docs a replication still has to copy. Then the
 * Prometheus forms (text and the exporter), and the operations commands as an operator runs them (a process).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { createAdminClient, type AdminClient } from '../admin-client';
import { HUB_DB, teamDb } from '../model';
import { startEmbeddedServer, type EmbeddedServer } from '../server/index';
import { silentReporter } from './report';
import { setup } from './setup';
import { collectStatus, formatStatus, prometheusText } from './status';
import { serveMetrics } from './status-exporter';


let server: EmbeddedServer;
let client: AdminClient;

beforeAll(async () => {
  server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
  client = createAdminClient(server.url, server.admin);
  await setup(client, { teams: ['north', 'south'], reporter: silentReporter });
  // An open conflict in north: two branches of one doc, as two offline devices would leave it.
  const doc = { type: 'job', team: 'north', title: 'pump' };
  await client.ok('POST', `/${teamDb('north')}/_bulk_docs`, {
    new_edits: false,
    docs: [
      { ...doc, _id: 'job:conflicted', _rev: '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', status: 'open' },
      { ...doc, _id: 'job:conflicted', _rev: '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', status: 'done' },
    ],
  });
  // South's team -> hub replication stops; what south writes afterwards is "not on the hub yet".
  const replication = await client.ok<{ _rev: string }>('GET', '/_replicator/outpost-team-south-to-hub');
  await client.ok('DELETE', `/_replicator/outpost-team-south-to-hub?rev=${replication._rev}`);
  await client.ok('POST', `/${teamDb('south')}/_bulk_docs`, { docs: [1, 2, 3].map((n) => ({ _id: `job:south-${n}`, type: 'job', team: 'south' })) });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const couch = (...args: string[]) => runCli(server, ...args);

describe('couch status', () => {
  it('counts conflicted docs, lists replications and measures how far each side is behind', async () => {
    const status = await collectStatus(client, silentReporter);
    expect(status.databases.map((d) => d.db)).toEqual([HUB_DB, teamDb('north'), teamDb('south')]);
    expect(status.databases.find((d) => d.db === teamDb('north'))?.conflicted).toBe(1);
    expect(status.databases.find((d) => d.db === HUB_DB)?.conflicted).toBe(0);
    expect(status.replications.map((r) => `${r.id} ${r.state}`)).toEqual([
      'outpost-hub-to-team-north running',
      'outpost-hub-to-team-south running',
      'outpost-team-north-to-hub running',
    ]);
    expect(status.lag.find((l) => l.team === 'south')).toEqual({ team: 'south', teamBehindHub: 0, hubBehindTeam: 3 });
    const text = formatStatus(status);
    expect(text).toContain('hub behind team: 3 doc(s)');
    expect(text).toMatch(/3 database\(s\), 1 conflicted doc\(s\), 3\/3 replication\(s\) running/);
  });

  it('writes Prometheus metrics, also served over HTTP for the outpost-exporter service', async () => {
    const text = prometheusText(await collectStatus(client, silentReporter));
    expect(text).toContain('# TYPE outpost_db_conflicted_docs gauge');
    expect(text).toContain(`outpost_db_conflicted_docs{db="${teamDb('north')}"} 1`);
    expect(text).toContain('outpost_hub_behind_team_docs{team="south"} 3');
    expect(text).toContain('outpost_replication_running{replication="outpost-team-north-to-hub",state="running"} 1');

    const exporter = await serveMetrics(client, { host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(exporter.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('version=0.0.4');
      expect(await res.text()).toContain('outpost_db_docs{db="outpost-hub"}');
      expect((await fetch(exporter.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      exporter.server.close();
    }
  });

  it('runs as a command: a summary, --json, and usage errors exit 2', async () => {
    const plain = await couch('status');
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).toContain('conflicted');
    const json = await couch('status', '--json');
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ databases: expect.any(Array), replications: expect.any(Array), lag: expect.any(Array) });
    for (const args of [['status', '--json', '--prometheus'], ['status', '--listen', '9999'], ['backup', '--db', 'x'], ['restore', '--db', 'x'], ['retention', '--days', 'soon'], ['compact', 'now']]) {
      const result = await couch(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toContain('Usage: npm run couch');
    }
  });
});
