import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { StackPaths } from './paths.ts';
import { findOnPath, run, runningPid, sleep } from './processes.ts';
import type { ServerInfo } from './redis-server.ts';

export const ES_VERSION = '8.19.21';
export const ES_ARTIFACT = 'org.elasticsearch.distribution.integ-test-zip:elasticsearch';
/** Elasticsearch refuses to run as root; `stack up` started by root runs it as this system user. */
export const ES_USER = 'cw-es';

type Report = (line: string) => void;

export async function esInfo(url: string): Promise<ServerInfo | undefined> {
  try {
    // `GET /` lives in a module the test distribution lacks; the nodes API is core.
    const nodes = (await (
      await fetch(`${url}/_nodes/_local?filter_path=nodes.*.version`, { signal: AbortSignal.timeout(3000) })
    ).json()) as { nodes?: Record<string, { version?: string }> };
    const health = (await (
      await fetch(`${url}/_cluster/health`, { signal: AbortSignal.timeout(3000) })
    ).json()) as {
      status?: string;
      number_of_nodes?: number;
    };
    return {
      version: Object.values(nodes.nodes ?? {})[0]?.version ?? 'unknown',
      health: `${health.status ?? 'unknown'} (${health.number_of_nodes ?? '?'} node)`,
    };
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

async function ensureUser(report: Report): Promise<{ uid: number; gid: number }> {
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

/**
 * Start a single-node Elasticsearch on loopback with a 1 GiB heap and security off, daemonised with
 * its own pidfile, and wait until the cluster is yellow or green. Only core settings are passed:
 * the test distribution refuses settings of modules it lacks.
 */
export async function startElasticsearch(
  paths: StackPaths,
  options: { version: string; port: number; heap?: string },
  report: Report,
): Promise<number> {
  const home = await ensureDistribution(paths, options.version, report);
  for (const dir of [paths.esData(options.port), paths.esLogs(options.port), paths.run])
    mkdirSync(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await ensureUser(report);
    // The server writes its keystore, data and logs; it must own them. Parents stay root-owned.
    for (const dir of [home, paths.esRoot]) {
      const chown = await run('chown', ['-R', `${ES_USER}:${ES_USER}`, dir]);
      if (chown.code !== 0) throw new Error(`chown ${dir} failed: ${chown.stderr}`);
    }
    chmodSync(paths.run, 0o777);
  }
  const heap = options.heap ?? '1g';
  const settings = {
    'cluster.name': 'channelwatch-local',
    'node.name': 'cw-local',
    'discovery.type': 'single-node',
    'network.host': '127.0.0.1',
    'http.port': String(options.port),
    'transport.port': String(options.port + 100),
    'path.data': paths.esData(options.port),
    'path.logs': paths.esLogs(options.port),
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
    ES_PATH_CONF: join(home, 'config'),
  };
  const out = openSync(paths.esOut(options.port), 'w');
  const userArgs = asRoot ? ['-u', ES_USER, '--', join(home, 'bin', 'elasticsearch'), ...args] : args;
  const command = asRoot ? 'runuser' : join(home, 'bin', 'elasticsearch');
  report(`starting Elasticsearch ${options.version} on 127.0.0.1:${options.port} (heap ${heap})...`);
  const launcher = spawn(command, userArgs, { env, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  const launcherExit = new Promise<number>((resolve) => launcher.on('exit', (code) => resolve(code ?? 1)));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 180_000;
  let exitCode: number | undefined;
  void launcherExit.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    const info = await esInfo(url);
    const pid = runningPid(paths.esPid(options.port));
    if (info && pid !== undefined && /^(green|yellow)/.test(info.health)) return pid;
    if (exitCode !== undefined && exitCode !== 0) break;
    await sleep(500);
  }
  const tail = existsSync(paths.esOut(options.port))
    ? readFileSync(paths.esOut(options.port), 'utf8').slice(-3000)
    : '';
  throw new Error(`Elasticsearch did not become healthy on ${url}; its output:\n${tail}`);
}
