/**
 * `npm run server`: the embedded CouchDB-compatible server on its own (leveldb under .outpost/ by default).
 * For development and CI only. Options come from the environment: COUCH_PORT, OUTPOST_DATA_DIR,
 * COUCH_ADMIN_USER / COUCH_ADMIN_PASSWORD, OUTPOST_STORAGE=memory.
 */
import { startEmbeddedServer } from './index';

const storage = process.env.OUTPOST_STORAGE === 'memory' ? 'memory' : 'leveldb';
// A dev server keeps serving: a stray rejection deep in a library is reported, not fatal.
process.on('unhandledRejection', (reason) => {
  console.error(`Outpost embedded server: unexpected error, still running: ${reason instanceof Error ? reason.message : String(reason)}`);
});

try {
  const server = await startEmbeddedServer({ storage });
  console.log(`Admin: ${server.admin.user} (password in .outpost/secrets.json unless COUCH_ADMIN_PASSWORD is set). Ctrl-C stops.`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
