import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  clusterPorts,
  ES_VERSION,
  type EsAuth,
  esInfo,
  esNodes,
  type NodeInfo,
  redactUrl,
  startElasticsearch,
  startElasticsearchCluster,
} from './elasticsearch-server.ts';
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
  /** Nodes of the local Elasticsearch: 1 (default) is single-node; more form a cluster on esPort…+n-1. */
  esNodes?: number;
  cacheDir?: string | undefined;
  /** API key and private CA of an external Elasticsearch (esUrl). */
  esAuth?: EsAuth;
};

export type ServerState = {
  name: 'redis' | 'elasticsearch';
  url: string;
  /** who runs it: started now, already running from an earlier `up`, or external (URL given). */
  origin: 'started' | 'running' | 'external';
  pid?: number;
  version: string;
  health: string;
  /** A cluster: one pid per node, in port order (pid is the first). */
  pids?: number[];
  /** The nodes the cluster reports (status of a running Elasticsearch). */
  nodes?: NodeInfo[];
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
    if (!info)
      throw new Error(
        `CW_REDIS_URL=${redactUrl(url)} does not answer; start that Redis or unset CW_REDIS_URL`,
      );
    return { name: 'redis', url: redactUrl(url), origin: 'external', ...info };
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
    const info = await esInfo(url.split(',')[0] ?? url, options.esAuth);
    if (!info)
      throw new Error(
        `CW_ES_URL=${redactUrl(url)} does not answer (or refuses the credentials, CW_ES_API_KEY or CW_ES_CA_FILE); start that Elasticsearch or unset CW_ES_URL`,
      );
    return { name: 'elasticsearch', url: redactUrl(url), origin: 'external', ...info };
  }
  const nodes = options.esNodes ?? 1;
  const ports = clusterPorts(options.esPort, nodes);
  const running = ports.map((p) => runningPid(paths.esPid(p)));
  const before = await esInfo(url);
  if (running.every((pid) => pid !== undefined) && before) {
    const pids = running as number[];
    return { name: 'elasticsearch', url, origin: 'running', pid: pids[0] ?? 0, pids, ...before };
  }
  if (before) {
    throw new Error(
      running.some((pid) => pid !== undefined)
        ? `only part of the local cluster on ports ${ports.join(', ')} runs; \`cw stack down\` it first`
        : `port ${options.esPort} already has an Elasticsearch that this stack did not start; ` +
            `use it with CW_ES_URL=${url} or choose another CW_ES_PORT`,
    );
  }
  const version = options.esVersion ?? ES_VERSION;
  const heap = options.esHeap ?? '1g';
  // Recorded first: if a node fails to start, `down` still finds the ones that did.
  mkdirSync(paths.run, { recursive: true });
  writeFileSync(paths.esNodesFile(options.esPort), String(nodes));
  const pids =
    nodes === 1
      ? [await startElasticsearch(paths, { version, port: options.esPort, heap }, report)]
      : await startElasticsearchCluster(paths, { version, basePort: options.esPort, nodes, heap }, report);
  const info = (await esInfo(url)) ?? { version, health: 'unknown' };
  return { name: 'elasticsearch', url, origin: 'started', pid: pids[0] ?? 0, pids, ...info };
}

/** How many nodes the last `up` started from this port (1 when it never recorded it). */
export function recordedNodes(paths: StackPaths, esPort: number): number {
  const file = paths.esNodesFile(esPort);
  const n = existsSync(file) ? Number.parseInt(readFileSync(file, 'utf8'), 10) : 1;
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** Stop what `up` started, by its recorded pid, and nothing else. */
export async function stackDown(
  options: Pick<StackOptions, 'cacheDir' | 'redisPort' | 'esPort'>,
  report: Report = quiet,
  only: Array<'redis' | 'elasticsearch'> = ['redis', 'elasticsearch'],
): Promise<void> {
  const paths = stackPaths(options.cacheDir);
  const esPorts = clusterPorts(options.esPort, recordedNodes(paths, options.esPort));
  const targets = [
    ...esPorts.map((port) => ({
      name: 'elasticsearch' as const,
      label: esPorts.length > 1 ? `elasticsearch :${port}` : 'elasticsearch',
      pidFile: paths.esPid(port),
    })),
    { name: 'redis' as const, label: 'redis', pidFile: paths.redisPid(options.redisPort) },
  ].filter((t) => only.includes(t.name));
  // Nodes of a cluster stop together: one by one, the last ones would wait out re-elections.
  await Promise.all(
    targets.map(async (target) => {
      const pid = runningPid(target.pidFile);
      if (pid === undefined) {
        report(`${target.label}: not running (nothing started by this stack)`);
        return;
      }
      const how = await stopPid(pid, 60_000);
      rmSync(target.pidFile, { force: true });
      report(`${target.label}: ${how} (pid ${pid})`);
    }),
  );
  if (only.includes('elasticsearch')) rmSync(paths.esNodesFile(options.esPort), { force: true });
}

export async function stackStatus(
  options: StackOptions,
): Promise<Array<ServerState | (Omit<ServerState, 'origin' | 'version' | 'health'> & { origin: 'down' })>> {
  const paths = stackPaths(options.cacheDir);
  const url = urls(options);
  const redisPid = options.redisUrl ? undefined : runningPid(paths.redisPid(options.redisPort));
  const esPorts = options.esUrl ? [] : clusterPorts(options.esPort, recordedNodes(paths, options.esPort));
  const esPids = esPorts.map((p) => runningPid(paths.esPid(p)));
  const esPid = esPids.find((p) => p !== undefined);
  // A local cluster answers through any live node: the first one may be the one that is down.
  const alive = esPorts.find((_, i) => esPids[i] !== undefined);
  if (esPorts.length > 1 && alive !== undefined) url.es = `http://127.0.0.1:${alive}`;
  // An external cluster given as several URLs: ask the first.
  url.es = url.es.split(',')[0] ?? url.es;
  const auth = options.esUrl ? options.esAuth : undefined;
  const [redis, es, nodes] = await Promise.all([
    redisInfo(url.redis),
    esInfo(url.es, auth),
    esNodes(url.es, auth),
  ]);
  const origin = (external: boolean, pid: number | undefined) =>
    external ? 'external' : pid ? 'running' : 'external';
  return [
    redis
      ? {
          name: 'redis',
          url: redactUrl(url.redis),
          origin: origin(!!options.redisUrl, redisPid),
          ...(redisPid ? { pid: redisPid } : {}),
          ...redis,
        }
      : { name: 'redis', url: redactUrl(url.redis), origin: 'down' },
    es
      ? {
          name: 'elasticsearch',
          url: redactUrl(url.es),
          origin: origin(!!options.esUrl, esPid),
          ...(esPid ? { pid: esPid } : {}),
          ...(esPids.length > 1 ? { pids: esPids.map((p) => p ?? 0) } : {}),
          ...(nodes ? { nodes } : {}),
          ...es,
        }
      : { name: 'elasticsearch', url: redactUrl(url.es), origin: 'down' },
  ];
}
