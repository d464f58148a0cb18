// Brings the local stack up once per test run (or reuses running servers / CW_*_URL), hands the
// addresses to every test file, and at the end stops only what it started itself.
import { connectionSchema, loadConfig, serverUrls } from '@cw/config';
import { ensureEncoder } from '@cw/encoder';
import { stackDown, stackUp } from '@cw/stack';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    esUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const config = loadConfig(connectionSchema, process.env);
  const { redisUrl, esUrl } = serverUrls(config);
  const servers = await stackUp(
    {
      redisUrl: config.CW_REDIS_URL,
      esUrl: config.CW_ES_URL,
      redisPort: config.CW_REDIS_PORT,
      esPort: config.CW_ES_PORT,
      cacheDir: config.CW_CACHE_DIR,
    },
    (line) => console.log(`[stack] ${line}`),
  );
  for (const s of servers) {
    console.log(`[stack] tests run against ${s.name} ${s.version} at ${s.url} (${s.origin}, ${s.health})`);
  }
  // The narrative encoder, once per machine: the classifier tests and the demo test use it.
  console.log(
    `[encoder] ${await ensureEncoder({ cacheDir: config.CW_CACHE_DIR, report: (l) => console.log(`[encoder] ${l}`) })}`,
  );
  project.provide('redisUrl', redisUrl);
  project.provide('esUrl', esUrl);
  const started = servers.filter((s) => s.origin === 'started').map((s) => s.name);
  return async () => {
    if (started.length > 0)
      await stackDown(
        { cacheDir: config.CW_CACHE_DIR, redisPort: config.CW_REDIS_PORT, esPort: config.CW_ES_PORT },
        (l) => console.log(`[stack] ${l}`),
        started,
      );
  };
}
