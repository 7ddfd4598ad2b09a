/**
 * The embedded server as a real child process (`couch-config/server/cli.ts` under tsx) with leveldb storage in a
 * data directory, so the chaos run can SIGKILL it mid-write and start it again on the same port and data: what a
 * crashed or OOM-killed server does to devices. The admin and the cookie secret live in `<dataDir>/secrets.json`,
 * written here first, so sessions survive the restart as they do on a real server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateSecrets } from '../../couch-config/server/secrets';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOST = '127.0.0.1';

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly admin: { user: string; password: string };
  /** SIGKILL, then start again on the same port and data directory; resolves once `/_up` answers. */
  killAndRestart(): Promise<void>;
  restarts(): number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, HOST, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitUp(url: string, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server process exited with ${child.exitCode}: ${stderr().slice(-2000)}`);
    try {
      const res = await fetch(`${url}/_up`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server on ${url} did not answer /_up within ${timeoutMs} ms: ${stderr().slice(-2000)}`);
}

export async function startServerProcess(opts: { dataDir: string; startTimeoutMs?: number }): Promise<ServerProcess> {
  const secrets = loadOrCreateSecrets(opts.dataDir, {});
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, COUCH_PORT: String(port), OUTPOST_DATA_DIR: opts.dataDir, OUTPOST_STORAGE: 'leveldb' };
  delete env.COUCH_ADMIN_USER;
  delete env.COUCH_ADMIN_PASSWORD;
  let child: ChildProcess | null = null;
  let restarts = 0;
  let errText = '';

  const launch = async () => {
    errText = '';
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'couch-config/server/cli.ts')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (chunk: Buffer) => {
      errText = (errText + chunk.toString()).slice(-8_000);
    });
    child = proc;
    // The server must not outlive the run, even when the run dies of an uncaught error.
    const killOnExit = () => proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    proc.once('exit', () => process.off('exit', killOnExit));
    await waitUp(url, proc, () => errText, opts.startTimeoutMs ?? 60_000);
  };
  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };

  await launch();
  return {
    url,
    port,
    admin: { user: secrets.adminUser, password: secrets.adminPassword },
    async killAndRestart() {
      await kill();
      restarts++;
      await launch();
    },
    restarts: () => restarts,
    close: kill,
  };
}
