// Prints the CW_API_KEYS entry for a key: `npx tsx services/api/src/hash-key.ts analyst1 <key>`.
// Without a key, a new random one is made and printed once (store it; only the hash is kept).
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { hashApiKey } from './auth.ts';

export function keyEntry(name: string, key: string): string {
  return `${name}:${hashApiKey(key)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [name = 'analyst', given] = process.argv.slice(2);
  const key = given ?? `cw_${randomBytes(24).toString('base64url')}`;
  if (!given) process.stdout.write(`key (give this to the client): ${key}\n`);
  process.stdout.write(`CW_API_KEYS entry: ${keyEntry(name, key)}\n`);
}
