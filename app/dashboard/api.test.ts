/** The dashboard's reads against a real embedded server (hub views installed by `couch setup`), over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_DB } from '../../couch-config/model';
import { generateSeed, type Doc } from '../../couch-config/seed';
import { createUser, startWorld, type World } from '../../sync/testing/harness';
import { loadDashboard, localDate, parseCounts, problemMessage, type DashboardFetch, type DashboardResult } from './api';

const TODAY = '2026-01-20';
const STATUS_ORDER = ['open', 'assigned', 'en_route', 'on_site', 'done', 'blocked', 'cancelled'];

let world: World;
let hubUrl: string;
let seed: Doc[];
let hq: DashboardFetch;
let field: DashboardFetch;

/** A fetch with its own session cookie, as a browser on the app's origin would send it. */
async function signedInFetch(account: { user: string; password: string }): Promise<DashboardFetch> {
  const res = await fetch(`${world.server.url}/_session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: account.user, password: account.password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return (input, init = {}) => fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
}

beforeAll(async () => {
  world = await startWorld(['north', 'south']);
  hubUrl = `${world.server.url}/${HUB_DB}`;
  seed = generateSeed({ jobs: 80, teams: ['north', 'south'], seed: 3 }, (team) => ({ field: `${team}-worker`, lead: `${team}-lead` }));
  await world.admin.ok('POST', `/${HUB_DB}/_bulk_docs`, { docs: seed });
  hq = await signedInFetch(await createUser(world, 'hq', null));
  field = await signedInFetch(await createUser(world, 'field', 'north'));
}, 60_000);

afterAll(async () => {
  await world.close();
});

function dashboardOf(result: DashboardResult) {
  if (!result.ok) throw new Error(`expected a dashboard, got ${result.problem.kind}`);
  return result.dashboard;
}

const jobs = () => seed.filter((d) => d.type === 'job');

describe('loadDashboard against the hub', () => {
  it('counts jobs by team and status, matching the seed', async () => {
    const { counts } = dashboardOf(await loadDashboard({ fetch: hq, hubUrl, today: TODAY, statusOrder: STATUS_ORDER }));
    expect(counts.teams).toEqual(['north', 'south']);
    const expected: Record<string, Record<string, number>> = {};
    for (const job of jobs()) {
      const team = (expected[job.team] ??= {});
      team[job.status as string] = (team[job.status as string] ?? 0) + 1;
    }
    expect(counts.counts).toEqual(expected);
    // Known statuses keep the workflow's order.
    expect(counts.statuses).toEqual(STATUS_ORDER.filter((s) => jobs().some((j) => j.status === s)));
  });

  it("lists each team's unfinished jobs due before today, most overdue first", async () => {
    const { overdue } = dashboardOf(await loadDashboard({ fetch: hq, hubUrl, today: TODAY }));
    for (const team of ['north', 'south']) {
      const expected = jobs()
        .filter((j) => j.team === team && typeof j.due === 'string' && j.due < TODAY && j.status !== 'done' && j.status !== 'cancelled')
        .sort((a, b) => (a.due as string).localeCompare(b.due as string) || a._id.localeCompare(b._id));
      expect(expected.length).toBeGreaterThan(0);
      const listed = overdue.find((o) => o.team === team);
      expect(listed?.more).toBe(false);
      expect(listed?.jobs.map((j) => j.id)).toEqual(expected.map((j) => j._id));
      expect(listed?.jobs[0]).toEqual({
        id: expected[0]?._id,
        team,
        due: expected[0]?.due,
        title: expected[0]?.title,
        status: expected[0]?.status,
        assignee: expected[0]?.assignee ?? null,
        priority: expected[0]?.priority,
      });
    }
  });

  it('caps each team at the limit and says there are more', async () => {
    const { overdue } = dashboardOf(await loadDashboard({ fetch: hq, hubUrl, today: TODAY, overdueLimit: 2 }));
    for (const team of overdue) {
      expect(team.jobs).toHaveLength(2);
      expect(team.more).toBe(true);
    }
  });

  it('signed out → sign in again; a field worker → forbidden; no server → offline', async () => {
    expect(await loadDashboard({ hubUrl, today: TODAY })).toEqual({ ok: false, problem: { kind: 'signed-out' } });
    expect(await loadDashboard({ fetch: field, hubUrl, today: TODAY })).toEqual({ ok: false, problem: { kind: 'forbidden' } });
    expect(await loadDashboard({ fetch: hq, hubUrl: 'http://127.0.0.1:9/outpost-hub', today: TODAY })).toEqual({ ok: false, problem: { kind: 'offline' } });
  });

  it('does not try when the browser says it is offline', async () => {
    let calls = 0;
    const counting: DashboardFetch = (input, init) => {
      calls++;
      return hq(input, init);
    };
    expect(await loadDashboard({ fetch: counting, hubUrl, today: TODAY, isOnline: () => false })).toEqual({ ok: false, problem: { kind: 'offline' } });
    expect(calls).toBe(0);
  });

  it('a hub without the dashboard views → ask an admin to run setup', async () => {
    const bare = 'outpost-hub-without-views';
    await world.admin.ok('PUT', `/${bare}`);
    await world.admin.ok('PUT', `/${bare}/_security`, { members: { names: [], roles: ['hq'] }, admins: { names: [], roles: [] } });
    expect(await loadDashboard({ fetch: hq, hubUrl: `${world.server.url}/${bare}`, today: TODAY })).toEqual({ ok: false, problem: { kind: 'missing-views' } });
  });
});

describe('dashboard helpers', () => {
  it('rejects a view answer it cannot read instead of showing wrong numbers', () => {
    expect(() => parseCounts({ rows: [{ key: 'north', value: 3 }] })).toThrow();
    expect(() => parseCounts({ error: 'x' })).toThrow();
  });

  it('formats the local date and words every problem with a next step', () => {
    expect(localDate(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
    expect(problemMessage({ kind: 'offline' })).toMatch(/needs a connection/);
    expect(problemMessage({ kind: 'signed-out' })).toMatch(/Sign in again/);
    expect(problemMessage({ kind: 'server', status: 503 })).toMatch(/503.*Try again/);
  });
});
