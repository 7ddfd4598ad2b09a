/**
 * The embedded server in its own process for `npm run bench`, as CouchDB would be: the simulated devices and the
 * benchmark's own bookkeeping never share its event loop. Prints one JSON line {url, admin}, then serves until
 * its parent closes stdin or sends SIGTERM.
 */
import { startEmbeddedServer } from '../couch-config/server/index';
import { setMaxListeners } from 'node:events';

// Fifty devices in one process (and their feeds on the server) are many listeners on purpose, not a leak.
setMaxListeners(0);

const server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
process.stdout.write(`${JSON.stringify({ url: server.url, admin: server.admin })}\n`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
