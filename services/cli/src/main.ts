// The operator CLI: `pnpm -s cw <command> [args]`. Each command lives in commands/<name>.ts and
// exports `run(args, io)`, returning the exit code; only the one asked for is loaded.

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export type CommandIo = {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
};

const COMMANDS: Record<string, string> = {
  stack: 'start, stop or inspect the local Redis and Elasticsearch (up | down | status)',
  demo: 'run the whole pipeline on generated sample channels and print a report',
  run: 'run one service in the foreground (collector | pipeline | api | scheduler)',
  tag: 'JSONL in on stdin, JSONL out with lang, narratives, evidence and fingerprint',
  eval: 'score language or narrative tagging on a labelled JSONL file (lang | narratives <file>)',
  channels: 'manage the channel registry (add | list | remove)',
  import: 'ingest a Telegram Desktop export (result.json)',
  replay: 'replay a JSONL file of collected posts onto the queue',
  backfill: 'walk channel history from the cursors',
  collect: 'collect once from every registered channel',
  'replay-failed': 're-enqueue batches that exhausted their retries',
  retag: 're-tag indexed posts with the current narrative definitions and classifier',
  narratives: 'train the narrative classifiers (train) or score them on the corpus test split (eval)',
  digest: 'build the daily digest on demand (--date YYYY-MM-DD)',
  alerts: 'evaluate spikes now (alerts check), or the daily slow-rise check (alerts trends)',
  deliveries: 'the webhook outbox: list messages per target, retry failed ones (list | retry)',
  feedback: "export analysts' verdicts on narrative tags as corpus passages (feedback export)",
  retention: 'drop monthly posts and versions indices older than CW_RETENTION_MONTHS (--dry-run)',
  snapshot: 'snapshots to the filesystem repository (create | restore | list)',
  telegram: 'interactive Telegram login that prints a session string (telegram login)',
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
  return `usage: pnpm -s cw <command> [args]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return name ? 0 : 2;
  }
  const file = new URL(`./commands/${name}.ts`, import.meta.url);
  if (!(name in COMMANDS) || !existsSync(file)) {
    io.stderr.write(`cw: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = (await import(file.href)) as {
    run: (args: string[], io: CommandIo) => Promise<number>;
  };
  return command.run(args, io);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  main(process.argv.slice(2), io).then(
    // A finished command exits even if a client library still holds a socket or a timer.
    (code) => process.exit(code),
    (err: unknown) => {
      // A config error or another expected failure carries its own one-line message.
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`cw: ${message}\n`);
      // Config errors are expected and speak for themselves; anything else shows where it came from.
      if (err instanceof Error && err.name !== 'ConfigError' && err.stack)
        process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    },
  );
}
