import { rmSync } from 'node:fs';
// The servers of the fault tests and `pnpm bench faults`: a local Elasticsearch cluster and a Redis
// of their own (never the shared ones), with the means to kill and bring back each part.
import {
  clusterHealth,
  clusterPorts,
  ES_VERSION,
  runningPid,
  type StackPaths,
  stackDown,
  stackPaths,
  stackUp,
  startClusterNode,
  startRedis,
} from '@cw/stack';

export type Rig = {
  paths: StackPaths;
  basePort: number;
  nodePorts: number[];
  heap: string;
  /** Every node, comma-separated, as a service's CW_ES_URL lists a cluster. */
  esUrl: string;
  redisPort: number;
  redisUrl: string;
  /** What this rig started (and `rigDown` stops): nothing when it found them running. */
  started: Array<'redis' | 'elasticsearch'>;
};

type Report = (line: string) => void;

export async function rigUp(
  options: { basePort: number; nodes: number; redisPort: number; heap: string; cacheDir?: string },
  report: Report = () => {},
): Promise<Rig> {
  const servers = await stackUp(
    {
      esPort: options.basePort,
      esNodes: options.nodes,
      esHeap: options.heap,
      redisPort: options.redisPort,
      cacheDir: options.cacheDir,
    },
    report,
  );
  const nodePorts = clusterPorts(options.basePort, options.nodes);
  return {
    paths: stackPaths(options.cacheDir),
    basePort: options.basePort,
    nodePorts,
    heap: options.heap,
    esUrl: nodePorts.map((p) => `http://127.0.0.1:${p}`).join(','),
    redisPort: options.redisPort,
    redisUrl: `redis://127.0.0.1:${options.redisPort}`,
    started: servers.filter((s) => s.origin === 'started').map((s) => s.name),
  };
}

export async function rigDown(rig: Rig, report: Report = () => {}) {
  if (rig.started.length === 0) return;
  await stackDown(
    { cacheDir: rig.paths.root, esPort: rig.basePort, redisPort: rig.redisPort },
    report,
    rig.started,
  );
}

function sigkill(pid: number | undefined, what: string): number {
  if (pid === undefined) throw new Error(`${what} is not running`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

export const killEsNode = (rig: Rig, port: number) =>
  sigkill(runningPid(rig.paths.esPid(port)), `the Elasticsearch node on ${port}`);

/** Start a killed node again with its data folder; resolves once it has rejoined. */
export async function restartEsNode(rig: Rig, port: number): Promise<number> {
  return startClusterNode(
    rig.paths,
    { version: ES_VERSION, basePort: rig.basePort, nodes: rig.nodePorts.length, port, heap: rig.heap },
    () => {},
  );
}

/** Wait for green: every primary and replica allocated again. */
export async function waitGreen(rig: Rig, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const url = `http://127.0.0.1:${rig.nodePorts[0]}`;
  while (Date.now() < deadline) {
    const health = await clusterHealth(url);
    if (health?.status === 'green' && health.number_of_nodes === rig.nodePorts.length) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the cluster did not turn green within ${timeoutMs} ms`);
}

/** SIGKILL Redis and remove its pidfile once it is gone: left behind, the restarted Redis could race
 * with the stale-pidfile cleanup and lose its new pidfile. */
export async function killRedis(rig: Rig): Promise<number> {
  const pid = sigkill(runningPid(rig.paths.redisPid(rig.redisPort)), 'Redis');
  while (runningPid(rig.paths.redisPid(rig.redisPort)) !== undefined)
    await new Promise((r) => setTimeout(r, 50));
  rmSync(rig.paths.redisPid(rig.redisPort), { force: true });
  return pid;
}

/** Start Redis again on the same folder: it loads its append-only file. */
export const restartRedis = (rig: Rig) => startRedis(rig.paths, rig.redisPort);
