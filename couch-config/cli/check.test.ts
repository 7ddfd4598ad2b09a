/**
 * `couch check` against real embedded servers: clean after `setup`, and each deliberate weakness reported.
 * Each test gets its own in-memory server, since it changes server-wide settings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminClient, type AdminClient } from '../admin-client';
import { startEmbeddedServer, type EmbeddedServer } from '../server/index';
import { checkSecurity, transportFinding, type Finding } from './check';
import { silentReporter } from './report';
import { setup } from './setup';

const servers: EmbeddedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function provisioned(): Promise<AdminClient> {
  const server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
  servers.push(server);
  const client = createAdminClient(server.url, server.admin);
  await setup(client, { teams: ['north'], reporter: silentReporter });
  return client;
}

const high = (findings: Finding[]) => findings.filter((f) => f.severity === 'high').map((f) => f.id);
const config = (client: AdminClient, section: string, key: string, value: string) => client.ok('PUT', `/_node/_local/_config/${section}/${key}`, value);

describe('couch check', () => {
  it('has no high or medium finding on a server that setup provisioned', async () => {
    const findings = await checkSecurity(await provisioned());
    expect(findings.filter((f) => f.severity === 'high' || f.severity === 'medium')).toEqual([]);
  });

  it('flags a database whose members list is empty as public', async () => {
    const client = await provisioned();
    await client.ok('PUT', '/leaky');
    await client.ok('PUT', '/leaky/_security', { members: { names: [], roles: [] }, admins: { names: [], roles: [] } });
    const findings = await checkSecurity(client);
    expect(high(findings)).toEqual(['public-database']);
    expect(findings[0]?.evidence).toContain('leaky');
  });

  it('flags CORS for any origin with credentials', async () => {
    const client = await provisioned();
    await config(client, 'chttpd', 'enable_cors', 'true');
    await config(client, 'cors', 'origins', '*');
    await config(client, 'cors', 'credentials', 'true');
    expect(high(await checkSecurity(client))).toEqual(['cors-wildcard']);
  });

  it('reports require_valid_user off as medium', async () => {
    const client = await provisioned();
    await config(client, 'chttpd', 'require_valid_user', 'false');
    const findings = await checkSecurity(client);
    expect(findings.find((f) => f.id === 'require-valid-user-off')?.severity).toBe('medium');
    expect(high(findings)).toEqual([]);
  });

  it('flags a well-known cookie secret', async () => {
    const client = await provisioned();
    await config(client, 'couch_httpd_auth', 'secret', 'changeme');
    expect(high(await checkSecurity(client))).toEqual(['cookie-secret']);
  });

  it('flags _users readable by a role', async () => {
    const client = await provisioned();
    await client.ok('PUT', '/_users/_security', { members: { names: [], roles: ['team:north'] }, admins: { names: [], roles: [] } });
    expect(high(await checkSecurity(client))).toEqual(['users-readable']);
  });

  it('flags plain HTTP to a non-loopback host, and not to loopback', () => {
    expect(transportFinding(new URL('http://couch.example.org:5984'))?.severity).toBe('high');
    expect(transportFinding(new URL('https://couch.example.org'))).toBeNull();
    expect(transportFinding(new URL('http://127.0.0.1:5984'))).toBeNull();
  });
});
