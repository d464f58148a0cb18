import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { createEsClient } from '@cw/es';
import type { StackPaths } from './paths.ts';
import { findOnPath, run, runningPid, sleep } from './processes.ts';
import type { ServerInfo } from './redis-server.ts';

export const ES_VERSION = '8.19.21';
export const ES_ARTIFACT = 'org.elasticsearch.distribution.integ-test-zip:elasticsearch';
/** Elasticsearch refuses to run as root; `stack up` started by root runs it as this system user. */
export const ES_USER = 'cw-es';

type Report = (line: string) => void;

/** How to reach an external cluster with security on (CW_ES_API_KEY, CW_ES_CA_FILE). */
export type EsAuth = { apiKey?: string; ca?: string };

/**
 * GET a JSON path: plain fetch for the local stack (http, no credentials); the project's client for
 * a cluster behind TLS, credentials in the URL or an API key, which fetch cannot send (it refuses a
 * URL with credentials and takes no CA).
 */
async function getJson(url: string, path: string, auth: EsAuth = {}): Promise<unknown> {
  const parsed = new URL(url);
  if (!auth.apiKey && !auth.ca && !parsed.username && parsed.protocol === 'http:') {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }
  const [pathname = path, query] = path.split('?');
  const client = createEsClient(url, { ...auth, requestTimeoutMs: 3000, maxRetries: 0 });
  try {
    return await client.transport.request({
      method: 'GET',
      path: pathname,
      ...(query ? { querystring: Object.fromEntries(new URLSearchParams(query)) } : {}),
    });
  } finally {
    await client.close();
  }
}

/** A URL as it may be printed: the password replaced. */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map((one) => {
      try {
        const parsed = new URL(one.trim());
        if (parsed.password) parsed.password = '***';
        return parsed.toString().replace(/\/$/, '');
      } catch {
        return one;
      }
    })
    .join(',');
}

export async function esInfo(url: string, auth: EsAuth = {}): Promise<ServerInfo | undefined> {
  try {
    // `GET /` lives in a module the test distribution lacks; the nodes API is core.
    const nodes = (await getJson(url, '/_nodes/_local?filter_path=nodes.*.version', auth)) as {
      nodes?: Record<string, { version?: string }>;
    };
    const health = await clusterHealth(url, auth);
    const count = health?.number_of_nodes;
    return {
      version: Object.values(nodes.nodes ?? {})[0]?.version ?? 'unknown',
      health: `${health?.status ?? 'unknown'} (${count ?? '?'} node${count === 1 ? '' : 's'})`,
    };
  } catch {
    return undefined;
  }
}

export type NodeInfo = {
  name: string;
  httpAddress: string;
  roles: string;
  master: boolean;
  heapPercent: number;
  diskUsed: string;
};

/** Every node of the cluster behind `url`, as the cluster sees it (a dead node is simply absent). */
export async function esNodes(url: string, auth: EsAuth = {}): Promise<NodeInfo[] | undefined> {
  try {
    const rows = (await getJson(
      url,
      '/_cat/nodes?format=json&h=name,http_address,node.role,master,heap.percent,disk.used',
      auth,
    )) as Array<Record<string, string>>;
    return rows
      .map((r) => ({
        name: r['name'] ?? '?',
        httpAddress: r['http_address'] ?? '?',
        roles: r['node.role'] ?? '?',
        master: r['master'] === '*',
        heapPercent: Number(r['heap.percent'] ?? Number.NaN),
        diskUsed: r['disk.used'] ?? '?',
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return undefined;
  }
}

/** Fetch the test distribution from Maven Central once (mvn keeps it in ~/.m2) and unpack it. */
export async function ensureDistribution(
  paths: StackPaths,
  version: string,
  report: Report,
): Promise<string> {
  const home = paths.esHome(version);
  if (existsSync(join(home, 'bin', 'elasticsearch'))) return home;
  const zip = join(paths.downloads, `elasticsearch-${version}.zip`);
  if (!existsSync(zip)) {
    if (!findOnPath('mvn'))
      throw new Error(
        'mvn is not installed: it fetches Elasticsearch from Maven Central (apt-get install maven)',
      );
    report(`fetching ${ES_ARTIFACT}:${version} from Maven Central (once; about 100 MB)...`);
    const artifact = `${ES_ARTIFACT}:${version}:zip`;
    const result = await run('mvn', [
      '-q',
      '-B',
      'dependency:copy',
      `-Dartifact=${artifact}`,
      `-DoutputDirectory=${paths.downloads}`,
    ]);
    if (result.code !== 0 || !existsSync(zip)) {
      throw new Error(`mvn could not fetch ${artifact}:\n${(result.stdout + result.stderr).slice(-2000)}`);
    }
  }
  if (!findOnPath('unzip')) throw new Error('unzip is not installed (apt-get install unzip)');
  report(`unpacking Elasticsearch ${version}...`);
  const result = await run('unzip', ['-q', '-o', zip, '-d', paths.root]);
  if (result.code !== 0) throw new Error(`unzip failed: ${result.stderr}`);
  return home;
}

/** Java 17+ for 8.19: JAVA_HOME if set, else the `java` on PATH. */
export function javaHome(): string {
  const fromEnv = process.env['ES_JAVA_HOME'] ?? process.env['JAVA_HOME'];
  if (fromEnv && existsSync(join(fromEnv, 'bin', 'java'))) return fromEnv;
  const java = findOnPath('java');
  if (!java)
    throw new Error(
      'java is not installed: Elasticsearch needs Java 17+ (apt-get install openjdk-17-jre-headless)',
    );
  return realpathSync(java).replace(/\/bin\/java$/, '');
}

/** The system user Elasticsearch runs as when started by root, created once. */
export async function ensureUser(report: Report): Promise<{ uid: number; gid: number }> {
  let id = await run('id', ['-u', ES_USER]);
  if (id.code !== 0) {
    report(`creating system user ${ES_USER} (Elasticsearch refuses to run as root)`);
    const add = await run('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      ES_USER,
    ]);
    if (add.code !== 0) throw new Error(`useradd ${ES_USER} failed: ${add.stderr}`);
    id = await run('id', ['-u', ES_USER]);
  }
  const gid = await run('id', ['-g', ES_USER]);
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export type NodeOptions = {
  version: string;
  /** HTTP port; transport is port + 100. Data, logs and pidfile are per port. */
  port: number;
  heap?: string;
  /** Absent: a single-node cluster. Present: this node joins the named cluster of these nodes. */
  cluster?: { name: string; ports: number[] };
};

/** The node name for a port: stable, so a node brought back rejoins as itself. */
export const nodeName = (port: number) => `cw-${port}`;

/**
 * Launch one node on loopback, daemonised with its own pidfile, security off, `path.repo` on the
 * stack's snapshot folder (one folder every node of every local cluster shares, as a shared
 * filesystem would). Only core settings: the test distribution refuses settings of modules it lacks.
 * Returns a promise of the launcher's exit code (non-zero: it failed before daemonising).
 */
async function launchNode(
  paths: StackPaths,
  options: NodeOptions,
  report: Report,
): Promise<{ exit: Promise<number> }> {
  const home = await ensureDistribution(paths, options.version, report);
  for (const dir of [paths.esData(options.port), paths.esLogs(options.port), paths.run, paths.esRepo])
    mkdirSync(dir, { recursive: true });
  const conf = paths.esConf(options.port);
  if (!existsSync(join(conf, 'jvm.options'))) cpSync(join(home, 'config'), conf, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await ensureUser(report);
    // The server writes its keystore, data, logs and snapshots; it must own them. Parents stay
    // root-owned. Only this node's folder: another node's data, which its server rewrites as it runs,
    // made a recursive chown of them all fail when a file went away mid-walk.
    for (const dir of [home, dirname(paths.esData(options.port)), paths.esRepo]) {
      const chown = await run('chown', ['-R', `${ES_USER}:${ES_USER}`, dir]);
      if (chown.code !== 0) throw new Error(`chown ${dir} failed: ${chown.stderr}`);
    }
    chmodSync(paths.run, 0o777);
  }
  const heap = options.heap ?? '1g';
  const membership: Record<string, string> = options.cluster
    ? {
        'cluster.name': options.cluster.name,
        'discovery.seed_hosts': options.cluster.ports.map((p) => `127.0.0.1:${p + 100}`).join(','),
        // Read only when the cluster forms for the first time; a node brought back ignores it.
        'cluster.initial_master_nodes': options.cluster.ports.map(nodeName).join(','),
      }
    : { 'cluster.name': 'channelwatch-local', 'discovery.type': 'single-node' };
  const settings = {
    ...membership,
    'node.name': options.cluster ? nodeName(options.port) : 'cw-local',
    'network.host': '127.0.0.1',
    'http.port': String(options.port),
    'transport.port': String(options.port + 100),
    'path.data': paths.esData(options.port),
    'path.logs': paths.esLogs(options.port),
    'path.repo': paths.esRepo,
    'xpack.security.enabled': 'false',
    // A developer disk that is 90% full must not turn every index read-only.
    'cluster.routing.allocation.disk.threshold_enabled': 'false',
    'action.destructive_requires_name': 'false',
  };
  const args = [
    '-d',
    '-p',
    paths.esPid(options.port),
    ...Object.entries(settings).map(([k, v]) => `-E${k}=${v}`),
  ];
  const env = {
    ...process.env,
    ES_JAVA_HOME: javaHome(),
    ES_JAVA_OPTS: `-Xms${heap} -Xmx${heap}`,
    ES_PATH_CONF: conf,
  };
  const out = openSync(paths.esOut(options.port), 'w');
  const userArgs = asRoot ? ['-u', ES_USER, '--', join(home, 'bin', 'elasticsearch'), ...args] : args;
  const command = asRoot ? 'runuser' : join(home, 'bin', 'elasticsearch');
  report(`starting Elasticsearch ${options.version} on 127.0.0.1:${options.port} (heap ${heap})...`);
  const launcher = spawn(command, userArgs, { env, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  return { exit: new Promise<number>((resolve) => launcher.on('exit', (code) => resolve(code ?? 1))) };
}

/** Wait until every node's pidfile names a live process and the cluster has them all, yellow or green. */
async function waitForNodes(
  paths: StackPaths,
  ports: number[],
  launchers: Array<Promise<number>>,
  timeoutMs: number,
): Promise<number[]> {
  const url = `http://127.0.0.1:${ports[0]}`;
  const deadline = Date.now() + timeoutMs;
  let failed: number | undefined;
  launchers.forEach((launcher, i) => {
    void launcher.then((code) => {
      if (code !== 0) failed = ports[i];
    });
  });
  while (Date.now() < deadline && failed === undefined) {
    const health = await clusterHealth(url);
    const pids = ports.map((p) => runningPid(paths.esPid(p)));
    if (
      health &&
      health.number_of_nodes >= ports.length &&
      /^(green|yellow)$/.test(health.status) &&
      pids.every((p) => p !== undefined)
    )
      return pids as number[];
    await sleep(500);
  }
  const port = failed ?? ports.find((p) => runningPid(paths.esPid(p)) === undefined) ?? ports[0] ?? 0;
  const tail = existsSync(paths.esOut(port)) ? readFileSync(paths.esOut(port), 'utf8').slice(-3000) : '';
  throw new Error(
    `Elasticsearch did not become healthy on ${url} with ${ports.length} node(s); output of the node on ${port}:\n${tail}`,
  );
}

export type ClusterHealth = {
  status: string;
  number_of_nodes: number;
  number_of_data_nodes: number;
  active_shards: number;
  unassigned_shards: number;
  relocating_shards: number;
  initializing_shards: number;
};

export async function clusterHealth(url: string, auth: EsAuth = {}): Promise<ClusterHealth | undefined> {
  try {
    return (await getJson(url, '/_cluster/health', auth)) as ClusterHealth;
  } catch {
    return undefined;
  }
}

/**
 * Start a single-node Elasticsearch on loopback, security off, daemonised with its own pidfile, and
 * wait until the cluster is yellow or green.
 */
export async function startElasticsearch(
  paths: StackPaths,
  options: Omit<NodeOptions, 'cluster'>,
  report: Report,
): Promise<number> {
  const launcher = await launchNode(paths, options, report);
  const [pid] = await waitForNodes(paths, [options.port], [launcher.exit], 180_000);
  return pid ?? 0;
}

/** The HTTP ports of a local cluster of `nodes` nodes from `basePort` (transport ports +100). */
export const clusterPorts = (basePort: number, nodes: number) =>
  Array.from({ length: nodes }, (_, i) => basePort + i);

/**
 * Start a cluster of several nodes on loopback, ports basePort… (transport +100), every node
 * master-eligible and data, one data folder each, all launched at once (no node elects a master
 * alone). Returns the pids in port order once every node has joined and the cluster is yellow or green.
 */
export async function startElasticsearchCluster(
  paths: StackPaths,
  options: { version: string; basePort: number; nodes: number; heap?: string },
  report: Report,
): Promise<number[]> {
  const ports = clusterPorts(options.basePort, options.nodes);
  const cluster = { name: `channelwatch-${options.basePort}`, ports };
  const launchers: Array<Promise<number>> = [];
  // One at a time: two nodes unpacking or chowning the same distribution at once would race.
  for (const port of ports) {
    const launched = await launchNode(
      paths,
      { version: options.version, port, cluster, ...(options.heap ? { heap: options.heap } : {}) },
      report,
    );
    launchers.push(launched.exit);
  }
  return waitForNodes(paths, ports, launchers, 300_000);
}

/** Bring back one node of a local cluster (after it was stopped or killed); it rejoins with its data. */
export async function startClusterNode(
  paths: StackPaths,
  options: { version: string; basePort: number; nodes: number; port: number; heap?: string },
  report: Report,
): Promise<number> {
  const ports = clusterPorts(options.basePort, options.nodes);
  const launcher = await launchNode(
    paths,
    {
      version: options.version,
      port: options.port,
      cluster: { name: `channelwatch-${options.basePort}`, ports },
      ...(options.heap ? { heap: options.heap } : {}),
    },
    report,
  );
  const pids = await waitForNodes(
    paths,
    ports,
    ports.map((p) => (p === options.port ? launcher.exit : Promise.resolve(0))),
    180_000,
  );
  return pids[ports.indexOf(options.port)] ?? 0;
}
