/** How commands tell the operator what they do: progress on long work, one summary at the end. */

export interface Reporter {
  progress(message: string): void;
  line(message: string): void;
}

export const consoleReporter: Reporter = {
  progress: (message) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${message}`);
    else process.stderr.write(`${message}\n`);
  },
  line: (message) => {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stdout.write(`${message}\n`);
  },
};

export const silentReporter: Reporter = { progress: () => {}, line: () => {} };

export interface Change {
  action: 'created' | 'updated';
  what: string;
}

export function summarise(changes: readonly Change[]): string {
  if (changes.length === 0) return 'No changes: everything was already as configured.';
  const lines = changes.map((c) => `  ${c.action.padEnd(7)} ${c.what}`);
  return [`${changes.length} change${changes.length === 1 ? '' : 's'}:`, ...lines].join('\n');
}
