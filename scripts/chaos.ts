/**
 * `npm run chaos [-- --devices K --edits M --seed N --jobs J --timeout S]`: the full chaos run (sync/chaos/run.ts).
 * Prints a summary; exits 1 with the seed on failure, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { ChaosFailure, runChaos } from '../sync/chaos/run';

const USAGE = 'usage: npm run chaos -- [--devices K (field devices, default 5)] [--edits M (per device, default 200)] [--seed N] [--jobs J (per team, default 4)] [--timeout S (convergence, default 180)] [--no-restart]';

function positiveInt(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      devices: { type: 'string' }, edits: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' },
      timeout: { type: 'string' }, 'no-restart': { type: 'boolean' }, help: { type: 'boolean' },
    },
  }));
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

// Ctrl-C: exit through 'exit', so the server child process is killed too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

try {
  const timeout = positiveInt('timeout', values.timeout, 180);
  const summary = await runChaos({
    devices: positiveInt('devices', values.devices, 5),
    edits: positiveInt('edits', values.edits, 200),
    seed: positiveInt('seed', values.seed, undefined),
    jobsPerTeam: positiveInt('jobs', values.jobs, 4),
    convergeTimeoutMs: (timeout ?? 180) * 1_000,
    restartServer: !values['no-restart'],
    log: (line) => console.log(`[chaos] ${line}`),
  });
  const faults = Object.entries(summary.faults).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(
    [
      `chaos: passed (seed ${summary.seed})`,
      `  devices           ${summary.mix.length}: ${summary.mix.join(', ')}`,
      `  edits made        ${summary.edits}`,
      `  conflicts resolved ${summary.conflictsResolved} (${summary.auditDocs} audit docs)`,
      `  faults injected   ${Object.values(summary.faults).reduce((a, b) => a + b, 0)} (${faults}); offline periods ${summary.offlinePeriods}`,
      `  server restarts   ${summary.serverRestarts}`,
      `  re-logins         ${summary.relogins}; stuck errors resumed ${summary.stuckErrors}`,
      `  rejected writes   ${summary.rejectedWrites}; HTTP 5xx ${summary.http5xx}`,
      `  edits lost        ${summary.editsLost}`,
      `  converged in      ${(summary.convergeMs / 1000).toFixed(1)} s after healing`,
      `  duration          ${(summary.durationMs / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
  process.exit(0);
} catch (err) {
  console.error(err instanceof ChaosFailure ? err.message : err);
  process.exit(1);
}
