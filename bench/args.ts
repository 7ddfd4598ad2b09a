/** `npm run bench` flags. `--smoke` picks tiny sizes (every scenario runs, numbers mean nothing). */
export interface BenchOptions {
  jobs: number;
  runs: number;
  large: number;
  largeRuns: number;
  edits: number;
  reconnectRuns: number;
  conflicts: number;
  conflictRuns: number;
  devices: number;
  /** Devices per team in the many-teams live run (`devices` must be a multiple). */
  teamSize: number;
  seconds: number;
  queries: number;
  batch: number | undefined;
  bundleFrom: 'build' | 'dist';
  only: ReadonlySet<Scenario>;
  /** Initial-sync contenders to run (all by default); for quick comparisons while tuning. */
  contenders: ReadonlySet<InitialContender>;
  smoke: boolean;
  write: boolean;
  /** Also profile one Outpost initial sync (Chromium CPU profiler). */
  profile: boolean;
}

export const SCENARIOS = ['initial', 'large', 'reconnect', 'conflicts', 'query', 'live', 'bundle'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** Initial-sync contenders, in their default order: Outpost, the peer, the limit, Outpost on the idb adapter. */
export const INITIAL_CONTENDERS = ['outpost', 'peer', 'limit', 'outpost-idb'] as const;
export type InitialContender = (typeof INITIAL_CONTENDERS)[number];
const CONTENDERS: readonly string[] = INITIAL_CONTENDERS;

export const USAGE = `Usage: npm run bench -- [--smoke] [--only ${SCENARIOS.join(',')}] [--jobs 10000] [--runs 5]
  [--large 50000] [--large-runs 1] [--edits 500] [--reconnect-runs 3] [--conflicts 1000] [--conflict-runs 3]
  [--devices 50] [--team-size 5] [--seconds 30] [--queries 50] [--batch <initial-sync batch size>]
  [--contenders outpost,peer,limit,outpost-idb] [--bundle-from build|dist] [--no-write] [--profile]`;

const FULL = { jobs: 10_000, runs: 5, large: 50_000, largeRuns: 1, edits: 500, reconnectRuns: 3, conflicts: 1000, conflictRuns: 3, devices: 50, teamSize: 5, seconds: 30, queries: 50 };
const SMOKE = { jobs: 300, runs: 1, large: 600, largeRuns: 1, edits: 20, reconnectRuns: 1, conflicts: 30, conflictRuns: 1, devices: 4, teamSize: 2, seconds: 3, queries: 10 };
const NUMERIC: Record<string, keyof typeof FULL> = {
  '--jobs': 'jobs', '--runs': 'runs', '--large': 'large', '--large-runs': 'largeRuns', '--edits': 'edits', '--reconnect-runs': 'reconnectRuns',
  '--conflicts': 'conflicts', '--conflict-runs': 'conflictRuns', '--devices': 'devices', '--team-size': 'teamSize', '--seconds': 'seconds', '--queries': 'queries',
};

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): BenchOptions {
  const smoke = argv.includes('--smoke');
  const sizes = { ...(smoke ? SMOKE : FULL) };
  let only = new Set<Scenario>(SCENARIOS);
  let bundleFrom: BenchOptions['bundleFrom'] = smoke ? 'dist' : 'build';
  let batch: number | undefined;
  let write = true;
  let profile = false;
  let contenders = new Set<InitialContender>(INITIAL_CONTENDERS);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--smoke') continue;
    if (flag === '--no-write') {
      write = false;
      continue;
    }
    if (flag === '--profile') {
      profile = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new UsageError(`${flag} wants a value`);
    i++;
    const key = NUMERIC[flag];
    if (key || flag === '--batch') {
      const n = Number(value);
      const zeroOk = flag === '--large';
      if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) throw new UsageError(`${flag} wants a ${zeroOk ? 'whole number (0 skips it)' : 'positive whole number'}, got "${value}"`);
      if (key) sizes[key] = n;
      else batch = n;
    } else if (flag === '--only') {
      const wanted = value.split(',').filter(Boolean);
      const unknown = wanted.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
      if (unknown.length || wanted.length === 0) throw new UsageError(`--only: unknown scenario "${unknown.join(',') || value}"; pick from ${SCENARIOS.join(', ')}`);
      only = new Set(wanted as Scenario[]);
    } else if (flag === '--contenders') {
      const wanted = value.split(',').filter(Boolean);
      const unknown = wanted.filter((c) => !CONTENDERS.includes(c));
      if (unknown.length || wanted.length === 0) throw new UsageError(`--contenders: unknown "${unknown.join(',') || value}"; pick from ${CONTENDERS.join(', ')}`);
      contenders = new Set(wanted as InitialContender[]);
    } else if (flag === '--bundle-from') {
      if (value !== 'build' && value !== 'dist') throw new UsageError(`--bundle-from wants build or dist, got "${value}"`);
      bundleFrom = value;
    } else {
      throw new UsageError(`unknown flag ${flag}`);
    }
  }
  if (sizes.large === 0) only.delete('large');
  if (only.has('live') && sizes.devices % sizes.teamSize !== 0) throw new UsageError(`--team-size: ${sizes.devices} devices do not split into teams of ${sizes.teamSize}; pick a divisor of --devices`);
  return { ...sizes, batch, bundleFrom, only, contenders, smoke, write, profile };
}
