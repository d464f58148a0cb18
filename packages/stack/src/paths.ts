import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so the CLI works from any working directory. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export type StackPaths = ReturnType<typeof stackPaths>;

export function stackPaths(cacheDir?: string) {
  const root = resolve(cacheDir ?? join(REPO_ROOT, '.cache'));
  return {
    root,
    downloads: join(root, 'downloads'),
    run: join(root, 'run'),
    redisData: join(root, 'redis'),
    redisPid: join(root, 'run', 'redis.pid'),
    redisLog: join(root, 'run', 'redis.log'),
    esHome: (version: string) => join(root, `elasticsearch-${version}`),
    esData: join(root, 'elasticsearch', 'data'),
    esLogs: join(root, 'elasticsearch', 'logs'),
    esPid: join(root, 'run', 'elasticsearch.pid'),
    esOut: join(root, 'run', 'elasticsearch.out'),
  };
}
