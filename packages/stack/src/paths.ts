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
    // Per port, so stacks on different ports (a test run beside a demo) never share a pidfile or a
    // data folder (Elasticsearch locks its data folder per node).
    redisData: (port: number) => join(root, 'redis', String(port)),
    redisPid: (port: number) => join(root, 'run', `redis-${port}.pid`),
    redisLog: (port: number) => join(root, 'run', `redis-${port}.log`),
    esHome: (version: string) => join(root, `elasticsearch-${version}`),
    esRoot: join(root, 'elasticsearch'),
    esData: (port: number) => join(root, 'elasticsearch', String(port), 'data'),
    esLogs: (port: number) => join(root, 'elasticsearch', String(port), 'logs'),
    /** Each node's own copy of the distribution's config: nodes bootstrapping one keystore at once race. */
    esConf: (port: number) => join(root, 'elasticsearch', String(port), 'config'),
    esPid: (port: number) => join(root, 'run', `elasticsearch-${port}.pid`),
    esOut: (port: number) => join(root, 'run', `elasticsearch-${port}.out`),
    /** How many nodes `up` started from this base port, so `status` and `down` find them all. */
    esNodesFile: (basePort: number) => join(root, 'run', `elasticsearch-${basePort}.nodes`),
    /** `path.repo` of every local node: the shared filesystem snapshot repositories live under it. */
    esRepo: join(root, 'elasticsearch', 'snapshots'),
  };
}
