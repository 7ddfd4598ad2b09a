/**
 * A small seeded chaos run (sync/chaos/run.ts): a lead and two field workers' devices, 25 edits each, with faults,
 * offline periods and one server kill; afterwards every replica equals the server and no edit is lost. The full
 * size is `npm run chaos`.
 */
import { expect, it } from 'vitest';
import { runChaos } from './run';

it('devices converge with no edit lost through faults, offline periods and a server restart', async () => {
  const summary = await runChaos({ devices: 2, edits: 25, seed: 20261123, jobsPerTeam: 3, convergeTimeoutMs: 90_000 });
  expect(summary.editsLost).toBe(0);
  expect(summary.http5xx).toBe(0);
  expect(summary.rejectedWrites).toBe(0);
  expect(summary.serverRestarts).toBe(1);
  expect(summary.edits).toBeGreaterThan(0);
}, 180_000);
