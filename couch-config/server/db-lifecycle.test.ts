import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedServer, type EmbeddedServer } from './index';

let server: EmbeddedServer;
let auth: string;

beforeAll(async () => {
  server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
  auth = `Basic ${Buffer.from(`${server.admin.user}:${server.admin.password}`).toString('base64')}`;
});
afterAll(() => server.close());

const call = (method: string, path: string) => fetch(`${server.url}${path}`, { method, headers: { Authorization: auth } });

describe('databases are never created by a request that only reads', () => {
  it('a database deleted while clients keep reading stays deleted, and can be created again (as a restore does)', async () => {
    expect((await call('PUT', '/restored')).status).toBe(201);
    let reading = true;
    const statuses = new Set<number>();
    // Devices polling the database the whole time, as live feeds do during a restore.
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) {
        const res = await call('GET', '/restored/_all_docs');
        statuses.add(res.status);
        await res.arrayBuffer();
      }
    });
    try {
      for (let round = 0; round < 15; round++) {
        expect((await call('DELETE', '/restored')).status).toBe(200);
        expect((await call('GET', '/restored')).status).toBe(404);
        expect((await call('PUT', '/restored')).status).toBe(201);
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
    expect([...statuses].filter((s) => s !== 200 && s !== 404)).toEqual([]);
  });
});
