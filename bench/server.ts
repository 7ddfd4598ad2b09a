/**
 * The benchmark's world: the embedded server (child process, memory storage), provisioned with `couch setup`
 * for the benchmark's teams, their users, and the deterministic seed. The seed goes straight into both the team
 * database and the hub with the same revisions, so the server's replications find nothing to copy: delivering
 * 50k docs through the embedded server's replicator would take minutes and keep its CPU busy during the runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAdminClient, type AdminClient } from '../couch-config/admin-client';
import { silentReporter } from '../couch-config/cli/report';
import { HUB_DB, teamDb } from '../couch-config/model';
import { generateSeed } from '../couch-config/seed';
import { setup } from '../couch-config/cli/setup';
import { addUser } from '../couch-config/cli/users';

export interface BenchServer {
  url: string;
  admin: { user: string; password: string };
  client: AdminClient;
  /** Adds a field worker of `team`; returns the password. */
  addFieldWorker(name: string, team: string): Promise<string>;
  /** Seeds `jobs` jobs (+ sites) for `team`, assigned to `fieldWorker`; returns how many docs the team has. */
  seedTeam(team: string, jobs: number, seedNumber: number, fieldWorker: string): Promise<number>;
  /** CPU time the server process has used so far (ms), or null where it cannot be read. */
  cpuMs(): number | null;
  close(): Promise<void>;
}

function startChild(): Promise<{ child: ChildProcess; url: string; admin: { user: string; password: string } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'server-process.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the embedded server exited (${code}) before it started`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      const { url, admin } = JSON.parse(line) as { url: string; admin: { user: string; password: string } };
      resolve({ child, url, admin });
    });
  });
}

/** CPU time (ms) the process has used, or null where /proc is not there. */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
  } catch {
    return null;
  }
}

/** Waits until the server has used under 5% of a core for two consecutive half-seconds (at most two minutes). */
async function waitUntilIdle(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  const first = pid === undefined ? null : cpuMs(pid);
  if (pid === undefined || first === null) return new Promise((resolve) => setTimeout(resolve, 5000));
  let last: number = first;
  let quiet = 0;
  for (const deadline = Date.now() + 120_000; quiet < 2 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now: number = cpuMs(pid) ?? last;
    quiet = now - last < 25 ? quiet + 1 : 0;
    last = now;
  }
}

export async function startBenchServer(teams: readonly string[]): Promise<BenchServer> {
  const { child, url, admin } = await startChild();
  const client = createAdminClient(url, admin);
  await setup(client, { teams, reporter: silentReporter });
  return {
    url,
    admin,
    client,
    async addFieldWorker(name, team) {
      const password = `bench-${name}-password-1`;
      await addUser(client, { name, role: 'field', team }, password);
      return password;
    },
    async seedTeam(team, jobs, seedNumber, fieldWorker) {
      const docs = generateSeed({ jobs, teams: [team], seed: seedNumber }, () => ({ field: fieldWorker, lead: `${team}-lead` }));
      const revised = docs.map((d) => ({ ...d, _rev: `1-${createHash('md5').update(d._id).digest('hex')}` }));
      for (let i = 0; i < revised.length; i += 2000) {
        const batch = revised.slice(i, i + 2000);
        for (const db of [teamDb(team), HUB_DB]) await client.ok('POST', `/${db}/_bulk_docs`, { docs: batch, new_edits: false });
      }
      // The server's replications still compare what was written; nothing is timed until they are done.
      await waitUntilIdle(child);
      return docs.length;
    },
    cpuMs: () => (child.pid === undefined ? null : cpuMs(child.pid)),
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
