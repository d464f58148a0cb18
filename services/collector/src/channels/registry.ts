import type { Redis } from 'ioredis';
import { z } from 'zod';

// The channel registry in Redis. One hash of entries (by lower-case username), one hash of cursors
// (by channel id: the last message id safely on the queue) and one of last-seen times. Cursors only
// ever move forward, atomically, so two collectors or a late batch cannot move one back.

export const channelSource = z.enum(['telegram', 'web']);
export type ChannelSource = z.infer<typeof channelSource>;

export const usernamePattern = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

export const channelEntry = z.object({
  username: z.string().regex(usernamePattern),
  source: channelSource,
  /** Marked channel id ("-100…"), known once resolved (or seen on the web preview). */
  id: z.string().optional(),
  title: z.string().optional(),
  /** Access hashes are per account: account id → access hash. */
  access: z.record(z.string(), z.string()).default({}),
  /** Whether the account has joined it: only joined channels get push updates. */
  joined: z.boolean().optional(),
  status: z.enum(['pending', 'ok', 'invalid']).default('pending'),
  error: z.string().optional(),
  addedAt: z.string(),
  resolvedAt: z.string().optional(),
});
export type ChannelEntry = z.infer<typeof channelEntry>;

/** How complete a channel's collection is: what `cw channels status` shows. */
export type ChannelHealth = {
  lastCatchUpAt?: string;
  /** Updates found by catch-up that push had not delivered (edits, deletions, new posts). */
  gapsFound: number;
  /** Of those, the ones put on the queue. */
  gapsFilled: number;
  /** Catch-ups where Telegram said the gap was too long for a difference (history re-read instead). */
  tooLong: number;
  lastError?: string;
  lastErrorAt?: string;
};

export type ChannelView = ChannelEntry & {
  cursor: number;
  lastCollectedAt?: string;
  lastPostAt?: string;
  pts?: number;
  health?: ChannelHealth;
};

export type Keys = { entries: string; cursors: string; seen: string; pts: string; health: string };

export function registryKeys(prefix: string): Keys {
  return {
    entries: `${prefix}:collector:channels`,
    cursors: `${prefix}:collector:cursors`,
    seen: `${prefix}:collector:seen`,
    pts: `${prefix}:collector:pts`,
    health: `${prefix}:collector:health`,
  };
}

/** Normalise `@Name`, `t.me/Name` or `https://t.me/s/Name` to `Name`; undefined when not a username. */
export function parseUsername(input: string): string | undefined {
  const name = input
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/^(t\.me|telegram\.me)\/(s\/)?/, '')
    .replace(/^@/, '')
    .replace(/\/.*$/, '');
  return usernamePattern.test(name) ? name : undefined;
}

// Moves a cursor only forward: KEYS[1] cursors, KEYS[2] seen; ARGV channel id, message id, now, last post.
const ADVANCE = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({lastCollectedAt = ARGV[3], lastPostAt = ARGV[4]}))
if tonumber(ARGV[2]) > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return tonumber(ARGV[2])
end
return current
`;

// Moves a pts only forward: KEYS[1] pts hash; ARGV channel id, pts.
const ADVANCE_PTS = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return tonumber(ARGV[2])
end
return current
`;

export class ChannelRegistry {
  readonly keys: Keys;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = registryKeys(prefix);
  }

  /** Adds channels not yet present; returns the usernames that were new. */
  async add(usernames: string[], source: ChannelSource, now = new Date()): Promise<string[]> {
    const added: string[] = [];
    for (const username of usernames) {
      const entry: ChannelEntry = channelEntry.parse({ username, source, addedAt: now.toISOString() });
      const created = await this.redis.hsetnx(
        this.keys.entries,
        username.toLowerCase(),
        JSON.stringify(entry),
      );
      if (created === 1) added.push(username);
    }
    return added;
  }

  async get(username: string): Promise<ChannelEntry | undefined> {
    const raw = await this.redis.hget(this.keys.entries, username.toLowerCase());
    return raw ? channelEntry.parse(JSON.parse(raw)) : undefined;
  }

  async update(entry: ChannelEntry): Promise<void> {
    await this.redis.hset(
      this.keys.entries,
      entry.username.toLowerCase(),
      JSON.stringify(channelEntry.parse(entry)),
    );
  }

  /** Removes the entry; its cursor stays, so adding the channel again does not collect it twice. */
  async remove(username: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.entries, username.toLowerCase())) === 1;
  }

  async list(): Promise<ChannelView[]> {
    const all = await this.redis.hgetall(this.keys.entries);
    const entries = Object.values(all).map((raw) => channelEntry.parse(JSON.parse(raw)));
    const views: ChannelView[] = [];
    for (const entry of entries) views.push(await this.view(entry));
    return views.sort((a, b) => a.username.localeCompare(b.username));
  }

  async view(entry: ChannelEntry): Promise<ChannelView> {
    if (!entry.id) return { ...entry, cursor: 0 };
    const [cursor, seen, pts, health] = await Promise.all([
      this.redis.hget(this.keys.cursors, entry.id),
      this.redis.hget(this.keys.seen, entry.id),
      this.redis.hget(this.keys.pts, entry.id),
      this.health(entry.id),
    ]);
    const times = seen ? (JSON.parse(seen) as { lastCollectedAt?: string; lastPostAt?: string }) : {};
    return {
      ...entry,
      cursor: Number(cursor ?? 0),
      ...times,
      ...(pts ? { pts: Number(pts) } : {}),
      ...(health ? { health } : {}),
    };
  }

  /** The channel's update position (0 when never caught up). */
  async pts(channelId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.pts, channelId)) ?? 0);
  }

  /** Moves the pts forward (never back); returns the pts after. */
  async advancePts(channelId: string, pts: number): Promise<number> {
    return Number(await this.redis.eval(ADVANCE_PTS, 1, this.keys.pts, channelId, String(pts)));
  }

  async health(channelId: string): Promise<ChannelHealth | undefined> {
    const raw = await this.redis.hget(this.keys.health, channelId);
    return raw ? (JSON.parse(raw) as ChannelHealth) : undefined;
  }

  /** Adds a catch-up's counts (or an error) to the channel's health. One collector per channel
   * (channels are sharded by account), so a read-modify-write is enough. */
  async noteHealth(
    channelId: string,
    change: { at: string; found?: number; filled?: number; tooLong?: boolean; error?: string },
  ): Promise<ChannelHealth> {
    const health: ChannelHealth = (await this.health(channelId)) ?? {
      gapsFound: 0,
      gapsFilled: 0,
      tooLong: 0,
    };
    if (change.error) {
      health.lastError = change.error;
      health.lastErrorAt = change.at;
    } else {
      health.lastCatchUpAt = change.at;
      health.gapsFound += change.found ?? 0;
      health.gapsFilled += change.filled ?? 0;
      if (change.tooLong) health.tooLong += 1;
    }
    await this.redis.hset(this.keys.health, channelId, JSON.stringify(health));
    return health;
  }

  async cursor(channelId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.cursors, channelId)) ?? 0);
  }

  /** Moves the cursor of a channel forward to `messageId` (never back); returns the cursor after. */
  async advance(channelId: string, messageId: number, lastPostAt: string, now = new Date()): Promise<number> {
    const result = await this.redis.eval(
      ADVANCE,
      2,
      this.keys.cursors,
      this.keys.seen,
      channelId,
      String(messageId),
      now.toISOString(),
      lastPostAt,
    );
    return Number(result);
  }

  /** Sets a cursor where there is none yet (e.g. the last message before the backfill date). */
  async initCursor(channelId: string, messageId: number): Promise<void> {
    await this.redis.hsetnx(this.keys.cursors, channelId, String(messageId));
  }
}
