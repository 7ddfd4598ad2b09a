/**
 * HQ's dashboard data, read live from the hub's views (couch-config/design/views): jobs counted by team × status,
 * and each team's overdue jobs. Framework-free: the screen renders what `loadDashboard` returns, and every failure
 * comes back as a `DashboardProblem` the screen can put into words — nothing here throws on a bad network.
 */

export const HUB_PATH = '/couch/outpost-hub';
const VIEWS = '_design/outpost-dashboard/_view';

export type DashboardFetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface TeamStatusCounts {
  /** Teams in the hub, sorted. */
  readonly teams: readonly string[];
  /** Statuses present, in `statusOrder` first, then any others sorted. */
  readonly statuses: readonly string[];
  /** counts[team][status]; absent means zero. */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface OverdueJob {
  readonly id: string;
  readonly team: string;
  readonly due: string;
  readonly title: string;
  readonly status: string;
  readonly assignee: string | null;
  readonly priority: number | null;
}

export interface TeamOverdue {
  readonly team: string;
  /** Most overdue first, at most `overdueLimit`. */
  readonly jobs: readonly OverdueJob[];
  /** There are more overdue jobs than listed. */
  readonly more: boolean;
}

export interface Dashboard {
  readonly today: string;
  readonly counts: TeamStatusCounts;
  readonly overdue: readonly TeamOverdue[];
}

export type DashboardProblem =
  | { readonly kind: 'offline' }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'missing-views' }
  | { readonly kind: 'server'; readonly status: number }
  | { readonly kind: 'bad-answer'; readonly detail: string };

export type DashboardResult = { readonly ok: true; readonly dashboard: Dashboard } | { readonly ok: false; readonly problem: DashboardProblem };

export interface LoadOptions {
  /** The caller's date, `YYYY-MM-DD`: a job is overdue when its due date is before it. */
  readonly today: string;
  readonly fetch?: DashboardFetch;
  /** Where the hub is (default `/couch/outpost-hub` on this origin). */
  readonly hubUrl?: string;
  readonly isOnline?: () => boolean;
  readonly overdueLimit?: number;
  readonly statusOrder?: readonly string[];
}

/** What to tell HQ, and what to do next. */
export function problemMessage(problem: DashboardProblem): string {
  switch (problem.kind) {
    case 'offline':
      return 'The dashboard needs a connection to the server, and this device has none right now. Your jobs still work offline; try again when you have signal.';
    case 'signed-out':
      return 'Your session has ended. Sign in again (the sync bar asks for your password), then retry.';
    case 'forbidden':
      return 'Your account cannot read the HQ database. Only HQ accounts see the dashboard; ask an admin to check your role.';
    case 'missing-views':
      return 'The dashboard views are missing on the server. Ask an admin to run “npm run couch -- setup”, then retry.';
    case 'server':
      return `The server could not answer (status ${problem.status}). Try again in a minute; if it keeps failing, tell an admin.`;
    case 'bad-answer':
      return `The server sent an answer the dashboard cannot read (${problem.detail}). Try again; if it keeps failing, tell an admin.`;
  }
}

/** The local calendar date as `YYYY-MM-DD` (due dates are calendar dates, compared in the person's own time zone). */
export function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

class Problem extends Error {
  constructor(readonly problem: DashboardProblem) {
    super(problem.kind);
  }
}

function problemForStatus(status: number): DashboardProblem {
  if (status === 401) return { kind: 'signed-out' };
  if (status === 403) return { kind: 'forbidden' };
  if (status === 404) return { kind: 'missing-views' };
  return { kind: 'server', status };
}

async function getJson(fetchFn: DashboardFetch, url: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchFn(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch {
    // fetch rejects only when no answer came at all: no network, DNS, or the connection dropped.
    throw new Problem({ kind: 'offline' });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new Problem(problemForStatus(res.status));
  }
  try {
    return await res.json();
  } catch {
    throw new Problem({ kind: 'bad-answer', detail: 'not JSON' });
  }
}

function rowsOf(body: unknown, view: string): unknown[] {
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new Problem({ kind: 'bad-answer', detail: `${view}: no rows` });
  return rows;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Parses `jobs_by_team_status?group_level=2` (reduce `_count`): rows `{key: [team, status], value: n}`. */
export function parseCounts(body: unknown, statusOrder: readonly string[] = []): TeamStatusCounts {
  const counts: Record<string, Record<string, number>> = {};
  const seen = new Set<string>();
  for (const row of rowsOf(body, 'jobs_by_team_status')) {
    const { key, value } = (row ?? {}) as { key?: unknown; value?: unknown };
    if (!Array.isArray(key) || !isString(key[0]) || typeof value !== 'number') throw new Problem({ kind: 'bad-answer', detail: 'jobs_by_team_status: unexpected row' });
    // A job without a status still counts; it shows under "unknown".
    const status = isString(key[1]) ? key[1] : 'unknown';
    const team = (counts[key[0]] ??= {});
    team[status] = (team[status] ?? 0) + value;
    seen.add(status);
  }
  const known = statusOrder.filter((s) => seen.has(s));
  const others = [...seen].filter((s) => !statusOrder.includes(s)).sort();
  return { teams: Object.keys(counts).sort(), statuses: [...known, ...others], counts };
}

/** Parses `open_jobs_by_team_due` rows `{id, key: [team, due], value: {title, status, assignee, priority}}`. */
export function parseOverdue(body: unknown): OverdueJob[] {
  return rowsOf(body, 'open_jobs_by_team_due').map((row) => {
    const { id, key, value } = (row ?? {}) as { id?: unknown; key?: unknown; value?: unknown };
    if (!isString(id) || !Array.isArray(key) || !isString(key[0]) || !isString(key[1])) throw new Problem({ kind: 'bad-answer', detail: 'open_jobs_by_team_due: unexpected row' });
    const v = (value ?? {}) as { title?: unknown; status?: unknown; assignee?: unknown; priority?: unknown };
    return {
      id,
      team: key[0],
      due: key[1],
      title: isString(v.title) && v.title ? v.title : 'Untitled job',
      status: isString(v.status) ? v.status : 'unknown',
      assignee: isString(v.assignee) && v.assignee ? v.assignee : null,
      priority: typeof v.priority === 'number' ? v.priority : null,
    };
  });
}

const param = (value: unknown) => encodeURIComponent(JSON.stringify(value));

/** Both views, one request for the counts and one per team for its overdue jobs (most overdue first). */
export async function loadDashboard(opts: LoadOptions): Promise<DashboardResult> {
  const fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  const hub = opts.hubUrl ?? HUB_PATH;
  const limit = opts.overdueLimit ?? 100;
  if (opts.isOnline && !opts.isOnline()) return { ok: false, problem: { kind: 'offline' } };
  try {
    const counts = parseCounts(await getJson(fetchFn, `${hub}/${VIEWS}/jobs_by_team_status?group_level=2`), opts.statusOrder);
    const overdue = await Promise.all(
      counts.teams.map(async (team): Promise<TeamOverdue> => {
        // [team] sorts before every [team, due]; [team, today] with inclusive_end=false stops before today.
        const url = `${hub}/${VIEWS}/open_jobs_by_team_due?startkey=${param([team])}&endkey=${param([team, opts.today])}&inclusive_end=false&limit=${limit + 1}`;
        const jobs = parseOverdue(await getJson(fetchFn, url));
        return { team, jobs: jobs.slice(0, limit), more: jobs.length > limit };
      }),
    );
    return { ok: true, dashboard: { today: opts.today, counts, overdue } };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, problem: err.problem };
    throw err;
  }
}
