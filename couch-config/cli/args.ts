/** A small argv parser: positionals plus `--name value`, `--name=value` and bare boolean `--flag`s. */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], booleanFlags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (name === '') throw new UsageError(`"${arg}" is not an option`);
    if (flags.has(name)) throw new UsageError(`--${name} is given twice`);
    if (eq !== -1) flags.set(name, arg.slice(eq + 1));
    else if (booleanFlags.has(name)) flags.set(name, true);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
      i++;
    }
  }
  return { positionals, flags };
}

/** Checks that only `allowed` flags were given, and returns a typed reader. */
export function flagReader(args: ParsedArgs, allowed: readonly string[]) {
  for (const name of args.flags.keys()) {
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
  }
  return {
    string(name: string): string | undefined {
      const value = args.flags.get(name);
      if (value === true) throw new UsageError(`--${name} needs a value`);
      return value;
    },
    required(name: string): string {
      const value = this.string(name);
      if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
      return value;
    },
    int(name: string, fallback: number, min = 0): number {
      const raw = this.string(name);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, got "${raw}"`);
      return n;
    },
    bool(name: string): boolean {
      return args.flags.get(name) === true || args.flags.get(name) === 'true';
    },
  };
}
