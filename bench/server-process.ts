/**
 * The embedded server in its own process for `npm run bench`, as CouchDB would be: the simulated devices and the
 * benchmark's own bookkeeping never share its event loop. It stores on disk (leveldb, in a temporary directory
 * removed on exit) as a real server does: with memory storage every document lives in the server's JS heap, and
 * garbage collection then slows each request as the database grows. Prints one JSON line {url, admin}, then
 * serves until its parent closes stdin or sends SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setMaxListeners } from 'node:events';
import { startEmbeddedServer } from '../couch-config/server/index';

// Fifty devices in one process (and their feeds on the server) are many listeners on purpose, not a leak.
setMaxListeners(0);

const storage = process.env.OUTPOST_BENCH_STORAGE === 'memory' ? 'memory' : 'leveldb';
const dataDir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-server-'));
const server = await startEmbeddedServer({ storage, dataDir, port: 0, quiet: true });
process.stdout.write(`${JSON.stringify({ url: server.url, admin: server.admin })}\n`);
const stop = async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
