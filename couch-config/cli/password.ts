/** Reads a password from --password-file or a hidden terminal prompt. Never echoed, never logged. */
import { readFileSync } from 'node:fs';
import { CommandError } from './users';

export function passwordFromFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommandError(`cannot read --password-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (!password) throw new CommandError(`--password-file ${file} is empty; put the password on its first line`);
  return password;
}

function ask(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CommandError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function promptPassword(name: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CommandError('no terminal to ask for the password: give --password-file <file>');
  const first = await ask(`Password for ${name}: `);
  const second = await ask('Again: ');
  if (first !== second) throw new CommandError('the two passwords differ');
  return first;
}
