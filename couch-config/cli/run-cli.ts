/** Runs the `couch` CLI in a child process against a server in this test's process (which must keep answering). */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');

export interface CliServer {
  readonly url: string;
  readonly admin: { readonly user: string; readonly password: string };
}

export function runCli(server: CliServer, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, MAIN, ...args], {
      env: { ...process.env, COUCH_URL: server.url, COUCH_ADMIN_USER: server.admin.user, COUCH_ADMIN_PASSWORD: server.admin.password },
      timeout: 60_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
