/**
 * Live propagation: devices (Node, pouchdb-node on disk, the sync engine, each with its own cookie jar), in one
 * or more teams, each create about one job per second for S seconds; every other device of the same team records
 * when the job shows up in its local database. Reports p50/p95 of write → visible over every (job, other device of
 * its team) pair. The baseline, in the same run, is the same measurement with two devices: the latency of the
 * pipeline without the crowd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import PouchDB from 'pouchdb-node';
import { createHlc, createJob, createSync, manualOnlineSignal, type LocalDb, type RemoteDb, type SyncController } from '../sync';
import { teamDb } from '../couch-config/model';
import type { BenchServer } from './server';

export interface LiveResult {
  devices: number;
  /** Devices per team (all teams the same size). */
  teamSize: number;
  seconds: number;
  writes: number;
  samples: number;
  /** (job, device) pairs that never showed up before the deadline. */
  missing: number;
  p50: number;
  p95: number;
  max: number;
  /** Share of one core used while the devices wrote: by the server process, and by this one (all devices). */
  serverCores: number | null;
  devicesCores: number;
  /** How late this process's event loop ran its callbacks while the devices wrote (p99, ms). */
  eventLoopDelayP99: number;
  /** Requests all devices sent to the server while writing, by kind (`_changes`, `_bulk_get`, …), per write. */
  requestsPerWrite: Record<string, number>;
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface LiveTeam {
  team: string;
  accounts: ReadonlyArray<{ user: string; password: string }>;
}

interface LiveDevice {
  name: string;
  user: string;
  team: string;
  /** Jobs this device wrote. */
  writes: number;
  local: LocalDb & { close(): Promise<void> };
  sync: SyncController;
  stopFeed(): void;
}

/** The kind of request, for counting: its first `_` path segment (`_changes`, `_bulk_get`, `_local`…), else `doc` or `db`. */
function requestKind(input: string | URL | Request): string {
  const parts = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname.split('/').filter(Boolean);
  return parts.find((part) => part.startsWith('_')) ?? (parts.length > 1 ? 'doc' : 'db');
}

/**
 * A fetch with this device's own session cookie (PouchDB 9 on Node would otherwise share one jar), counting the
 * requests it sends by kind into `counts`.
 */
function deviceFetch(counts: Map<string, number>): { fetch: Fetch } {
  let cookie: string | null = null;
  return {
    async fetch(input, init = {}) {
      const kind = requestKind(input);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      const headers = new Headers(init.headers);
      if (cookie) headers.set('cookie', cookie);
      const res = await fetch(input, { ...init, headers });
      const set = res.headers.get('set-cookie');
      if (set?.startsWith('AuthSession=')) cookie = set.split(';')[0] ?? cookie;
      return res;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function runLive(server: BenchServer, teams: readonly LiveTeam[], seconds: number): Promise<LiveResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-live-'));
  const writtenAt = new Map<string, { at: number; by: string }>();
  const latencies: number[] = [];
  const seen = new Set<string>();
  const devices: LiveDevice[] = [];
  const requests = new Map<string, number>();
  try {
    for (const { team, accounts } of teams) {
      const url = `${server.url}/${teamDb(team)}`;
      for (const account of accounts) {
        const name = `device-${devices.length}`;
        const jar = deviceFetch(requests);
        const login = await jar.fetch(`${server.url}/_session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: account.user, password: account.password }) });
        if (!login.ok) throw new Error(`sign-in of ${account.user} failed: ${login.status}`);
        const local = new PouchDB(path.join(dir, name)) as unknown as LiveDevice['local'];
        const sync = createSync({
          local,
          remote: (f) => new PouchDB(url, { fetch: f, skip_setup: true }) as unknown as RemoteDb,
          fetch: jar.fetch,
          remoteId: url,
          selector: { team },
          online: manualOnlineSignal(true),
        });
        const feed = local.changes({ since: 'now', live: true, return_docs: false });
        feed.on('change', (change) => {
          const written = writtenAt.get(change.id);
          if (!written || written.by === name) return;
          const key = `${change.id}@${name}`;
          if (seen.has(key)) return;
          const latency = performance.now() - written.at;
          seen.add(key);
          latencies.push(latency);
        });
        feed.on('error', () => {});
        devices.push({ name, user: account.user, team, writes: 0, local, sync, stopFeed: () => feed.cancel() });
      }
    }
    for (const d of devices) d.sync.start();
    const deadline = performance.now() + 300_000;
    while (devices.some((d) => d.sync.getStatus().state.name !== 'live')) {
      if (performance.now() > deadline) throw new Error('devices did not all reach live');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Each device writes on its own 1 s beat, phases spread over the second.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const [wall0, server0, self0] = [performance.now(), server.cpuMs(), process.cpuUsage()];
    requests.clear();
    const timers: Array<ReturnType<typeof setInterval>> = [];
    await Promise.all(
      devices.map(
        (d, i) =>
          new Promise<void>((resolve) => {
            const ctx = { user: d.user, role: 'field' as const, hlc: createHlc({ deviceId: d.name, now: Date.now }), now: Date.now };
            let n = 0;
            const start = setTimeout(() => {
              const beat = setInterval(() => {
                if (++n > seconds) {
                  clearInterval(beat);
                  resolve();
                  return;
                }
                const job = createJob({ team: d.team, title: `Live check ${d.name} #${n}` }, ctx);
                writtenAt.set(job._id, { at: performance.now(), by: d.name });
                d.writes++;
                // A write that fails never shows up anywhere: it counts as missing.
                d.local.put(job).catch(() => writtenAt.delete(job._id));
              }, 1000);
              timers.push(beat);
            }, (1000 * i) / devices.length);
            timers.push(start as unknown as ReturnType<typeof setInterval>);
          }),
      ),
    );
    const wall = performance.now() - wall0;
    const server1 = server.cpuMs();
    const self = process.cpuUsage(self0);
    loop.disable();
    const writes = devices.reduce((sum, d) => sum + d.writes, 0);
    const teamSize = (team: string) => devices.filter((d) => d.team === team).length;
    const expected = devices.reduce((sum, d) => sum + d.writes * (teamSize(d.team) - 1), 0);
    const settle = performance.now() + 30_000;
    while (latencies.length < expected && performance.now() < settle) await new Promise((resolve) => setTimeout(resolve, 100));
    // Counted until every write has arrived everywhere: the requests that carried them, not only those sent in time.
    const requestsPerWrite = Object.fromEntries([...requests].sort((a, b) => b[1] - a[1]).map(([kind, n]) => [kind, writes > 0 ? Number((n / writes).toFixed(2)) : NaN]));
    timers.forEach((t) => clearInterval(t));
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      devices: devices.length,
      teamSize: Math.max(...teams.map((t) => t.accounts.length)),
      seconds,
      writes,
      samples: sorted.length,
      missing: expected - sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted[sorted.length - 1] ?? NaN,
      serverCores: server0 === null || server1 === null ? null : (server1 - server0) / wall,
      devicesCores: (self.user + self.system) / 1000 / wall,
      eventLoopDelayP99: loop.percentile(99) / 1e6,
      requestsPerWrite,
    };
  } finally {
    // All at once: one after another, fifty devices that each wait for their last request would take minutes.
    await Promise.all(
      devices.map(async (d) => {
        d.stopFeed();
        await d.sync.stopAndSettle();
        await d.local.close();
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}
