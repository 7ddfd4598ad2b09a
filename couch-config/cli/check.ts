/**
 * `couch check`: a security posture linter for a live CouchDB. Connects as admin, probes anonymously where that
 * is the honest test, and reports findings with severity, evidence and the fix. Exit code 1 on any high finding.
 */
import type { AdminClient } from '../admin-client';

export type Severity = 'high' | 'medium' | 'low' | 'info';
export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  evidence: string;
  fix: string;
}

const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low', 'info'];
/** Secrets seen in CouchDB docs, examples and images; a server using one has a forgeable session cookie. */
const KNOWN_SECRETS = new Set(['', 'secret', 'changeme', 'change-me', 'couchdb', 'password', '92de07df7e7a3fe14808cef90a7cc0d91', 'a192aeb9904e6590849337933b000c99']);
const MIN_SECRET_LENGTH = 16;

interface Probe {
  status: number;
  body: unknown;
}

async function anonymous(url: string, path: string): Promise<Probe> {
  const res = await fetch(url + path, { headers: { accept: 'application/json' } });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/** Plain HTTP is fine on loopback (the proxy's upstream); anywhere else credentials cross the network in clear. */
export function transportFinding(url: URL): Finding | null {
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return null;
  return { id: 'no-tls', severity: 'high', title: 'CouchDB is reached over plain HTTP on the network', evidence: `COUCH_URL is ${url.origin}`, fix: 'Put CouchDB behind the TLS proxy (docker-compose.yml) and use https:// URLs.' };
}

async function nodes(client: AdminClient): Promise<string[]> {
  const membership = await client.request<{ cluster_nodes?: string[] }>('GET', '/_membership');
  return membership.status === 200 && membership.body.cluster_nodes?.length ? membership.body.cluster_nodes : ['_local'];
}

async function config(client: AdminClient, node: string, section: string, key: string): Promise<string | undefined> {
  const res = await client.request<string>('GET', `/_node/${encodeURIComponent(node)}/_config/${section}/${key}`);
  return res.status === 200 && typeof res.body === 'string' ? res.body : undefined;
}

function hasMembers(group: { names?: string[]; roles?: string[] } | undefined): boolean {
  return (group?.names ?? []).length > 0 || (group?.roles ?? []).length > 0;
}

export async function checkSecurity(client: AdminClient): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);
  const url = new URL(client.url);

  // Admin party: anonymous requests carry the _admin role.
  const session = await anonymous(client.url, '/_session');
  const anonRoles = (session.body as { userCtx?: { roles?: string[] } } | null)?.userCtx?.roles ?? [];
  if (anonRoles.includes('_admin')) {
    add({ id: 'admin-party', severity: 'high', title: 'Admin party: anonymous requests are server admins', evidence: 'GET /_session without credentials has role _admin', fix: 'Create an admin in [admins] (COUCHDB_USER/COUCHDB_PASSWORD in the official image) and restart.' });
  }
  const allDbs = await anonymous(client.url, '/_all_dbs');
  if (allDbs.status === 200) {
    add({ id: 'anonymous-all-dbs', severity: 'high', title: 'Anyone can list databases', evidence: 'GET /_all_dbs without credentials answered 200', fix: 'Remove the admin party; /_all_dbs must be admin-only.' });
  }

  const transport = transportFinding(url);
  if (transport) add(transport);

  const nodeNames = await nodes(client);
  for (const node of nodeNames) {
    const at = nodeNames.length > 1 ? ` on ${node}` : '';
    const requireValidUser = (await config(client, node, 'chttpd', 'require_valid_user')) ?? (await config(client, node, 'couch_httpd_auth', 'require_valid_user'));
    if (requireValidUser !== 'true') {
      add({ id: 'require-valid-user-off', severity: 'medium', title: `require_valid_user is off${at}`, evidence: `[chttpd] require_valid_user = ${requireValidUser ?? '(unset, default false)'}`, fix: 'Set [chttpd] require_valid_user = true (couch-config/local.ini) so nothing is served to anonymous clients.' });
    }
    const corsOn = (await config(client, node, 'chttpd', 'enable_cors')) === 'true' || (await config(client, node, 'httpd', 'enable_cors')) === 'true';
    const origins = (await config(client, node, 'cors', 'origins')) ?? '';
    const credentials = (await config(client, node, 'cors', 'credentials')) === 'true';
    if (corsOn && origins.split(',').map((o) => o.trim()).includes('*')) {
      add({
        id: 'cors-wildcard',
        severity: credentials ? 'high' : 'low',
        title: credentials ? `CORS allows any origin with credentials${at}` : `CORS allows any origin${at}`,
        evidence: `[cors] origins = ${origins}, credentials = ${credentials}`,
        fix: 'Outpost serves the app and /couch/ from one origin: set [chttpd] enable_cors = false (or list exact origins, never * with credentials).',
      });
    }
    const secret = (await config(client, node, 'chttpd_auth', 'secret')) ?? (await config(client, node, 'couch_httpd_auth', 'secret'));
    if (secret === undefined || KNOWN_SECRETS.has(secret) || secret.length < MIN_SECRET_LENGTH) {
      add({
        id: 'cookie-secret',
        severity: 'high',
        title: `The session cookie secret is ${secret === undefined ? 'missing' : 'a default or too short'}${at}`,
        evidence: secret === undefined ? '[chttpd_auth] secret is not set' : `[chttpd_auth] secret is ${secret.length} characters${KNOWN_SECRETS.has(secret) ? ' and a well-known value' : ''}`,
        fix: 'Set [chttpd_auth] secret to a long random value, the same on every node (COUCHDB_SECRET in .env).',
      });
    }
    const usersPublic = (await config(client, node, 'couch_httpd_auth', 'users_db_public')) ?? (await config(client, node, 'chttpd_auth', 'users_db_public'));
    if (usersPublic === 'true') {
      add({ id: 'users-db-public', severity: 'high', title: `_users is public${at}`, evidence: '[chttpd_auth] users_db_public = true', fix: 'Set users_db_public = false.' });
    }
  }

  if (nodeNames.length > 1) {
    const n = Number((await config(client, nodeNames[0] as string, 'cluster', 'n')) ?? '3');
    if (n < 3) {
      add({ id: 'cluster-n', severity: nodeNames.length >= 3 ? 'high' : 'medium', title: `Each document is stored on ${n} node(s) only`, evidence: `[cluster] n = ${n} with ${nodeNames.length} nodes`, fix: 'Set [cluster] n = 3 (couch-config/local.ini/20-cluster.ini) on three or more nodes.' });
    }
  } else {
    add({ id: 'single-node', severity: 'info', title: 'Single node: no redundancy', evidence: '/_membership lists one node', fix: 'Use the three-node cluster in docker-compose.yml for production.' });
  }

  const usersSecurity = await client.ok<{ members?: { names?: string[]; roles?: string[] } }>('GET', '/_users/_security');
  const usersMembers = [...(usersSecurity.members?.names ?? []), ...(usersSecurity.members?.roles ?? [])].filter((m) => m !== '_admin');
  const usersAnon = await anonymous(client.url, '/_users/_all_docs');
  if (usersMembers.length > 0 || usersAnon.status === 200) {
    add({
      id: 'users-readable',
      severity: 'high',
      title: '_users is readable by non-admins',
      evidence: usersAnon.status === 200 ? 'GET /_users/_all_docs without credentials answered 200' : `_users members: ${usersMembers.join(', ')}`,
      fix: 'Reset _users/_security to admin-only: {"members":{"roles":["_admin"]},"admins":{"roles":["_admin"]}}.',
    });
  }

  const dbs = await client.ok<string[]>('GET', '/_all_dbs');
  for (const db of dbs.filter((d) => !d.startsWith('_'))) {
    const security = await client.ok<{ members?: { names?: string[]; roles?: string[] } }>('GET', `/${encodeURIComponent(db)}/_security`);
    if (!hasMembers(security.members)) {
      add({ id: 'public-database', severity: 'high', title: `Database ${db} has no members, so it is public`, evidence: `${db}/_security members are empty`, fix: `Give it members (npm run couch -- setup restores Outpost's), or delete it.` });
    }
  }

  return findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}

export function formatFindings(findings: readonly Finding[]): string {
  const counts = SEVERITY_ORDER.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`).join(', ');
  const blocks = findings.map((f) => `[${f.severity.toUpperCase()}] ${f.title}\n    evidence: ${f.evidence}\n    fix: ${f.fix}`);
  return [...blocks, `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts}.`].join('\n');
}
