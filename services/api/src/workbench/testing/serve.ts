import { randomBytes } from 'node:crypto';
import { type Browser, chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../../../tests/support/chromium.ts';
import { freePort } from '../../../../../tests/support/ports.ts';
import { hashApiKey } from '../../auth.ts';
import { main } from '../../main.ts';

// The API as it runs in production (main: config, bundle build, server), on a free loopback port,
// and Debian's Chromium driven by playwright-core, for the workbench test and bench.

export async function startApi(options: {
  esUrl: string;
  /** Where sign-in links and sessions live (and the rate limits), as in production. */
  redisUrl: string;
  prefix: string;
  cacheDir: string;
  logLevel?: string;
}) {
  const key = `cw_test_${randomBytes(12).toString('hex')}`;
  const port = await freePort();
  const stop = await main(
    {
      CW_ES_URL: options.esUrl,
      CW_REDIS_URL: options.redisUrl,
      CW_INDEX_PREFIX: options.prefix,
      CW_QUEUE_PREFIX: options.prefix,
      CW_API_PORT: String(port),
      CW_API_KEYS: `analyst:${hashApiKey(key)}`,
      CW_CACHE_DIR: options.cacheDir,
      CW_LOG_LEVEL: options.logLevel ?? 'silent',
      CW_API_RATE_LIMIT: '100000',
    },
    { embedded: true },
  );
  const url = `http://127.0.0.1:${port}`;
  /** What a curl user gets: the same endpoint, the same key. */
  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const response = await fetch(url + path, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return { url, key, api, stop };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}
