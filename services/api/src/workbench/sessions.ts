import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '@cw/redis';

// Sign-in links and workbench sessions. A holder of an API key asks for a one-time sign-in token
// (POST /v1/sign-in-links); the token goes in a link's #fragment (so it reaches neither server logs
// nor Referer headers), and the page trades it once for a session token (POST /v1/sessions) that
// then authenticates as that key's name. Neither token is the key, so the key never sits in a URL
// or browser history. Only hashes are stored.
//
// With Redis (every API started by main) both live there, so a link printed by one replica is
// redeemed on another and a session survives a restart; without it (tests of one app) they live in
// this process's memory.

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Redis could not be asked: the caller answers 503, not 401 (which would sign the page out). */
export class SessionStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`sign-in sessions unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'SessionStoreUnavailableError';
  }
}

type Entry = { name: string; expiresAt: number };

/** Where entries are kept: `take` reads and removes in one step, so a link is traded once. */
type Backend = {
  put(key: string, entry: Entry, ttlMs: number): Promise<void>;
  get(key: string): Promise<Entry | undefined>;
  take(key: string): Promise<Entry | undefined>;
};

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const MAX_ENTRIES = 10_000;

export function createSessionStore(
  options: {
    /** Shared store for several replicas; without it, this process's memory. */
    redis?: Redis | undefined;
    /** Key prefix in Redis: `<prefix>:api-session:{link,session}:<sha256>`. */
    keyPrefix?: string;
    linkTtlMs?: number;
    sessionTtlMs?: number;
    now?: () => number;
  } = {},
) {
  const linkTtlMs = options.linkTtlMs ?? 10 * 60_000;
  const sessionTtlMs = options.sessionTtlMs ?? 12 * 3600_000;
  const now = options.now ?? Date.now;
  const backend = options.redis
    ? redisBackend(options.redis, `${options.keyPrefix ?? 'cw'}:api-session:`)
    : memoryBackend(now);
  const live = (entry: Entry | undefined) => (entry && entry.expiresAt > now() ? entry : undefined);

  return {
    /** A one-time token for the key `name`, valid for linkTtlMs. */
    async createLink(name: string) {
      const token = `cwl_${randomBytes(24).toString('base64url')}`;
      const expiresAt = now() + linkTtlMs;
      await backend.put(`link:${hash(token)}`, { name, expiresAt }, linkTtlMs);
      return { token, expiresAt: new Date(expiresAt).toISOString() };
    },
    /** Trades a link token for a session; a used, expired or unknown token gives undefined. */
    async exchange(token: string) {
      const link = live(await backend.take(`link:${hash(token)}`));
      if (!link) return undefined;
      const session = `cws_${randomBytes(24).toString('base64url')}`;
      const expiresAt = now() + sessionTtlMs;
      await backend.put(`session:${hash(session)}`, { name: link.name, expiresAt }, sessionTtlMs);
      return { session, name: link.name, expiresAt: new Date(expiresAt).toISOString() };
    },
    /** The key name a session token stands for, while it lasts. */
    async authenticate(header: string | undefined): Promise<string | undefined> {
      const match = /^Bearer\s+(cws_[A-Za-z0-9_-]{1,64})\s*$/i.exec(header ?? '');
      if (!match?.[1]) return undefined;
      return live(await backend.get(`session:${hash(match[1])}`))?.name;
    },
  };
}

// GET and DEL in one script: two replicas trading the same token at once cannot both get it (GETDEL
// would do, but needs Redis 6.2; Debian bullseye has 6.0).
const TAKE = "local v = redis.call('GET', KEYS[1]) if v then redis.call('DEL', KEYS[1]) end return v";

function redisBackend(redis: Redis, prefix: string): Backend {
  const parse = (value: unknown): Entry | undefined => {
    if (typeof value !== 'string') return undefined;
    const entry = JSON.parse(value) as Partial<Entry>;
    return typeof entry.name === 'string' && typeof entry.expiresAt === 'number'
      ? { name: entry.name, expiresAt: entry.expiresAt }
      : undefined;
  };
  const guarded = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw new SessionStoreUnavailableError(err);
    }
  };
  return {
    put: (key, entry, ttlMs) =>
      guarded(async () => {
        // Redis drops the entry when it expires: nothing to sweep, and memory stays bounded.
        await redis.set(prefix + key, JSON.stringify(entry), 'PX', Math.max(1, Math.ceil(ttlMs)));
      }),
    get: (key) => guarded(async () => parse(await redis.get(prefix + key))),
    take: (key) => guarded(async () => parse(await redis.eval(TAKE, 1, prefix + key))),
  };
}

function memoryBackend(now: () => number): Backend {
  const entries = new Map<string, Entry>();
  const sweep = () => {
    const t = now();
    for (const [k, v] of entries) if (v.expiresAt <= t) entries.delete(k);
    // A flood of links must not grow memory without bound: the oldest go first.
    while (entries.size >= MAX_ENTRIES) {
      const first = entries.keys().next().value;
      if (first === undefined) break;
      entries.delete(first);
    }
  };
  return {
    async put(key, entry) {
      sweep();
      entries.set(key, entry);
    },
    async get(key) {
      return entries.get(key);
    },
    async take(key) {
      const entry = entries.get(key);
      entries.delete(key);
      return entry;
    },
  };
}
