import { rmSync } from 'node:fs';
import { ES_VERSION, esInfo, startElasticsearch } from './elasticsearch-server.ts';
import { type StackPaths, stackPaths } from './paths.ts';
import { runningPid, stopPid } from './processes.ts';
import { redisInfo, startRedis } from './redis-server.ts';

export type StackOptions = {
  /** Explicit servers: when set, nothing is started or stopped for that server. */
  redisUrl?: string | undefined;
  esUrl?: string | undefined;
  redisPort: number;
  esPort: number;
  esVersion?: string;
  esHeap?: string;
  cacheDir?: string | undefined;
};

export type ServerState = {
  name: 'redis' | 'elasticsearch';
  url: string;
  /** who runs it: started now, already running from an earlier `up`, or external (URL given). */
  origin: 'started' | 'running' | 'external';
  pid?: number;
  version: string;
  health: string;
};

type Report = (line: string) => void;

const quiet: Report = () => {};

function urls(options: StackOptions) {
  return {
    redis: options.redisUrl ?? `redis://127.0.0.1:${options.redisPort}`,
    es: options.esUrl ?? `http://127.0.0.1:${options.esPort}`,
  };
}

/** Bring both servers up (or reuse running ones). Idempotent: a second `up` starts nothing. */
export async function stackUp(options: StackOptions, report: Report = quiet): Promise<ServerState[]> {
  const paths = stackPaths(options.cacheDir);
  const url = urls(options);
  // Start both at once: Elasticsearch takes most of the time, Redis is ready meanwhile.
  return Promise.all([upRedis(options, paths, url.redis), upElasticsearch(options, paths, url.es, report)]);
}

async function upRedis(options: StackOptions, paths: StackPaths, url: string): Promise<ServerState> {
  if (options.redisUrl) {
    const info = await redisInfo(url);
    if (!info) throw new Error(`CW_REDIS_URL=${url} does not answer; start that Redis or unset CW_REDIS_URL`);
    return { name: 'redis', url, origin: 'external', ...info };
  }
  const running = runningPid(paths.redisPid(options.redisPort));
  const before = await redisInfo(url);
  if (running !== undefined && before)
    return { name: 'redis', url, origin: 'running', pid: running, ...before };
  if (before) {
    throw new Error(
      `port ${options.redisPort} already has a Redis that this stack did not start; ` +
        `use it with CW_REDIS_URL=${url} or choose another CW_REDIS_PORT`,
    );
  }
  const pid = await startRedis(paths, options.redisPort);
  const info = (await redisInfo(url)) ?? { version: 'unknown', health: 'unknown' };
  return { name: 'redis', url, origin: 'started', pid, ...info };
}

async function upElasticsearch(
  options: StackOptions,
  paths: StackPaths,
  url: string,
  report: Report,
): Promise<ServerState> {
  if (options.esUrl) {
    const info = await esInfo(url);
    if (!info)
      throw new Error(`CW_ES_URL=${url} does not answer; start that Elasticsearch or unset CW_ES_URL`);
    return { name: 'elasticsearch', url, origin: 'external', ...info };
  }
  const running = runningPid(paths.esPid(options.esPort));
  const before = await esInfo(url);
  if (running !== undefined && before) {
    return { name: 'elasticsearch', url, origin: 'running', pid: running, ...before };
  }
  if (before) {
    throw new Error(
      `port ${options.esPort} already has an Elasticsearch that this stack did not start; ` +
        `use it with CW_ES_URL=${url} or choose another CW_ES_PORT`,
    );
  }
  const version = options.esVersion ?? ES_VERSION;
  const pid = await startElasticsearch(
    paths,
    { version, port: options.esPort, heap: options.esHeap ?? '1g' },
    report,
  );
  const info = (await esInfo(url)) ?? { version, health: 'unknown' };
  return { name: 'elasticsearch', url, origin: 'started', pid, ...info };
}

/** Stop what `up` started, by its recorded pid, and nothing else. */
export async function stackDown(
  options: Pick<StackOptions, 'cacheDir' | 'redisPort' | 'esPort'>,
  report: Report = quiet,
  only: Array<'redis' | 'elasticsearch'> = ['redis', 'elasticsearch'],
): Promise<void> {
  const paths = stackPaths(options.cacheDir);
  const targets = [
    { name: 'elasticsearch' as const, pidFile: paths.esPid(options.esPort) },
    { name: 'redis' as const, pidFile: paths.redisPid(options.redisPort) },
  ].filter((t) => only.includes(t.name));
  for (const target of targets) {
    const pid = runningPid(target.pidFile);
    if (pid === undefined) {
      report(`${target.name}: not running (nothing started by this stack)`);
      continue;
    }
    const how = await stopPid(pid, 60_000);
    rmSync(target.pidFile, { force: true });
    report(`${target.name}: ${how} (pid ${pid})`);
  }
}

export async function stackStatus(
  options: StackOptions,
): Promise<Array<ServerState | (Omit<ServerState, 'origin' | 'version' | 'health'> & { origin: 'down' })>> {
  const paths = stackPaths(options.cacheDir);
  const url = urls(options);
  const redisPid = options.redisUrl ? undefined : runningPid(paths.redisPid(options.redisPort));
  const esPid = options.esUrl ? undefined : runningPid(paths.esPid(options.esPort));
  const [redis, es] = await Promise.all([redisInfo(url.redis), esInfo(url.es)]);
  const origin = (external: boolean, pid: number | undefined) =>
    external ? 'external' : pid ? 'running' : 'external';
  return [
    redis
      ? {
          name: 'redis',
          url: url.redis,
          origin: origin(!!options.redisUrl, redisPid),
          ...(redisPid ? { pid: redisPid } : {}),
          ...redis,
        }
      : { name: 'redis', url: url.redis, origin: 'down' },
    es
      ? {
          name: 'elasticsearch',
          url: url.es,
          origin: origin(!!options.esUrl, esPid),
          ...(esPid ? { pid: esPid } : {}),
          ...es,
        }
      : { name: 'elasticsearch', url: url.es, origin: 'down' },
  ];
}
