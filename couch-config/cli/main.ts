/**
 * `npm run couch -- <command>`: Outpost's one CLI for the server side. Talks to COUCH_URL (+ admin
 * credentials), or by default to the embedded server. Exit codes: 0 ok, 1 failure or high finding, 2 usage.
 */
import { CouchHttpError } from '../admin-client';
import { ROLES, userNameProblem, teamIdProblem, type Role } from '../model';
import { flagReader, parseArgs, UsageError } from './args';
import { backup, formatBackup } from './backup';
import { checkSecurity, formatFindings } from './check';
import { compactAll, formatCompaction } from './compact';
import { ConnectionError, connectionFromEnv } from './connect';
import { passwordFromFile, promptPassword } from './password';
import { consoleReporter, summarise } from './report';
import { formatRestore, restore } from './restore';
import { DEFAULT_RETENTION_DAYS, formatRetention, runRetention } from './retention';
import { collectStatus, formatStatus, prometheusText } from './status';
import { parseListen, serveMetrics } from './status-exporter';
import { seed } from './seed';
import { addTeam, setup } from './setup';
import { addUser, CommandError, disableUser, setRoles } from './users';

export const USAGE = `Usage: npm run couch -- <command> [options]

Commands:
  setup [--teams a,b]                      create or update everything in couch-config/ (idempotent)
  team add <id>                            add a team: database, security, validation, replications
  user add <name> --role field|lead|hq [--team <id>] [--password-file <file>]
                                           add a user (asks for the password unless --password-file)
  user roles <name> --role field|lead|hq [--team <id>]
                                           change a user's roles (also re-enables a disabled user)
  user disable <name>                      take every role away from a user
  seed --jobs N --teams T|a,b --seed S [--wait]
                                           load deterministic demo jobs through the hub
  check                                    security posture report; exit 1 on a high finding

Operations:
  backup --db <name> --out <file>          stream one database (docs, conflicts, attachments, _security) to gzip NDJSON
  restore --in <file> --db <name> [--force]
                                           restore a backup into an empty or new database, then verify it
  compact                                  compact every Outpost database and its views; sizes before/after
  status [--json | --prometheus [--listen host:port]]
                                           doc counts, sizes, conflicts, replications, how far teams are behind
  retention [--days 90] [--dry-run] [--teams a,b]
                                           retire closed jobs past the window from team databases (the hub keeps them)

Connection: COUCH_URL with COUCH_ADMIN_USER and COUCH_ADMIN_PASSWORD, or by default the embedded server
(127.0.0.1:COUCH_PORT, admin from .outpost/secrets.json). OUTPOST_REPLICATION_URL: the URL a CouchDB node
uses to reach itself for server-side replication (default: COUCH_URL).`;

function roleSpec(flags: ReturnType<typeof flagReader>, name: string): { name: string; role: Role; team: string | null } {
  const nameProblem = userNameProblem(name);
  if (nameProblem) throw new UsageError(nameProblem);
  const role = flags.required('role');
  if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const team = flags.string('team') ?? null;
  if (role === 'hq' && team) throw new UsageError('an hq user has no team: drop --team');
  if (role !== 'hq' && !team) throw new UsageError(`a ${role} needs --team <id>`);
  if (team) {
    const problem = teamIdProblem(team);
    if (problem) throw new UsageError(problem);
  }
  return { name, role: role as Role, team };
}

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['wait', 'help', 'force', 'dry-run', 'json', 'prometheus']));
  const [command, sub, target, ...extra] = args.positionals;
  if (!command || args.flags.has('help') || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const reporter = consoleReporter;
  const replicationUrl = process.env.OUTPOST_REPLICATION_URL || undefined;
  const connect = () => connectionFromEnv().client;

  switch (command) {
    case 'setup': {
      const flags = flagReader(args, ['teams']);
      if (sub) throw new UsageError(`setup takes no arguments, got "${sub}"`);
      const teams = flags.string('teams')?.split(',').map((t) => t.trim()).filter(Boolean) ?? [];
      for (const t of teams) if (teamIdProblem(t)) throw new UsageError(teamIdProblem(t) as string);
      const changes = await setup(connect(), { teams, reporter, replicationUrl });
      reporter.line(summarise(changes));
      return 0;
    }
    case 'team': {
      flagReader(args, []);
      if (sub !== 'add' || !target || extra.length) throw new UsageError('usage: team add <id>');
      const problem = teamIdProblem(target);
      if (problem) throw new UsageError(problem);
      const changes = await addTeam(connect(), target, { reporter, replicationUrl });
      reporter.line(summarise(changes));
      return 0;
    }
    case 'user': {
      if (!target || extra.length) throw new UsageError('usage: user add|roles|disable <name> [options]');
      if (sub === 'add') {
        const flags = flagReader(args, ['role', 'team', 'password-file']);
        const spec = roleSpec(flags, target);
        const file = flags.string('password-file');
        const password = file ? passwordFromFile(file) : await promptPassword(target);
        await addUser(connect(), spec, password);
        reporter.line(`Added ${spec.role} ${spec.name}${spec.team ? ` to team ${spec.team}` : ''}.`);
        return 0;
      }
      if (sub === 'roles') {
        const flags = flagReader(args, ['role', 'team']);
        const spec = roleSpec(flags, target);
        const { before, after } = await setRoles(connect(), spec);
        reporter.line(`Roles of ${spec.name}: [${before.join(', ')}] → [${after.join(', ')}].`);
        return 0;
      }
      if (sub === 'disable') {
        flagReader(args, []);
        const { alreadyDisabled } = await disableUser(connect(), target);
        reporter.line(alreadyDisabled ? `${target} was already disabled. No changes.` : `Disabled ${target}: no roles, no access. Re-enable with: user roles ${target} --role … --team …`);
        return 0;
      }
      throw new UsageError(`unknown user command "${sub}"; use add, roles or disable`);
    }
    case 'seed': {
      const flags = flagReader(args, ['jobs', 'teams', 'seed', 'wait']);
      if (sub) throw new UsageError(`seed takes no arguments, got "${sub}"`);
      const teamsFlag = flags.string('teams') ?? '2';
      const teams = /^\d+$/.test(teamsFlag) ? Number(teamsFlag) : teamsFlag.split(',').map((t) => t.trim());
      if (teams === 0) throw new UsageError('--teams must be at least 1');
      const result = await seed(connect(), {
        jobs: flags.int('jobs', 200, 1),
        teams,
        seed: flags.int('seed', 1),
        waitMs: flags.bool('wait') ? 120_000 : 0,
        reporter,
      });
      reporter.line(`Seeded ${result.written} new docs into the hub for ${result.teams.join(', ')} (${result.skipped} already there).`);
      return 0;
    }
    case 'check': {
      flagReader(args, []);
      if (sub) throw new UsageError(`check takes no arguments, got "${sub}"`);
      const findings = await checkSecurity(connect());
      reporter.line(formatFindings(findings));
      return findings.some((f) => f.severity === 'high') ? 1 : 0;
    }
    case 'backup': {
      const flags = flagReader(args, ['db', 'out']);
      if (sub) throw new UsageError(`backup takes no arguments, got "${sub}"`);
      const result = await backup(connect(), { db: flags.required('db'), out: flags.required('out'), reporter });
      reporter.line(formatBackup(result));
      return 0;
    }
    case 'restore': {
      const flags = flagReader(args, ['in', 'db', 'force']);
      if (sub) throw new UsageError(`restore takes no arguments, got "${sub}"`);
      const result = await restore(connect(), { file: flags.required('in'), db: flags.required('db'), force: flags.bool('force'), reporter });
      reporter.line(formatRestore(result));
      return 0;
    }
    case 'compact': {
      flagReader(args, []);
      if (sub) throw new UsageError(`compact takes no arguments, got "${sub}"`);
      reporter.line(formatCompaction(await compactAll(connect(), { reporter })));
      return 0;
    }
    case 'status': {
      const flags = flagReader(args, ['json', 'prometheus', 'listen']);
      if (sub) throw new UsageError(`status takes no arguments, got "${sub}"`);
      if (flags.bool('json') && flags.bool('prometheus')) throw new UsageError('choose one of --json and --prometheus');
      const listen = flags.string('listen');
      if (listen !== undefined) {
        if (!flags.bool('prometheus')) throw new UsageError('--listen serves metrics: use it with --prometheus');
        const address = parseListen(listen);
        if (!address) throw new UsageError(`--listen must be [host:]port, got "${listen}"`);
        const { url } = await serveMetrics(connect(), address);
        reporter.line(`Serving Outpost metrics on ${url} (Ctrl-C stops).`);
        await new Promise<never>(() => {});
      }
      const status = await collectStatus(connect(), reporter);
      if (flags.bool('json')) reporter.line(JSON.stringify(status, null, 2));
      else if (flags.bool('prometheus')) process.stdout.write(prometheusText(status));
      else reporter.line(formatStatus(status));
      return 0;
    }
    case 'retention': {
      const flags = flagReader(args, ['days', 'dry-run', 'teams']);
      if (sub) throw new UsageError(`retention takes no arguments, got "${sub}"`);
      const teams = flags.string('teams')?.split(',').map((t) => t.trim()).filter(Boolean);
      for (const t of teams ?? []) if (teamIdProblem(t)) throw new UsageError(teamIdProblem(t) as string);
      const result = await runRetention(connect(), { days: flags.int('days', DEFAULT_RETENTION_DAYS, 1), dryRun: flags.bool('dry-run'), teams, reporter });
      reporter.line(formatRetention(result));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`couch: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof CommandError || err instanceof ConnectionError) {
      console.error(`couch: ${err.message}`);
      return 1;
    }
    if (err instanceof CouchHttpError) {
      console.error(`couch: the server refused: ${err.message}`);
      return 1;
    }
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') {
      console.error('couch: cannot reach the server. Is it running? (npm start or npm run server, or check COUCH_URL)');
      return 1;
    }
    console.error(`couch: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
