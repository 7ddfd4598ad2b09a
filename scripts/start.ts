/**
 * `npm start`: the embedded server with the demo data, and the app on http://127.0.0.1:8080.
 * Data stays under .outpost/ (git-ignored) between runs. Ctrl-C stops everything.
 */
import { startOutpost } from './outpost';

// A dev server keeps serving: a stray rejection deep in a library is reported, not fatal.
process.on('unhandledRejection', (reason) => {
  console.error(`Outpost: unexpected error, still running: ${reason instanceof Error ? reason.message : String(reason)}`);
});

try {
  const outpost = await startOutpost({ storage: 'leveldb' });
  const rows = outpost.demoUsers.map((u) => `  ${u.name.padEnd(6)} ${u.role.padEnd(5)} ${u.team ?? 'all teams (HQ)'}`);
  console.log(
    [
      '',
      `Outpost is running: ${outpost.appUrl}`,
      `Database (embedded CouchDB-compatible server, dev only): ${outpost.couchUrl}`,
      '',
      `Demo logins (password for all: ${outpost.demoUsers[0]?.password}):`,
      ...rows,
      '',
      `Admin: ${outpost.admin.user} — password in .outpost/secrets.json. Ctrl-C stops.`,
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Outpost…');
    await outpost.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  console.error(`Outpost could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
