import { createHash, randomBytes } from 'node:crypto';

// Sign-in links and workbench sessions, kept in this process's memory. A holder of an API key asks
// for a one-time sign-in token (POST /v1/sign-in-links); the token goes in a link's #fragment (so
// it reaches neither server logs nor Referer headers), and the page trades it once for a session
// token (POST /v1/sessions) that then authenticates as that key's name. Neither token is the key,
// so the key never sits in a URL or browser history. Only hashes are stored. Behind several API
// replicas a link works on the replica that made it; a restart ends every session.

export type SessionStore = ReturnType<typeof createSessionStore>;

type Entry = { name: string; expiresAt: number };

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const MAX_ENTRIES = 10_000;

export function createSessionStore(
  options: { linkTtlMs?: number; sessionTtlMs?: number; now?: () => number } = {},
) {
  const linkTtlMs = options.linkTtlMs ?? 10 * 60_000;
  const sessionTtlMs = options.sessionTtlMs ?? 12 * 3600_000;
  const now = options.now ?? Date.now;
  const links = new Map<string, Entry>();
  const sessions = new Map<string, Entry>();

  const sweep = (map: Map<string, Entry>) => {
    const t = now();
    for (const [k, v] of map) if (v.expiresAt <= t) map.delete(k);
    // A flood of links must not grow memory without bound: the oldest go first.
    while (map.size >= MAX_ENTRIES) {
      const first = map.keys().next().value;
      if (first === undefined) break;
      map.delete(first);
    }
  };

  return {
    /** A one-time token for the key `name`, valid for linkTtlMs. */
    createLink(name: string) {
      sweep(links);
      const token = `cwl_${randomBytes(24).toString('base64url')}`;
      const expiresAt = now() + linkTtlMs;
      links.set(hash(token), { name, expiresAt });
      return { token, expiresAt: new Date(expiresAt).toISOString() };
    },
    /** Trades a link token for a session; a used, expired or unknown token gives undefined. */
    exchange(token: string) {
      const key = hash(token);
      const link = links.get(key);
      links.delete(key);
      if (!link || link.expiresAt <= now()) return undefined;
      sweep(sessions);
      const session = `cws_${randomBytes(24).toString('base64url')}`;
      const expiresAt = now() + sessionTtlMs;
      sessions.set(hash(session), { name: link.name, expiresAt });
      return { session, name: link.name, expiresAt: new Date(expiresAt).toISOString() };
    },
    /** The key name a session token stands for, while it lasts. */
    authenticate(header: string | undefined): string | undefined {
      const match = /^Bearer\s+(cws_[A-Za-z0-9_-]{1,64})\s*$/i.exec(header ?? '');
      if (!match?.[1]) return undefined;
      const entry = sessions.get(hash(match[1]));
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        sessions.delete(hash(match[1]));
        return undefined;
      }
      return entry.name;
    },
  };
}
