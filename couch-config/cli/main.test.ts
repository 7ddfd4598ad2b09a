/** The `couch` CLI as an operator runs it: a real process against a real (embedded) server. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { startEmbeddedServer, type EmbeddedServer } from '../server/index';


let server: EmbeddedServer;
let dir: string;

beforeAll(async () => {
  server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
  dir = mkdtempSync(path.join(tmpdir(), 'outpost-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const couch = (...args: string[]) => runCli(server, ...args);

describe('couch CLI', () => {
  it('exits 2 with the usage on bad arguments', async () => {
    for (const args of [[], ['frobnicate'], ['team', 'add'], ['team', 'add', 'North!'], ['user', 'add', 'zoe', '--role', 'boss', '--team', 'north'], ['user', 'add', 'zoe', '--role', 'field'], ['seed', '--jobs', 'many']]) {
      const result = await couch(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err + result.out).toContain('Usage: npm run couch');
    }
  });

  it('sets up once, then reports no changes', async () => {
    const first = await couch('setup', '--teams', 'north,south');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('created database outpost-team-north');
    const second = await couch('setup');
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('No changes');
  });

  it('adds a user from a password file without printing the password', async () => {
    const file = path.join(dir, 'pw');
    writeFileSync(file, 'correct horse battery\n', { mode: 0o600 });
    const result = await couch('user', 'add', 'zoe', '--role', 'field', '--team', 'north', '--password-file', file);
    expect(result.code, result.err).toBe(0);
    expect(result.out + result.err).not.toContain('correct horse');
    const again = await couch('user', 'add', 'zoe', '--role', 'field', '--team', 'north', '--password-file', file);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
  });

  it('refuses a user for a team that does not exist, saying how to add it', async () => {
    const file = path.join(dir, 'pw2');
    writeFileSync(file, 'another good password\n');
    const result = await couch('user', 'add', 'yan', '--role', 'lead', '--team', 'west', '--password-file', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain('team add west');
  });

  it('changes roles and disables a user', async () => {
    expect((await couch('user', 'roles', 'zoe', '--role', 'lead', '--team', 'south')).out).toContain('[team:north] → [team:south, lead:south]');
    expect((await couch('user', 'disable', 'zoe')).code).toBe(0);
    expect((await couch('user', 'disable', 'zoe')).out).toContain('already disabled');
  });

  it('seeds through the hub and checks a provisioned server clean', async () => {
    const seeded = await couch('seed', '--jobs', '20', '--teams', '2', '--seed', '3', '--wait');
    expect(seeded.code, seeded.err).toBe(0);
    expect(seeded.out).toMatch(/Seeded \d+ new docs/);
    const check = await couch('check');
    expect(check.code, check.out).toBe(0);
    expect(check.out).toContain('0 high');
  });
});
