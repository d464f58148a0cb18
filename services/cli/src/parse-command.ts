import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CommandIo } from './main.ts';

type Config = { options: NonNullable<ParseArgsConfig['options']>; allowPositionals?: boolean };
type Parsed<C extends Config> = ReturnType<typeof parseArgs<C & { args: string[] }>>;

/** Every command takes `--help` / `-h`; callers do not list it. */
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * A command's arguments, read the way every command reads them: a wrong option prints the error and
 * the usage (exit code 2), `--help` prints the usage (exit code 0); either way a number comes back.
 */
export function parseCommand<C extends Config>(
  name: string,
  usage: string,
  args: string[],
  config: C,
  io: CommandIo,
): Parsed<C> | number {
  let parsed: Parsed<C>;
  try {
    parsed = parseArgs({ ...config, options: { ...config.options, ...HELP }, args }) as Parsed<C>;
  } catch (err) {
    io.stderr.write(`cw ${name}: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: unknown }).help) {
    io.stdout.write(usage);
    return 0;
  }
  return parsed;
}
