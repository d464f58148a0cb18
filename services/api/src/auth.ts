import { createHash, timingSafeEqual } from 'node:crypto';

// API keys are bearer tokens; only their sha256 hashes are configured (CW_API_KEYS), so the config
// and its logs never hold a usable key. The key's name identifies the caller in logs and limits.

export type ApiKey = { name: string; hash: Buffer };

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `name:hex,hex2,…`: a bare hash gets the name `key-<first 8 hex>`. */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      const hex = (at >= 0 ? entry.slice(at + 1) : entry).toLowerCase();
      const name = at >= 0 ? entry.slice(0, at) : `key-${hex.slice(0, 8)}`;
      return { name, hash: Buffer.from(hex, 'hex') };
    });
}

/** The name of the key the header carries, or undefined; every configured hash is compared. */
export function authenticate(header: string | undefined, keys: readonly ApiKey[]): string | undefined {
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const hash = createHash('sha256').update(match[1], 'utf8').digest();
  let found: string | undefined;
  for (const key of keys) {
    if (key.hash.length === hash.length && timingSafeEqual(key.hash, hash)) found ??= key.name;
  }
  return found;
}
