/**
 * The in-page half of `npm run bench`, bundled by esbuild and served from the same origin as `/couch/`, as the
 * app is. Node drives it through `window.outpostBenchPage` (bench/browser.ts).
 */
import { generateSeed, type Doc as SeedDoc } from '../../couch-config/seed';
import { appFetch, wipe } from './common';
import { runConflicts, type ConflictsResult } from './conflicts';
import type { InitialContender } from '../args';
import { runInitial, syncedDevice, type InitialResult } from './initial';
import { runQueries, type QueryResult } from './query';
import { runReconnect, type ReconnectResult } from './reconnect';

export type { ConflictsResult, InitialResult, QueryResult, ReconnectResult };

export interface BenchPage {
  login(user: string, password: string): Promise<void>;
  initial(contender: InitialContender, team: string, batchSize?: number): Promise<InitialResult>;
  reconnect(team: string, user: string, edits: number): Promise<ReconnectResult>;
  conflicts(count: number, user: string, team: string): Promise<ConflictsResult>;
  queries(team: string, user: string, now: number, count: number, baselineCount: number): Promise<QueryResult>;
}

declare global {
  interface Window {
    outpostBenchPage?: BenchPage;
  }
}

/** Each scenario starts from an empty origin and leaves one behind. */
async function fresh<T>(run: () => Promise<T>): Promise<T> {
  await wipe();
  try {
    return await run();
  } finally {
    await wipe();
  }
}

window.outpostBenchPage = {
  async login(name, password) {
    const res = await appFetch('/couch/_session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
    if (!res.ok) throw new Error(`sign-in of ${name} failed: ${res.status}`);
  },
  initial: (contender, team, batchSize) => fresh(() => runInitial(contender, team, batchSize)),
  reconnect: (team, user, edits) => fresh(() => runReconnect(team, user, edits)),
  conflicts: (count, user, team) =>
    fresh(() => {
      const seed = generateSeed({ jobs: count, teams: [team], seed: 7 }, () => ({ field: user, lead: user }));
      return runConflicts(seed.filter((d: SeedDoc) => d.type === 'job'), user, team);
    }),
  queries: (team, user, now, count, baselineCount) =>
    fresh(async () => {
      const db = await syncedDevice(team);
      try {
        return await runQueries(db, user, now, count, baselineCount);
      } finally {
        await db.close();
      }
    }),
};
