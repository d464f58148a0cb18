import { ChannelRegistry, type ChannelView, parseUsername, readSeedFile } from '@cw/collector';
import { serverUrls } from '@cw/config';
import { createRedis } from '@cw/redis';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';

const USAGE = `usage: pnpm -s cw channels add [--web] @name … | add --file channels.yaml | list | status | remove @name …
  add      register channels (source telegram, or the t.me/s web preview with --web)
  list     registered channels with id, title, source, cursor and last-seen times
  status   how complete each channel's collection is: last id, last catch-up, gaps found and
           filled, gaps too long for a catch-up, last error
  remove   unregister channels (their cursors are kept)
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args;
  if (!action || !['add', 'list', 'status', 'remove'].includes(action)) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = cliConfig();
  const redis = createRedis(serverUrls(config).redisUrl, 'client', { enableOfflineQueue: true });
  const registry = new ChannelRegistry(redis, config.CW_QUEUE_PREFIX);
  const say = (line: string) => io.stdout.write(`${line}\n`);
  try {
    if (action === 'list') {
      const channels = await registry.list();
      if (channels.length === 0) say('no channels registered (pnpm -s cw channels add @name)');
      for (const c of channels) {
        const parts = [
          `@${c.username}`.padEnd(34),
          c.source.padEnd(8),
          c.status.padEnd(8),
          (c.id ?? '-').padEnd(16),
          `cursor ${c.cursor}`.padEnd(16),
          `last ${c.lastCollectedAt ?? 'never'}`,
          c.title ? ` ${c.title}` : '',
          c.error ? `  (${c.error})` : '',
        ];
        say(parts.join(' '));
      }
      return 0;
    }
    if (action === 'status') {
      const channels = await registry.list();
      if (channels.length === 0) say('no channels registered (pnpm -s cw channels add @name)');
      else say(statusHeader());
      for (const c of channels) say(statusLine(c));
      return 0;
    }
    let exit = 0;
    if (action === 'add') {
      const file = flagValue(rest, '--file');
      const source = rest.includes('--web') ? 'web' : 'telegram';
      const wanted: { username: string; source: 'telegram' | 'web' }[] = [];
      if (file) {
        const seed = await readSeedFile(file);
        wanted.push(...seed.channels);
        for (const bad of seed.invalid) {
          io.stderr.write(`${bad}: not a Telegram username; skipped\n`);
          exit = 1;
        }
      }
      for (const raw of rest.filter((a, i) => !a.startsWith('--') && rest[i - 1] !== '--file')) {
        const username = parseUsername(raw);
        if (username) wanted.push({ username, source });
        else {
          io.stderr.write(`${raw}: not a Telegram username; skipped\n`);
          exit = 1;
        }
      }
      if (wanted.length === 0 && exit === 0) {
        io.stderr.write(USAGE);
        return 2;
      }
      for (const s of ['telegram', 'web'] as const) {
        const names = wanted.filter((w) => w.source === s).map((w) => w.username);
        const added = new Set(await registry.add(names, s));
        for (const name of names)
          say(added.has(name) ? `added @${name} (${s})` : `@${name} already registered`);
      }
      say('channels are resolved (id, access hash) once, by the collector, at its pace');
      return exit;
    }
    for (const raw of rest) {
      const username = parseUsername(raw);
      if (username && (await registry.remove(username))) say(`removed @${username}`);
      else {
        io.stderr.write(`${raw}: not registered\n`);
        exit = 1;
      }
    }
    return exit;
  } finally {
    redis.disconnect();
  }
}

const COLUMNS = [34, 9, 9, 10, 20, 10, 20, 14, 9] as const;
const row = (cells: string[]) =>
  cells.map((cell, i) => (i < COLUMNS.length ? cell.padEnd(COLUMNS[i] as number) : cell)).join(' ');

function statusHeader(): string {
  return row([
    'channel',
    'source',
    'status',
    'last id',
    'last collected',
    'pts',
    'last catch-up',
    'gaps f/filled',
    'too long',
    'last error',
  ]);
}

/** One channel's completeness: what was collected up to where, what catch-up found and filled. */
export function statusLine(c: ChannelView): string {
  const h = c.health;
  const when = (iso: string | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : 'never');
  return row([
    `@${c.username}`,
    c.source,
    c.status,
    String(c.cursor),
    when(c.lastCollectedAt),
    c.pts ? String(c.pts) : '-',
    c.source === 'web' ? 'n/a (web)' : when(h?.lastCatchUpAt),
    h ? `${h.gapsFound}/${h.gapsFilled}` : '-',
    h ? String(h.tooLong) : '-',
    h?.lastError ? `${when(h.lastErrorAt)} ${h.lastError}` : (c.error ?? ''),
  ]);
}

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
