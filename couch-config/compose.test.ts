/**
 * The production deployment (docker-compose.yml, .env.example and the files it mounts) checked as files: no
 * container runs here. The last tests ask docker-compose itself to validate the file when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

type Scalar = string | number | boolean | null;
interface PortMapping {
  target?: number;
  published?: string | number;
  host_ip?: string;
  protocol?: string;
}
interface VolumeMount {
  type?: string;
  source?: string;
  target?: string;
  read_only?: boolean;
}
interface Service {
  image?: string;
  restart?: string;
  environment?: Record<string, Scalar> | string[];
  ports?: Array<string | number | PortMapping>;
  volumes?: Array<string | VolumeMount>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  network_mode?: string;
  networks?: string[] | Record<string, { aliases?: string[] } | null>;
}
interface ComposeFile {
  services: Record<string, Service>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } } | null>;
}

const COMPOSE_TEXT = read('docker-compose.yml');
/** The file without its comment lines, which mention variables and flags in prose. */
const COMPOSE_CODE = COMPOSE_TEXT.split('\n')
  .filter((line) => !line.trim().startsWith('#'))
  .join('\n');
const ENV_EXAMPLE = read('.env.example');

function loadCompose(text: string): ComposeFile {
  const doc: unknown = parse(text, { merge: true });
  if (typeof doc !== 'object' || doc === null || !('services' in doc) || typeof doc.services !== 'object' || doc.services === null) {
    throw new Error('docker-compose.yml has no services mapping');
  }
  return doc as ComposeFile;
}
const compose = loadCompose(COMPOSE_TEXT);
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};
const COUCH_NODES = ['couchdb-1', 'couchdb-2', 'couchdb-3'];

function environment(svc: Service): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Every bind or volume mount as {source, target, readOnly}; a source starting with . or / is a host path. */
function mounts(svc: Service): Array<{ source: string; target: string; readOnly: boolean }> {
  return (svc.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target ?? '', readOnly: v.read_only === true };
    const [source = '', target = '', mode = ''] = v.split(':');
    return { source, target, readOnly: mode.split(',').includes('ro') };
  });
}

/** Host-side ports a service publishes, as "port/protocol". */
function publishedPorts(svc: Service): string[] {
  return (svc.ports ?? []).map((p) => {
    if (typeof p === 'number') return `${p}/tcp`;
    if (typeof p === 'object') return `${String(p.published ?? p.target)}/${p.protocol ?? 'tcp'}`;
    const [spec = '', protocol = 'tcp'] = p.split('/');
    const parts = spec.split(':');
    // "443", "80:80", "127.0.0.1:9090:9090": the host port is the second-to-last part, or the only one.
    return `${parts.length === 1 ? parts[0] : parts[parts.length - 2]}/${protocol}`;
  });
}

const SECRET_KEY = /PASSWORD|SECRET|COOKIE|TOKEN|CREDENTIAL|PRIVATE|_KEY$/i;
const MANDATORY_REF = /^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$/;

/** `KEY=value` lines of an env file. */
function envFileEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1]) entries.set(match[1], match[2] ?? '');
  }
  return entries;
}

/** A minimal reader for CouchDB's ini format: `[section]`, `key = value`, `;` comments on their own lines. */
function readIni(file: string): Map<string, string> {
  const values = new Map<string, string>();
  let section = '';
  for (const raw of read(file).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header?.[1]) section = header[1];
    else {
      const eq = line.indexOf('=');
      if (eq > 0) values.set(`${section}/${line.slice(0, eq).trim()}`, line.slice(eq + 1).trim());
    }
  }
  return values;
}

function ipv4(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${address}`);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}
/** Is the whole CIDR inside a range where mochiweb (CouchDB's HTTP server) trusts X-Forwarded-For? */
function insideTrustedRange(cidr: string): boolean {
  const [address = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const first = ipv4(address);
  const last = first + 2 ** (32 - bits) - 1;
  const ranges: Array<[string, number]> = [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]];
  return ranges.some(([base, size]) => {
    const lo = ipv4(base);
    return first >= lo && last <= lo + 2 ** (32 - size) - 1;
  });
}

describe('docker-compose.yml', () => {
  it('defines three CouchDB nodes, the setup job, the proxy, Prometheus and the Outpost metrics exporter', () => {
    expect(Object.keys(services).sort()).toEqual([...COUCH_NODES, 'outpost-exporter', 'prometheus', 'proxy', 'setup']);
  });

  it('gives every long-running service a restart policy and a healthcheck; setup runs once', () => {
    expect(service('setup').restart).toBe('no');
    const longRunning = Object.entries(services).filter(([, svc]) => svc.restart !== 'no');
    expect(longRunning.map(([name]) => name).sort()).toEqual([...COUCH_NODES, 'outpost-exporter', 'prometheus', 'proxy']);
    for (const [name, svc] of longRunning) {
      expect(svc.restart, name).toMatch(/^(unless-stopped|always)$/);
      expect(svc.healthcheck?.disable, name).not.toBe(true);
      const test = svc.healthcheck?.test;
      expect(Array.isArray(test) && test.length > 1 && test[0] !== 'NONE', `${name} healthcheck`).toBe(true);
    }
    for (const node of COUCH_NODES) expect(service(node).healthcheck?.test).toContain('http://127.0.0.1:5984/_up');
  });

  it('pins CouchDB to one exact 3.x release on every node, and pins every other image', () => {
    const couchImages = new Set(COUCH_NODES.map((node) => service(node).image));
    expect(couchImages.size).toBe(1);
    expect([...couchImages][0]).toMatch(/^(apache\/)?couchdb:3\.\d+\.\d+$/);
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(svc.image, name).not.toMatch(/:latest$/);
    }
  });

  it('gives each node a resolvable name with a dot (Erlang long names) and its own data and config volumes', () => {
    const names = COUCH_NODES.map((node) => environment(service(node)).NODENAME);
    expect(new Set(names).size).toBe(3);
    for (const [i, node] of COUCH_NODES.entries()) {
      expect(names[i]).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
      const networks = service(node).networks;
      expect(Array.isArray(networks) ? [] : networks?.default?.aliases).toContain(names[i]);
      const targets = mounts(service(node));
      expect(targets).toContainEqual({ source: `${node}-data`, target: '/opt/couchdb/data', readOnly: false });
      expect(targets).toContainEqual({ source: `${node}-config`, target: '/opt/couchdb/etc/local.d', readOnly: false });
    }
    expect(environment(service('setup')).COUCH_CLUSTER_NODES?.split(' ')).toEqual(names);
  });

  it("mounts Outpost's CouchDB settings read-only on every node, named to sort before the image's docker.ini", () => {
    for (const node of COUCH_NODES) {
      const ini = mounts(service(node)).filter((m) => m.target.startsWith('/opt/couchdb/etc/local.d/'));
      expect(ini.map((m) => m.source).sort()).toEqual(['./couch-config/local.ini/10-outpost.ini', './couch-config/local.ini/20-cluster.ini']);
      for (const m of ini) {
        expect(m.readOnly, m.target).toBe(true);
        // CouchDB writes runtime config to the last file of the chain; it must be docker.ini, not a read-only mount.
        expect(path.posix.basename(m.target) < 'docker.ini', m.target).toBe(true);
      }
    }
  });

  it('writes no secret into the file: every secret is a mandatory ${VAR:?...} reference', () => {
    let checked = 0;
    for (const [name, svc] of Object.entries(services)) {
      for (const [key, value] of Object.entries(environment(svc))) {
        if (!SECRET_KEY.test(key)) continue;
        checked++;
        expect(value, `${name}.${key}`).toMatch(MANDATORY_REF);
      }
    }
    // Three per node (password, cookie secret, Erlang cookie) and the setup job's admin password.
    expect(checked).toBeGreaterThanOrEqual(3 * 3 + 1);
    // The raw text too, for anything the parsed view could miss (commands, anchors, list-style environments).
    const literal = COMPOSE_CODE.split('\n').filter((line) => {
        const match = /^\s*-?\s*["']?([A-Za-z0-9_]+)["']?\s*[:=]\s*(.+?)\s*$/.exec(line);
        return match?.[1] !== undefined && SECRET_KEY.test(match[1]) && !(match[2] ?? '').startsWith('${');
      });
    expect(literal).toEqual([]);
    expect(COMPOSE_CODE).not.toMatch(/-setcookie\s+(?!\$\{)\S/);
  });

  it('publishes only the proxy, on ports 80 and 443; CouchDB, its metrics and Prometheus stay inside', () => {
    const publishing = Object.entries(services).filter(([, svc]) => (svc.ports ?? []).length > 0);
    expect(publishing.map(([name]) => name)).toEqual(['proxy']);
    expect(new Set(publishedPorts(service('proxy')).map((p) => p.split('/')[0]))).toEqual(new Set(['80', '443']));
    for (const [name, svc] of Object.entries(services)) expect(svc.network_mode ?? '', name).not.toBe('host');
  });

  it('lists every variable it uses in .env.example, and .env.example nothing else', () => {
    const used = new Set([...COMPOSE_CODE.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    const listed = new Set(envFileEntries(ENV_EXAMPLE).keys());
    expect([...used].filter((v) => v !== undefined && !listed.has(v))).toEqual([]);
    expect([...listed].filter((v) => !used.has(v))).toEqual([]);
  });

  it('mounts only files that exist in the repository (the built app excepted, which is git-ignored)', () => {
    let checked = 0;
    for (const [name, svc] of Object.entries(services)) {
      for (const m of mounts(svc).filter((mount) => mount.source.startsWith('.'))) {
        if (m.source === './dist') {
          expect(read('.gitignore').split('\n')).toContain('dist/');
          continue;
        }
        checked++;
        expect(existsSync(path.join(ROOT, m.source)), `${name}: ${m.source}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('keeps the compose network in a range where CouchDB takes the client IP from X-Forwarded-For (login lockout)', () => {
    const subnet = compose.networks?.default?.ipam?.config?.[0]?.subnet ?? '';
    const fallback = /^\$\{OUTPOST_SUBNET:-([^}]+)\}$/.exec(subnet)?.[1];
    expect(fallback).toBeDefined();
    expect(insideTrustedRange(fallback ?? '')).toBe(true);
    expect(insideTrustedRange(envFileEntries(ENV_EXAMPLE).get('OUTPOST_SUBNET') ?? '')).toBe(true);
    expect(insideTrustedRange('8.8.8.0/24')).toBe(false);
    expect(insideTrustedRange('172.30.0.0/8')).toBe(false);
  });
});

describe('.env.example', () => {
  it('leaves every secret empty, so compose refuses to start until each is generated', () => {
    const entries = envFileEntries(ENV_EXAMPLE);
    const secrets = [...entries.keys()].filter((key) => SECRET_KEY.test(key));
    expect(secrets.sort()).toEqual(['COUCHDB_COOKIE', 'COUCHDB_PASSWORD', 'COUCHDB_SECRET']);
    for (const key of secrets) {
      expect(entries.get(key), key).toBe('');
      expect(ENV_EXAMPLE, key).toMatch(new RegExp(`openssl rand -hex 32[^\\n]*\\n(#[^\\n]*\\n)*${key}=`));
    }
  });
});

describe('mounted configuration', () => {
  it('sets no admin and no secret in the committed CouchDB settings', () => {
    for (const file of ['10-outpost.ini', '20-cluster.ini', '20-single-node.ini']) {
      const text = read(`couch-config/local.ini/${file}`);
      expect(text, file).not.toMatch(/^\s*\[admins\]/m);
      const keys = [...readIni(`couch-config/local.ini/${file}`).keys()];
      expect(keys.filter((k) => /\/(secret|password)$/.test(k) || k.startsWith('admins/')), file).toEqual([]);
    }
  });

  it('closes CouchDB to anonymous clients except /_up, turns CORS off and enforces a per-client lockout', () => {
    const ini = readIni('couch-config/local.ini/10-outpost.ini');
    expect(ini.get('chttpd/require_valid_user')).toBe('true');
    expect(ini.get('chttpd/require_valid_user_except_for_up')).toBe('true');
    expect(ini.get('chttpd/enable_cors')).toBe('false');
    expect(ini.get('httpd/enable_cors')).toBe('false');
    expect(ini.get('chttpd_auth/same_site')).toMatch(/^(strict|lax)$/);
    expect(ini.has('chttpd_auth/cookie_domain')).toBe(false);
    expect(ini.get('chttpd_auth_lockout/mode')).toBe('enforce');
    expect(ini.get('prometheus/additional_port')).toBe('true');
    expect(ini.get('prometheus/port')).toBe('17986');
  });

  it('shapes the cluster as n = 3 copies without single-node system databases, and a single node as n = 1', () => {
    const cluster = readIni('couch-config/local.ini/20-cluster.ini');
    expect([cluster.get('cluster/n'), cluster.get('cluster/q'), cluster.get('couchdb/single_node')]).toEqual(['3', '2', 'false']);
    const single = readIni('couch-config/local.ini/20-single-node.ini');
    expect([single.get('cluster/n'), single.get('couchdb/single_node')]).toEqual(['1', 'true']);
  });

  it('proxies /couch/ to all three nodes with health checks, the client IP and no basic-auth popups', () => {
    const caddyfile = read('couch-config/Caddyfile');
    expect(caddyfile).toMatch(/handle_path \/couch\/\* \{\s*reverse_proxy couchdb-1:5984 couchdb-2:5984 couchdb-3:5984 \{/);
    expect(caddyfile).toMatch(/^\s*health_uri \/_up$/m);
    expect(caddyfile).toMatch(/^\s*header_up X-Forwarded-For \{client_ip\}$/m);
    expect(caddyfile).toMatch(/^\s*header_up X-CouchDB-WWW-Authenticate Cookie$/m);
    expect(caddyfile).toMatch(/^\s*rewrite @route \/index\.html$/m);
    expect(caddyfile).not.toMatch(/^\s*trusted_proxies/m);
  });

  it("has Prometheus scrape every node's /_node/_local/_prometheus on the unauthenticated metrics port", () => {
    const config: unknown = parse(read('couch-config/prometheus.yml'));
    const jobs = (config as { scrape_configs?: Array<{ job_name?: string; metrics_path?: string; static_configs?: Array<{ targets?: string[] }>; basic_auth?: unknown }> }).scrape_configs ?? [];
    const couch = jobs.find((job) => job.job_name === 'couchdb');
    expect(couch?.metrics_path).toBe('/_node/_local/_prometheus');
    expect(couch?.basic_auth).toBeUndefined();
    expect((couch?.static_configs ?? []).flatMap((s) => s.targets ?? [])).toEqual(COUCH_NODES.map((node) => `${node}:17986`));
  });

  it('has a cluster setup script that a POSIX shell accepts', () => {
    const result = spawnSync('sh', ['-n', path.join(ROOT, 'couch-config/cluster-setup.sh')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

/** `docker-compose` (v1) or `docker compose` (v2), whichever answers `version`; null when neither is installed. */
function composeCommand(): string[] | null {
  for (const candidate of [['docker-compose'], ['docker', 'compose']]) {
    const [bin = '', ...args] = candidate;
    const probe = spawnSync(bin, [...args, 'version'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return candidate;
  }
  return null;
}

describe('docker-compose config', () => {
  const command = composeCommand();
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-compose-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `config -q` with only this env file: a clean environment, so nothing from the shell fills a gap. */
  function validate(envFile: string): { status: number | null; stderr: string } {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.env`);
    writeFileSync(file, envFile);
    const [bin = '', ...args] = command ?? [];
    const result = spawnSync(bin, [...args, '--env-file', file, '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir },
    });
    return { status: result.status, stderr: result.stderr };
  }
  const filled = ENV_EXAMPLE.replace(/^(COUCHDB_(?:PASSWORD|SECRET|COOKIE))=$/gm, (_line, key: string) => `${key}=${randomBytes(32).toString('hex')}`);
  const missingMessage = 'docker-compose is not installed; .ci/run installs it, or: apt-get install docker-compose';

  it('accepts the file with .env.example filled in', (ctx) => {
    ctx.skip(command === null, missingMessage);
    const result = validate(filled);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses to start while a secret is missing or left empty as in .env.example', (ctx) => {
    ctx.skip(command === null, missingMessage);
    const withoutSecret = validate(filled.replace(/^COUCHDB_SECRET=.*$/m, ''));
    expect(withoutSecret.status).not.toBe(0);
    expect(withoutSecret.stderr).toContain('set COUCHDB_SECRET in .env');
    const asShipped = validate(ENV_EXAMPLE);
    expect(asShipped.status).not.toBe(0);
    expect(asShipped.stderr).toMatch(/set COUCHDB_(PASSWORD|SECRET|COOKIE) in \.env/);
  });
});
