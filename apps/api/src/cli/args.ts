import { parseArgs as parseCommandLine, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--name value`, `--name=value` and bare `--flag` (the names in `booleanFlags`); anything after
 * `--` is positional. Every other `--name` takes a value: each command reads its own flags, so the
 * parser does not need a list of them, and a new command's flag works without touching this file.
 */
export function parseArgs(argv: string[], booleanFlags: string[] = []): ParsedArgs {
  const options: Options = {};
  for (const name of booleanFlags) options[name] = { type: 'boolean' };
  // A lenient pass only to learn which names appear; the strict pass below does the parsing.
  const { tokens: named } = parseCommandLine({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of named) if (t.kind === 'option' && !(t.name in options)) options[t.name] = { type: 'string' };
  const { tokens } = parseCommandLine({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    const takesValue = t.kind === 'option' && options[t.name]?.type === 'string';
    if (takesValue && (t.value === undefined || (!t.inlineValue && t.value.startsWith('--')))) {
      throw new UsageError(`${t.rawName} needs a value`);
    }
  }
  try {
    const { values, positionals } = parseCommandLine({ args: argv, options, strict: true, allowPositionals: true });
    const flags: Record<string, string | boolean> = {};
    for (const [name, value] of Object.entries(values)) if (typeof value === 'string' || typeof value === 'boolean') flags[name] = value;
    return { positionals, flags };
  } catch (err) {
    // node:util explains over several lines; a usage error prints one, then the usage.
    throw new UsageError(String((err as Error).message).split('\n')[0]);
  }
}

export function requireFlag(args: ParsedArgs, name: string): string {
  const v = args.flags[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v;
}
