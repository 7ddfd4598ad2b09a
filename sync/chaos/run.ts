/**
 * The chaos run: devices running the real sync engine edit a shared set of jobs while the network and the server
 * misbehave, and afterwards every replica must agree with the server with no edit lost.
 *
 *   server (child process, leveldb) ◀── fault proxy ◀── device (PouchDB on disk, own user, own cookies, createSync)
 *                                   ◀── fault proxy ◀── device …
 *
 * Mix: one lead device in team north, then `devices` field workers dealt round-robin to south and north
 * (default 5: north lead + 2 field, south 3 field). Each team starts with `jobsPerTeam` jobs, so edits overlap.
 * During the edits: devices go offline and back, a device's proxy adds latency, refuses new connections, resets
 * everything or swallows all traffic for a while, and the server is SIGKILLed and restarted once, mid-run.
 * Then every fault heals, and the run waits (bounded) until all replicas are quiet and equal, and checks check.ts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdminClient, type AdminClient } from '../../couch-config/admin-client';
import { silentReporter } from '../../couch-config/cli/report';
import { setup } from '../../couch-config/cli/setup';
import { addUser } from '../../couch-config/cli/users';
import { teamDb, type Role } from '../../couch-config/model';
import { createSync, type SyncController } from '../controller';
import { createJob, type JobDoc, type WriteContext } from '../docs';
import { manualOnlineSignal } from '../environment';
import { createHlc } from '../hlc';
import { canonicalJson } from '../merge/canonical';
import { createHandlerRegistry, domainHandlers } from '../merge/registry';
import type { Fetch } from '../stall-guard';
import { startFaultProxy, type FaultProxy } from '../testing/fault-proxy';
import { createDevice, type Device, type World } from '../testing/harness';
import { divergence, lostEdits, replicaDocs, serverDocs, unauditedResolutions } from './check';
import { randomEdit, type Edit, type EditingDevice } from './ops';
import { createPrng, type Prng } from './prng';
import { startServerProcess, type ServerProcess } from './server-process';

export interface ChaosOptions {
  /** Field-worker devices besides the north lead (default 5). */
  devices?: number;
  /** Edits per device (default 200). */
  edits?: number;
  seed?: number;
  jobsPerTeam?: number;
  /** Kill and restart the server once mid-run (default true). */
  restartServer?: boolean;
  /** How long the devices may take to agree after the faults heal (default 180 s). */
  convergeTimeoutMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface ChaosSummary {
  seed: number;
  mix: string[];
  edits: number;
  conflictsResolved: number;
  auditDocs: number;
  faults: Record<string, number>;
  offlinePeriods: number;
  serverRestarts: number;
  relogins: number;
  /** Times a device stopped retrying on its own (`error` with no retry) and the run had to resume it. */
  stuckErrors: number;
  rejectedWrites: number;
  http5xx: number;
  editsLost: number;
  convergeMs: number;
  durationMs: number;
}

export class ChaosFailure extends Error {
  constructor(readonly seed: number, problems: readonly string[]) {
    super(`chaos run with seed ${seed} failed (reproduce: npm run chaos -- --seed ${seed}):\n  ${problems.join('\n  ')}`);
    this.name = 'ChaosFailure';
  }
}

const TEAMS = ['north', 'south'] as const;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface SimDevice extends EditingDevice {
  readonly team: string;
  readonly device: Device;
  readonly proxy: FaultProxy;
  readonly online: ReturnType<typeof manualOnlineSignal>;
  readonly sync: SyncController;
  readonly prng: Prng;
}

interface Counters {
  faults: Record<string, number>;
  offlinePeriods: number;
  relogins: number;
  stuckErrors: number;
}

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosSummary> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const fieldDevices = options.devices ?? 5;
  const editsPerDevice = options.edits ?? 200;
  const jobsPerTeam = options.jobsPerTeam ?? 4;
  const log = options.log ?? (() => {});
  const prng = createPrng(seed);
  const started = Date.now();
  const root = mkdtempSync(path.join(tmpdir(), 'outpost-chaos-'));
  const counters: Counters = { faults: {}, offlinePeriods: 0, relogins: 0, stuckErrors: 0 };
  const cleanups: Array<() => Promise<void>> = [];
  let closing = false;

  try {
    const server = await startServerProcess({ dataDir: path.join(root, 'server') });
    cleanups.push(() => server.close());
    const admin = createAdminClient(server.url, server.admin);
    await setup(admin, { teams: [...TEAMS], reporter: silentReporter });
    log(`server ${server.url} (child process, leveldb), seed ${seed}`);

    const seeded = await seedJobs(admin, jobsPerTeam);
    mkdirSync(path.join(root, 'devices'));
    const world: World = {
      server: { url: server.url, admin: server.admin, secrets: { adminUser: '', adminPassword: '', cookieSecret: '', demoPassword: '' }, close: async () => {} },
      admin,
      dir: path.join(root, 'devices'),
      close: async () => {},
    };
    const plan: Array<{ role: Role; team: string }> = [{ role: 'lead', team: 'north' }];
    for (let i = 0; i < fieldDevices; i++) plan.push({ role: 'field', team: TEAMS[(i + 1) % TEAMS.length] ?? 'north' });
    const devices: SimDevice[] = [];
    for (const [i, { role, team }] of plan.entries()) {
      const sim = await createSimDevice({ world, admin, server, role, team, index: i, seed, counters, isClosing: () => closing });
      cleanups.push(async () => {
        await sim.sync.stopAndSettle(2_000);
        await sim.device.close();
        await sim.proxy.close();
      });
      devices.push(sim);
    }
    const mix = devices.map((d) => d.name);
    log(`devices: ${mix.join(', ')}`);

    // Every device starts from the seeded jobs.
    for (const d of devices) d.sync.start();
    await waitFor('every device to download its team\'s jobs', 120_000, async () => {
      for (const d of devices) {
        for (const id of seeded.ids.get(d.team) ?? []) await d.local.get(id);
      }
      return [];
    });
    log('initial sync done; editing');

    const edits: Edit[] = [];
    let editsDone = 0;
    const totalEdits = editsPerDevice * devices.length;
    const editing = Promise.all(
      devices.map(async (d) => {
        for (let i = 0; i < editsPerDevice; i++) {
          await sleep(d.prng.int(10, 120));
          edits.push(...(await randomEdit(d, seeded.ids.get(d.team) ?? [], d.prng)));
          editsDone++;
        }
      }),
    );
    let editingDone = false;
    void editing.finally(() => (editingDone = true)).catch(() => {});
    const disrupting = disrupt({ devices, server, prng, counters, log, isDone: () => editingDone, progress: () => editsDone / totalEdits, restartServer: options.restartServer ?? true });
    await editing;
    await disrupting;
    log(`edits done: ${edits.length} effective of ${totalEdits}; healing`);

    for (const d of devices) {
      d.proxy.heal();
      d.online.set(true);
    }
    const healedAt = Date.now();
    let lastReport = Date.now();
    await waitFor('the devices and the server to agree', options.convergeTimeoutMs ?? 180_000, async () => {
      const problems = await quietProblems(admin, devices);
      if (problems.length > 0 && Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`not quiet yet: ${problems.slice(0, 3).join('; ')}`);
      }
      return problems;
    });
    // Quiet twice in a row: nothing was still on its way at the first look.
    await sleep(1_000);
    await waitFor('the devices and the server to stay in agreement', 60_000, () => quietProblems(admin, devices));
    const convergeMs = Date.now() - healedAt;
    log(`converged in ${convergeMs} ms; checking`);

    const problems: string[] = [];
    let lost = 0;
    let resolved = 0;
    let auditDocs = 0;
    for (const team of TEAMS) {
      const db = teamDb(team);
      const docs = await serverDocs(admin, db);
      const teamEdits = edits.filter((e) => devices.find((d) => d.name === e.device)?.team === team);
      const missing = lostEdits(teamEdits, docs, seeded.status);
      lost += missing.length;
      problems.push(...missing.slice(0, 20));
      const audit = await unauditedResolutions(admin, db, docs);
      problems.push(...audit.missing.slice(0, 20));
      resolved += audit.resolved;
      auditDocs += audit.auditDocs;
    }
    const http5xx = devices.flatMap((d) => d.device.log.filter((r) => r.status >= 500).map((r) => `${d.name}: ${r.method} ${r.url} → ${r.status}`));
    problems.push(...http5xx.slice(0, 10));
    // Counted, not failed: the generator only makes legal edits, so a refusal comes from the server's view of the
    // write (the embedded server validates a replicated revision against the current winner, where CouchDB uses
    // its parent). The edits-lost check above is what decides whether anything was lost.
    const rejected = devices.flatMap((d) => d.sync.getStatus().rejected.map((r) => `${d.name}: ${r.id} rejected: ${r.reason}`));
    for (const line of rejected) log(line);
    if (problems.length > 0) throw new ChaosFailure(seed, problems);

    return {
      seed,
      mix,
      edits: edits.length,
      conflictsResolved: resolved,
      auditDocs,
      faults: counters.faults,
      offlinePeriods: counters.offlinePeriods,
      serverRestarts: server.restarts(),
      relogins: counters.relogins,
      stuckErrors: counters.stuckErrors,
      rejectedWrites: rejected.length,
      http5xx: http5xx.length,
      editsLost: lost,
      convergeMs,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    if (err instanceof ChaosFailure) throw err;
    throw new ChaosFailure(seed, [err instanceof Error ? err.message : String(err)]);
  } finally {
    closing = true;
    for (const step of cleanups.reverse()) await step().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

/** The seeded jobs of each team (written by the admin, authored by a planner) and each one's initial status. */
async function seedJobs(admin: AdminClient, perTeam: number): Promise<{ ids: Map<string, string[]>; status: Map<string, string> }> {
  const hlc = createHlc({ deviceId: 'planner', now: Date.now });
  const ctx: WriteContext = { user: 'planner', role: 'lead', hlc, now: Date.now };
  const ids = new Map<string, string[]>();
  const status = new Map<string, string>();
  for (const team of TEAMS) {
    const jobs: JobDoc[] = [];
    for (let i = 0; i < perTeam; i++) jobs.push(createJob({ team, title: `Chaos job ${i + 1}`, checklist: ['Isolate', 'Inspect'] }, ctx));
    await admin.ok('POST', `/${teamDb(team)}/_bulk_docs`, { docs: jobs });
    ids.set(team, jobs.map((j) => j._id));
    for (const j of jobs) status.set(j._id, canonicalJson([j.status, j.clock.status]));
  }
  return { ids, status };
}

async function createSimDevice(args: {
  world: World; admin: AdminClient; server: ServerProcess; role: Role; team: string; index: number; seed: number; counters: Counters; isClosing: () => boolean;
}): Promise<SimDevice> {
  const { world, admin, server, role, team, index, seed, counters, isClosing } = args;
  const name = `${team}-${role}-${index}`;
  const account = { user: `chaos-${name}`, password: `pw-chaos-${name}-${seed}` };
  await addUser(admin, { name: account.user, role, team }, account.password);
  const proxy = await startFaultProxy(server.port);
  const device = await createDevice(world, account, { db: teamDb(team), serverUrl: proxy.url, name });
  const online = manualOnlineSignal(true);
  const hlc = createHlc({ deviceId: name, now: Date.now });
  const ctx: WriteContext = { user: account.user, role, hlc, now: Date.now };
  const sync = createSync({
    local: device.local,
    remote: (guarded) => device.remoteWith(withNodeBuffer(guarded)),
    fetch: device.fetch,
    remoteId: teamDb(team),
    selector: { team },
    online,
    heartbeatMs: 1_000,
    stallMs: 5_000,
    backoff: { baseMs: 200, maxMs: 2_000 },
    batchSize: 100,
    conflicts: { registry: createHandlerRegistry({ byType: domainHandlers }), context: ctx, deviceId: name, team },
  });
  // What the app does: a lost session is signed in again; an error the engine will not retry by itself is counted
  // (it is a finding) and the sync is resumed, as a person would by reopening the app.
  let relogging = false;
  sync.subscribe(() => {
    const state = sync.getStatus().state;
    if (isClosing()) return;
    if (state.name === 'needs-login' && !relogging) {
      relogging = true;
      counters.relogins++;
      void (async () => {
        while (!isClosing()) {
          try {
            await device.login();
            break;
          } catch {
            await sleep(300);
          }
        }
        relogging = false;
        if (!isClosing()) sync.resume();
      })();
    } else if (state.name === 'error' && state.retryAt === null) {
      counters.stuckErrors++;
      setTimeout(() => isClosing() || sync.resume(), 1_000);
    }
  });
  return { name, role, team, local: device.local, hlc, ctx, device, proxy, online, sync, prng: createPrng(seed * 7919 + index + 1) };
}

/**
 * PouchDB 9's HTTP adapter reads an attachment with `response.buffer()` (node-fetch) when the response has one,
 * else `blob()`; Node's own fetch gives a Blob, which PouchDB's leveldb adapter cannot hash, and the write throws
 * outside any promise. The app (a browser) stores Blobs natively; a simulated device gets the Buffer it needs.
 */
function withNodeBuffer(inner: Fetch): Fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    return Object.assign(res, { buffer: async () => Buffer.from(await res.arrayBuffer()) });
  };
}

/** Faults while the edits run, until `isDone`; the server restart happens once, past the middle of the edits. */
async function disrupt(args: {
  devices: readonly SimDevice[]; server: ServerProcess; prng: Prng; counters: Counters; log: (line: string) => void;
  isDone: () => boolean; progress: () => number; restartServer: boolean;
}): Promise<void> {
  const { devices, server, prng, counters, log } = args;
  const count = (kind: string) => (counters.faults[kind] = (counters.faults[kind] ?? 0) + 1);
  const pending: Array<Promise<void>> = [];
  let restarted = !args.restartServer;
  while (!args.isDone()) {
    await sleep(prng.int(80, 400));
    if (!restarted && args.progress() >= 0.5) {
      restarted = true;
      count('server-kill');
      log('SIGKILL server');
      const t = Date.now();
      await server.killAndRestart();
      log(`server back after ${Date.now() - t} ms`);
      continue;
    }
    const d = prng.pick(devices);
    const holdMs = prng.int(200, 3_000);
    switch (prng.pick(['offline', 'latency', 'drop', 'reset', 'blackhole'] as const)) {
      case 'offline':
        counters.offlinePeriods++;
        d.online.set(false);
        pending.push(sleep(holdMs).then(() => d.online.set(true)));
        break;
      case 'latency':
        count('latency');
        d.proxy.latency(prng.int(20, 300));
        pending.push(sleep(holdMs).then(() => d.proxy.latency(0)));
        break;
      case 'drop':
        count('drop-new');
        d.proxy.dropNew(true);
        pending.push(sleep(holdMs).then(() => d.proxy.dropNew(false)));
        break;
      case 'reset':
        count('reset-all');
        d.proxy.resetAll();
        break;
      case 'blackhole':
        count('blackhole');
        d.proxy.blackhole();
        pending.push(sleep(holdMs).then(() => d.proxy.heal()));
        break;
    }
  }
  await Promise.all(pending);
}

/** Why the run is not quiet yet: device status, then divergence from the server ([] when quiet). */
async function quietProblems(admin: AdminClient, devices: readonly SimDevice[]): Promise<string[]> {
  const problems: string[] = [];
  for (const d of devices) {
    const s = d.sync.getStatus();
    if (s.state.name !== 'live') problems.push(`${d.name}: state ${s.state.name}${'message' in s.state ? ` (${s.state.message})` : ''}`);
    if (s.pendingPush > 0) {
      const recent = d.device.log.slice(-3).map((r) => `${r.method} ${new URL(r.url).pathname.split('/').slice(2).join('/')} ${r.status}`);
      problems.push(`${d.name}: ${s.pendingPush} edits not pushed (${d.device.log.length} requests so far, last: ${recent.join(', ')})`);
    }
    if (s.inbox.length > 0) problems.push(`${d.name}: ${s.inbox.length} conflicts in the inbox (${s.inbox.map((e) => e.why).join('; ')})`);
  }
  for (const team of TEAMS) {
    const server = await serverDocs(admin, teamDb(team));
    const replicas = await Promise.all(devices.filter((d) => d.team === team).map(async (d) => ({ name: d.name, docs: await replicaDocs(d.local) })));
    problems.push(...divergence(server, replicas));
  }
  // Refused writes never block quiet, but they often explain what does not converge.
  if (problems.length === 0) return problems;
  const refused = devices.flatMap((d) => d.sync.getStatus().rejected.map((r) => `${d.name}: refused ${r.id} ${r.rev}: ${r.reason}`));
  return [...problems, ...refused.slice(0, 5)];
}

/** Polls `check` (problems, [] when satisfied) until it passes, or fails naming what was still wrong. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<string[]>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  for (;;) {
    try {
      last = await check();
      if (last.length === 0) return;
    } catch (err) {
      last = [err instanceof Error ? err.message : String(err)];
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; still:\n    ${last.join('\n    ')}`);
    await sleep(500);
  }
}

