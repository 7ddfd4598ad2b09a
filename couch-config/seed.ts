/**
 * Deterministic demo and test data: the same `--jobs N --teams T --seed S` always yields the same documents,
 * ids included, so tests, benchmarks and the demo agree on what is there.
 */
import { ulid } from 'ulid';

export interface SeedOptions {
  jobs: number;
  teams: readonly string[];
  seed: number;
  /** Fixed "now" so generated dates are reproducible. */
  now?: number;
}

export type Doc = Record<string, unknown> & { _id: string; type: string; team: string };

/** mulberry32: tiny, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TASKS = ['Inspect', 'Repair', 'Replace', 'Service', 'Test', 'Calibrate', 'Clean', 'Survey'];
const ASSETS = ['pump station', 'transformer', 'water main', 'gate valve', 'solar array', 'backup generator', 'fire hydrant', 'fence line', 'culvert', 'radio mast'];
const STREETS = ['Harbour Rd', 'Mill Lane', 'Station St', 'Quarry Way', 'Ridge Rd', 'Canal Walk', 'Old Farm Track', 'Depot Ave'];
const CHECKS = ['Isolate power', 'Check pressure', 'Photograph nameplate', 'Inspect seals', 'Record meter reading', 'Test alarm', 'Tighten fittings', 'Clear debris', 'Sign off with site contact'];
const NOTES = ['Access via the side gate; key with the site contact.', 'Previous visit found minor corrosion on the housing.', 'Bring the long ladder.', 'Customer asked for a call 30 minutes before arrival.', 'Dog on site.', 'Parts ordered, expected Thursday.'];
const STATUSES = ['open', 'assigned', 'en_route', 'on_site', 'done', 'blocked', 'cancelled'] as const;
const UNITS: ReadonlyArray<readonly [string, string]> = [['Pressure', 'bar'], ['Voltage', 'V'], ['Flow', 'L/min'], ['Temperature', '°C']];

const DAY = 86_400_000;
export const DEFAULT_SEED_NOW = Date.UTC(2026, 0, 15, 9, 0, 0);

export interface TeamMembers {
  field: string;
  lead: string;
}

/** Generates sites and jobs for the given teams. `members` maps a team to who creates and is assigned its jobs. */
export function generateSeed(opts: SeedOptions, members: (team: string) => TeamMembers): Doc[] {
  const rand = prng(opts.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const now = opts.now ?? DEFAULT_SEED_NOW;
  const id = (type: string, time: number) => `${type}:${ulid(time, rand)}`;
  const docs: Doc[] = [];
  const sitesByTeam = new Map<string, string[]>();

  for (const team of opts.teams) {
    const sites: string[] = [];
    for (let i = 0; i < Math.max(3, Math.ceil(opts.jobs / opts.teams.length / 20)); i++) {
      const createdAt = now - Math.floor(rand() * 365) * DAY;
      const siteId = id('site', createdAt);
      sites.push(siteId);
      const who = members(team).lead;
      docs.push({
        _id: siteId, type: 'site', team, schema: 1,
        name: `${pick(ASSETS).replace(/^./, (c) => c.toUpperCase())} ${100 + Math.floor(rand() * 900)}`,
        address: `${1 + Math.floor(rand() * 200)} ${pick(STREETS)}`,
        geo: { lat: -41 + rand() * 2, lon: 174 + rand() * 2 },
        contact: { name: 'Site contact', phone: '000 000 000' },
        createdAt: new Date(createdAt).toISOString(), createdBy: who,
        updatedAt: new Date(createdAt).toISOString(), updatedBy: who,
        clock: {},
      });
    }
    sitesByTeam.set(team, sites);
  }

  for (let n = 0; n < opts.jobs; n++) {
    const team = opts.teams[n % opts.teams.length] as string;
    const { field, lead } = members(team);
    const createdAt = now - Math.floor(rand() * 120 * DAY);
    const status = pick(STATUSES);
    const stamp = `${createdAt}-0-seed`;
    const checklist = Array.from({ length: 3 + Math.floor(rand() * 4) }, (_, i) => ({
      id: `c${i + 1}`, label: pick(CHECKS), done: status === 'done' || rand() < 0.3, by: field, at: new Date(createdAt + i * 60_000).toISOString(),
    }));
    const notes = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) => ({
      id: `n${i + 1}`, text: pick(NOTES), by: i === 0 ? lead : field, at: new Date(createdAt + i * 3_600_000).toISOString(),
    }));
    const readings = Array.from({ length: Math.floor(rand() * 3) }, (_, i) => {
      const [label, unit] = pick(UNITS);
      return { id: `r${i + 1}`, label, value: Math.round(rand() * 1000) / 10, unit, by: field, at: new Date(createdAt + i * 600_000).toISOString() };
    });
    const title = `${pick(TASKS)} ${pick(ASSETS)}`;
    docs.push({
      _id: id('job', createdAt), type: 'job', team, schema: 1,
      title,
      siteId: pick(sitesByTeam.get(team) ?? []),
      status,
      priority: 1 + Math.floor(rand() * 4),
      assignee: status === 'open' ? null : field,
      due: new Date(createdAt + (3 + Math.floor(rand() * 30)) * DAY).toISOString().slice(0, 10),
      description: `${title}. ${pick(NOTES)} ${pick(NOTES)} Report any defects with photos and readings before leaving the site.`,
      checklist, notes, readings,
      location: null,
      photos: [],
      createdAt: new Date(createdAt).toISOString(), createdBy: lead,
      updatedAt: new Date(createdAt).toISOString(), updatedBy: lead,
      clock: Object.fromEntries(['title', 'siteId', 'status', 'priority', 'assignee', 'due', 'description', 'location'].map((f) => [f, stamp])),
    });
  }
  return docs;
}
