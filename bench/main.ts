/**
 * `npm run bench`: Outpost against the targets of ARCHITECTURE §6, each figure beside a baseline measured in the
 * same run. Embedded server on loopback (its own process), headless Chromium for everything that runs on a
 * device, Node devices for live propagation, the deterministic seed. `npm run bench -- --help` for the flags.
 */
import { DEFAULT_SEED_NOW } from '../couch-config/seed';
import { INITIAL_CONTENDERS, parseArgs, USAGE, UsageError, type BenchOptions, type InitialContender } from './args';
import { startBenchBrowser, type BenchBrowser } from './browser';
import { buildAndMeasure, measureDist, type BundleResult } from './bundle';
import { runLive, type LiveResult, type LiveTeam } from './live';
import type { ConflictsResult, InitialResult, QueryResult, ReconnectResult } from './page/index';
import { profileInitial } from './profile';
import { formatTable, machine, median, writeResults, type Row } from './report';
import { startBenchServer, type BenchServer } from './server';
import { setMaxListeners } from 'node:events';

// Fifty devices in one process (and their feeds on the server) are many listeners on purpose, not a leak.
setMaxListeners(0);

const TEAM = 'bench';
const LARGE_TEAM = 'bulk';
const LIVE_TEAM = 'live';
/** Crowd sizes measured before the full one (those below `--devices`). */
const LIVE_LADDER = [10, 20, 30];

let opts: BenchOptions;
try {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (docs: number, ms: number) => Math.round(docs / (ms / 1000));
// Two decimals, or two significant digits for ratios far below 1 (×0.0026 says more than ×0.00).
const x = (r: number) => `×${r >= 0.1 || !Number.isFinite(r) ? r.toFixed(2) : r.toPrecision(2)}`;
const judge = (ok: boolean) => (opts.smoke ? null : ok);

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const medians: Record<string, number> = {};

async function initialRuns(browser: BenchBrowser, team: string, runs: number, contenders: readonly InitialContender[]): Promise<Map<InitialContender, InitialResult[]>> {
  const results = new Map<InitialContender, InitialResult[]>(contenders.map((c) => [c, []]));
  for (let r = 0; r < runs; r++) {
    // Rotate the order so no contender always runs first (cold caches) or last.
    for (const contender of contenders.map((_, i) => contenders[(i + r) % contenders.length] as InitialContender)) {
      const result = await browser.call('initial', contender, team, opts.batch);
      const parts = result.fetchMs === undefined ? '' : ` (in requests ${s(result.fetchMs)}, in bulkDocs ${s(result.storeMs ?? NaN)})`;
      log(`  initial ${team} run ${r + 1}/${runs} ${contender.padEnd(11)} ${s(result.ms)} ${rate(result.docs, result.ms)} docs/s${parts}`);
      results.get(contender)?.push(result);
    }
  }
  return results;
}

const medianMs = (results: InitialResult[] | undefined) => median((results ?? []).map((r) => r.ms));
/**
 * Throughput of `ours` over `theirs`, as the median of the per-run ratios: each run's contenders ran back to
 * back, so a pair shares whatever else the machine was doing at that moment, which a ratio of medians ignores.
 */
const pairedRatio = (theirs: InitialResult[] | undefined, ours: InitialResult[] | undefined) =>
  median((ours ?? []).flatMap((o, i) => {
    const t = theirs?.[i];
    return t ? [t.ms / o.ms] : [];
  }));

async function initialScenario(browser: BenchBrowser, docs: number): Promise<number> {
  log(`Initial sync of ${docs} docs, ${opts.runs} runs…`);
  const results = await initialRuns(browser, TEAM, opts.runs, INITIAL_CONTENDERS.filter((c) => opts.contenders.has(c)));
  raw.initial = Object.fromEntries(results);
  const ms = (c: InitialContender) => medianMs(results.get(c));
  const [ours, peer, limit, idb] = [ms('outpost'), ms('peer'), ms('limit'), ms('outpost-idb')];
  const vsLimit = pairedRatio(results.get('limit'), results.get('outpost'));
  const vsPeer = pairedRatio(results.get('peer'), results.get('outpost'));
  const idbVsIndexeddb = pairedRatio(results.get('outpost'), results.get('outpost-idb'));
  Object.assign(medians, { initialOutpostMs: ours, initialPeerMs: peer, initialLimitMs: limit, initialOutpostIdbMs: idb, initialRatioVsLimit: vsLimit, initialRatioVsPeer: vsPeer });
  const runsNote = `median of ${opts.runs}`;
  rows.push(
    { scenario: `initial sync ${docs} docs vs limit (${runsNote})`, outpost: `${rate(docs, ours)} docs/s`, baseline: `limit ${rate(docs, limit)} docs/s`, ratio: x(vsLimit), target: '≥ ×0.80', met: judge(vsLimit >= 0.8) },
    { scenario: `initial sync ${docs} docs vs PouchDB.replicate`, outpost: `${rate(docs, ours)} docs/s`, baseline: `replicate ${rate(docs, peer)} docs/s`, ratio: x(vsPeer), target: '≥ ×3.50', met: judge(vsPeer >= 3.5) },
    { scenario: 'initial sync: idb adapter instead', outpost: `${rate(docs, idb)} docs/s`, baseline: `indexeddb ${rate(docs, ours)} docs/s`, ratio: x(idbVsIndexeddb), target: 'informative', met: null },
  );
  return rate(docs, ours);
}

async function largeScenario(browser: BenchBrowser, docs: number, rate10k: number): Promise<void> {
  log(`Initial sync of ${docs} docs, ${opts.largeRuns} run(s)…`);
  const results = await initialRuns(browser, LARGE_TEAM, opts.largeRuns, ['outpost', 'limit']);
  raw.large = Object.fromEntries(results);
  const ours = medianMs(results.get('outpost'));
  const limit = medianMs(results.get('limit'));
  const vsLimit = pairedRatio(results.get('limit'), results.get('outpost'));
  medians.largeOutpostMs = ours;
  medians.largeLimitMs = limit;
  const r = rate(docs, ours);
  rows.push(
    { scenario: `initial sync ${docs} docs (${opts.largeRuns} run${opts.largeRuns > 1 ? 's' : ''})`, outpost: `${r} docs/s`, baseline: `Outpost at ${opts.jobs}: ${rate10k} docs/s`, ratio: x(r / rate10k), target: '≥ ×1.00', met: judge(r >= rate10k) },
    { scenario: `initial sync ${docs} docs vs limit`, outpost: `${r} docs/s`, baseline: `limit ${rate(docs, limit)} docs/s`, ratio: x(vsLimit), target: 'informative', met: null },
  );
}

async function reconnectScenario(browser: BenchBrowser, user: string): Promise<void> {
  log(`Reconnect with ${opts.edits} offline edits, ${opts.reconnectRuns} run(s)…`);
  const results: ReconnectResult[] = [];
  for (let r = 0; r < opts.reconnectRuns; r++) {
    const result = await browser.call('reconnect', TEAM, user, opts.edits);
    log(`  run ${r + 1}: ${s(result.ms)} (one _bulk_docs: ${s(result.floorMs)})`);
    results.push(result);
  }
  raw.reconnect = results;
  const ms = median(results.map((r) => r.ms));
  const floor = median(results.map((r) => r.floorMs));
  Object.assign(medians, { reconnectMs: ms, reconnectFloorMs: floor });
  rows.push({ scenario: `${opts.edits} offline edits pushed after reconnect (median of ${opts.reconnectRuns})`, outpost: s(ms), baseline: `one _bulk_docs ${s(floor)}`, ratio: x(ms / floor), target: '≤ 2.00 s', met: judge(ms <= 2000) });
}

async function conflictsScenario(browser: BenchBrowser, user: string): Promise<void> {
  log(`Resolving ${opts.conflicts} conflicted jobs, ${opts.conflictRuns} run(s)…`);
  const results: ConflictsResult[] = [];
  for (let r = 0; r < opts.conflictRuns; r++) {
    const result = await browser.call('conflicts', opts.conflicts, user, TEAM);
    log(`  run ${r + 1}: ${s(result.ms)} (${result.resolved} resolved, ${result.inbox} inbox, ${result.leftConflicted} left; storing the leaves: ${s(result.floorMs)})`);
    if (result.leftConflicted > 0 || result.resolved !== opts.conflicts) throw new Error(`conflicts: ${result.leftConflicted} still conflicted, ${result.resolved}/${opts.conflicts} resolved`);
    results.push(result);
  }
  raw.conflicts = results;
  const ms = median(results.map((r) => r.ms));
  const floor = median(results.map((r) => r.floorMs));
  Object.assign(medians, { conflictsMs: ms, conflictsFloorMs: floor });
  rows.push({ scenario: `${opts.conflicts} conflicts resolved (median of ${opts.conflictRuns})`, outpost: s(ms), baseline: `storing the ${2 * opts.conflicts} leaves ${s(floor)}`, ratio: x(ms / floor), target: '≤ 3.00 s', met: judge(ms <= 3000) });
}

async function queryScenario(browser: BenchBrowser, user: string, jobs: number): Promise<void> {
  log(`Job list over ${jobs} jobs, ${opts.queries} queries…`);
  const baselineCount = Math.min(opts.queries, 20);
  const result: QueryResult = await browser.call('queries', TEAM, user, DEFAULT_SEED_NOW, opts.queries, baselineCount);
  raw.query = result;
  const ms = median(result.ms);
  const find = median(result.findMs);
  Object.assign(medians, { queryMs: ms, queryFindOnlyMs: find, queryPrepareMs: result.prepareMs, queryReloadMs: result.reloadMs });
  log(`  prepare ${s(result.prepareMs)}, on a later start ${s(result.reloadMs)} (allDocs of the jobs: ${s(result.allDocsMs)}); query median ${ms.toFixed(1)} ms (max ${Math.max(...result.ms).toFixed(1)}); find alone median ${find.toFixed(1)} ms`);
  rows.push(
    { scenario: `job list over ${jobs} jobs (median of ${opts.queries})`, outpost: `${ms.toFixed(1)} ms`, baseline: `pouchdb-find alone ${find.toFixed(0)} ms`, ratio: x(ms / find), target: '≤ 50 ms', met: judge(ms <= 50) },
    { scenario: 'job list: first load (builds the index)', outpost: s(result.prepareMs), baseline: '—', ratio: '—', target: 'informative', met: null },
    { scenario: 'job list: load on a later start', outpost: s(result.reloadMs), baseline: `allDocs of the jobs ${s(result.allDocsMs)}`, ratio: x(result.reloadMs / result.allDocsMs), target: 'informative', met: null },
  );
}

/** The teams of the many-teams live run: `--devices` split into teams of `--team-size`. */
const crewTeams = (): string[] => Array.from({ length: opts.devices / opts.teamSize }, (_, i) => `crew${i + 1}`);

async function liveScenario(server: BenchServer): Promise<void> {
  const crews = crewTeams();
  log(`Live propagation: ${opts.devices} devices in ${crews.length} teams of ${opts.teamSize}, then in one team; ${opts.seconds} s each…`);
  const accountsOf = async (team: string, prefix: string, n: number) => {
    const accounts: Array<{ user: string; password: string }> = [];
    for (let i = 0; i < n; i++) accounts.push({ user: `${prefix}${i}`, password: await server.addFieldWorker(`${prefix}${i}`, team) });
    return accounts;
  };
  const oneTeam = await accountsOf(LIVE_TEAM, 'live', opts.devices);
  await server.seedTeam(LIVE_TEAM, 50, 3, 'live0');
  const fleetTeams: LiveTeam[] = [];
  for (const [i, team] of crews.entries()) {
    const accounts = await accountsOf(team, `${team}-field`, opts.teamSize);
    await server.seedTeam(team, 20, 100 + i, accounts[0]?.user ?? '');
    fleetTeams.push({ team, accounts });
  }
  const baseline: LiveResult = await runLive(server, [{ team: LIVE_TEAM, accounts: oneTeam.slice(0, 2) }], Math.min(opts.seconds, 10));
  log(`  2 devices: p50 ${baseline.p50.toFixed(0)} ms, p95 ${baseline.p95.toFixed(0)} ms`);
  const requests = (r: LiveResult) => {
    const total = Object.values(r.requestsPerWrite).reduce((a, b) => a + b, 0);
    return `${total.toFixed(1)} requests per write (${Object.entries(r.requestsPerWrite).map(([kind, n]) => `${kind} ${n}`).join(', ')})`;
  };
  const load = (r: LiveResult) => `server ${r.serverCores === null ? '?' : r.serverCores.toFixed(2)} cores, devices ${r.devicesCores.toFixed(2)} cores, device event-loop delay p99 ${r.eventLoopDelayP99.toFixed(0)} ms; ${requests(r)}`;
  const shape = (r: LiveResult) => (r.devices === r.teamSize ? `${r.devices} devices, one team` : `${r.devices} devices in ${r.devices / r.teamSize} teams of ${r.teamSize}`);
  const report = (r: LiveResult) => {
    log(`  ${shape(r)}: ${r.writes} writes, ${r.samples} samples, ${r.missing} missing; p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, max ${r.max.toFixed(0)} ms`);
    log(`  (${load(r)})`);
  };
  log(`  (${load(baseline)})`);
  const row = (r: LiveResult, target: string, met: boolean | null): Row => ({
    scenario: `live propagation, ${shape(r)} × ${r.seconds} s (one run)`,
    outpost: `p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms`,
    baseline: `2 devices p95 ${baseline.p95.toFixed(0)} ms`,
    ratio: x(r.p95 / baseline.p95),
    target,
    met: met === null ? null : judge(met),
  });

  // The target: a fleet of field teams, each device hearing its own team's writes.
  const fleet: LiveResult = await runLive(server, fleetTeams, opts.seconds);
  report(fleet);
  rows.push(row(fleet, 'p95 ≤ 1000 ms', fleet.p95 <= 1000 && fleet.missing === 0));

  // One team growing: every write reaches every other device, so the work grows with the square of the crowd.
  // Where latency starts to climb shows whether the engine or this machine runs out first (the server and all
  // simulated devices share its cores).
  const ladder: LiveResult[] = [];
  for (const size of LIVE_LADDER.filter((n) => n < opts.devices)) {
    const step = await runLive(server, [{ team: LIVE_TEAM, accounts: oneTeam.slice(0, size) }], Math.min(opts.seconds, 15));
    report(step);
    ladder.push(step);
    rows.push(row(step, 'informative', null));
  }
  const crowd: LiveResult = await runLive(server, [{ team: LIVE_TEAM, accounts: oneTeam }], opts.seconds);
  report(crowd);
  rows.push(row(crowd, 'informative', null));
  raw.live = { baseline, crews: fleet, ladder, crowd };
  // liveP50Ms/liveP95Ms keep their meaning across result files: the crowd of `--devices` in one team.
  Object.assign(medians, { liveTeamsP50Ms: fleet.p50, liveTeamsP95Ms: fleet.p95, liveP50Ms: crowd.p50, liveP95Ms: crowd.p95, liveBaselineP95Ms: baseline.p95 });
}

async function bundleScenario(): Promise<void> {
  log(opts.bundleFrom === 'build' ? 'Building the app into a temporary directory…' : 'Measuring dist/…');
  let result: BundleResult;
  try {
    result = opts.bundleFrom === 'build' ? await buildAndMeasure() : measureDist();
  } catch (err) {
    log(`  bundle: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    rows.push({ scenario: 'initial JS (gzip)', outpost: 'not measured: the build failed', baseline: '—', ratio: '—', target: '≤ 180 KB', met: null });
    return;
  }
  raw.bundle = result;
  const kb = result.initialGzip / 1024;
  medians.initialJsGzipKb = kb;
  rows.push({ scenario: `initial JS, gzip (${result.source})`, outpost: `${kb.toFixed(1)} KB`, baseline: `all JS ${(result.allJsGzip / 1024).toFixed(1)} KB`, ratio: x(kb / 180) + ' of target', target: '≤ 180 KB', met: judge(kb <= 180) });
}

const started = performance.now();
const server = await startBenchServer([TEAM, LARGE_TEAM, ...(opts.only.has('live') ? [LIVE_TEAM, ...crewTeams()] : [])]);
let browser: BenchBrowser | null = null;
try {
  // Live first, on a quiet machine: after the browser scenarios, the server's and the browser's storage engines
  // go on compacting tens of thousands of written documents in the background for minutes.
  if (opts.only.has('live')) await liveScenario(server);
  const needsBrowser = ['initial', 'large', 'reconnect', 'conflicts', 'query'].some((sc) => opts.only.has(sc as never));
  const user = 'bench-field';
  const password = await server.addFieldWorker(user, TEAM);
  let teamDocs = 0;
  if (needsBrowser) {
    log(`Seeding ${opts.jobs} jobs…`);
    teamDocs = await server.seedTeam(TEAM, opts.jobs, 42, user);
    browser = await startBenchBrowser(server.url);
    await browser.call('login', user, password);
  }
  let rate10k = NaN;
  if (browser && opts.only.has('initial')) rate10k = await initialScenario(browser, teamDocs);
  if (browser && opts.profile) {
    const summary = await profileInitial(browser, TEAM, opts.batch);
    raw.profile = summary;
    log(`CPU profile of one Outpost initial sync (${s(summary.totalMs)}), self time:\n${summary.top.map((t) => `  ${String(t.selfMs).padStart(6)} ms  ${t.fn}`).join('\n')}\n  full profile: ${summary.file}`);
  }
  if (browser && opts.only.has('large')) {
    log(`Seeding ${opts.large} jobs…`);
    const largeUser = 'bulk-field';
    const largePassword = await server.addFieldWorker(largeUser, LARGE_TEAM);
    const docs = await server.seedTeam(LARGE_TEAM, opts.large, 43, largeUser);
    await browser.call('login', largeUser, largePassword);
    await largeScenario(browser, docs, rate10k);
    await browser.call('login', user, password);
  }
  if (browser && opts.only.has('reconnect')) await reconnectScenario(browser, user);
  if (browser && opts.only.has('conflicts')) await conflictsScenario(browser, user);
  if (browser && opts.only.has('query')) await queryScenario(browser, user, opts.jobs);
  if (opts.only.has('bundle')) await bundleScenario();

  const problems = [...(browser?.problems ?? [])];
  console.log(`\nOutpost benchmark${opts.smoke ? ' (smoke sizes: the numbers mean nothing)' : ''} — ${machine(browser?.version ?? null).cpu}, ${machine(null).cores} cores; ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(formatTable(rows));
  if (problems.length) console.log(`\nIn the page:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  if (opts.write) {
    const file = writeResults({ smoke: opts.smoke, options: { ...opts, only: [...opts.only] }, machine: machine(browser?.version ?? null), medians, table: rows, runs: raw, pageProblems: problems });
    console.log(`\nEvery run: ${file}`);
  }
} finally {
  await browser?.close();
  await server.close();
}
