// A single Elasticsearch node of the same test distribution with security on, as an existing
// production cluster runs it: HTTPS with a certificate signed by a private CA made here (openssl), a
// file-realm superuser to mint API keys with, its own port and folder. Never the shared servers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@cw/es';
import {
  ES_USER,
  ES_VERSION,
  ensureDistribution,
  ensureUser,
  findOnPath,
  javaHome,
  run,
  runningPid,
  stackPaths,
  stopPid,
} from '@cw/stack';

export type SecuredEs = {
  /** `https://127.0.0.1:<port>` (no credentials). */
  url: string;
  /** A file-realm user with only the service role's privileges, as an operator would create it. */
  service: { username: string; password: string };
  /** The private CA's certificate (PEM file) that signed the node's HTTP certificate. */
  caFile: string;
  ca: string;
  /** A client signed in as the superuser, for what a test sets up (API keys). */
  admin: Client;
  stop: () => Promise<void>;
};

async function must(command: string, args: string[], env?: NodeJS.ProcessEnv) {
  const result = await run(command, args, env ? { env } : {});
  if (result.code !== 0)
    throw new Error(`${command} ${args[0] ?? ''} failed: ${(result.stderr || result.stdout).slice(-1500)}`);
}

/** A CA, and a certificate for 127.0.0.1 and localhost signed by it, in `dir`. */
async function makeCertificates(dir: string) {
  if (!findOnPath('openssl')) throw new Error('openssl is not installed (apt-get install openssl)');
  const at = (name: string) => join(dir, name);
  writeFileSync(at('san.cnf'), 'subjectAltName = IP:127.0.0.1, DNS:localhost\n');
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  await must('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.crt'),
    ...subject('channelwatch test CA'),
  ]);
  await must('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    at('node.key'),
    '-out',
    at('node.csr'),
    ...subject('127.0.0.1'),
  ]);
  await must('openssl', [
    'x509',
    '-req',
    '-in',
    at('node.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    at('node.crt'),
    '-extfile',
    at('san.cnf'),
  ]);
}

/**
 * Start the node on `port` (transport port + 100) and resolve once it answers the superuser over
 * HTTPS; `stop` ends it and removes its folder.
 */
export async function startSecuredEs(options: {
  port: number;
  /** Privileges of the service user's role (file-based: the test distribution cannot create the
   * `.security` index, whose mapping needs the missing analysis-common module, so no native users,
   * roles or API keys). */
  serviceRole: { cluster: string[]; indices: string[]; privileges: string[] };
  heap?: string;
  report?: (line: string) => void;
}): Promise<SecuredEs> {
  const report = options.report ?? (() => {});
  const home = await ensureDistribution(stackPaths(), ES_VERSION, report);
  const dir = mkdtempSync(join(tmpdir(), 'cw-secured-es-'));
  const conf = join(dir, 'config');
  cpSync(join(home, 'config'), conf, { recursive: true });
  const certs = join(conf, 'certs');
  mkdirSync(certs);
  await makeCertificates(certs);
  const env = { ...process.env, ES_JAVA_HOME: javaHome(), ES_PATH_CONF: conf };
  const role = options.serviceRole;
  // JSON is YAML: the role file of the file realm.
  writeFileSync(
    join(conf, 'roles.yml'),
    `${JSON.stringify({
      channelwatch: {
        cluster: role.cluster,
        indices: [{ names: role.indices, privileges: role.privileges }],
      },
    })}\n`,
  );
  const users = join(home, 'bin', 'elasticsearch-users');
  const password = randomBytes(12).toString('hex');
  await must(users, ['useradd', 'cw_admin', '-p', password, '-r', 'superuser'], env);
  const service = { username: 'cw_service', password: randomBytes(12).toString('hex') };
  await must(users, ['useradd', service.username, '-p', service.password, '-r', 'channelwatch'], env);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await ensureUser(report);
    await must('chown', ['-R', `${ES_USER}:${ES_USER}`, dir, home]);
  }
  const pidFile = join(dir, 'es.pid');
  const settings = {
    'cluster.name': `cw-secured-${options.port}`,
    'node.name': 'cw-secured',
    'discovery.type': 'single-node',
    'network.host': '127.0.0.1',
    'http.port': String(options.port),
    'transport.port': String(options.port + 100),
    'path.data': join(dir, 'data'),
    'path.logs': join(dir, 'logs'),
    'xpack.security.enabled': 'true',
    'xpack.security.http.ssl.enabled': 'true',
    'xpack.security.http.ssl.key': 'certs/node.key',
    'xpack.security.http.ssl.certificate': 'certs/node.crt',
    'xpack.security.http.ssl.certificate_authorities': 'certs/ca.crt',
    'cluster.routing.allocation.disk.threshold_enabled': 'false',
  };
  const args = ['-d', '-p', pidFile, ...Object.entries(settings).map(([k, v]) => `-E${k}=${v}`)];
  const heap = options.heap ?? '512m';
  const out = openSync(join(dir, 'es.out'), 'w');
  const bin = join(home, 'bin', 'elasticsearch');
  report(`starting a secured Elasticsearch on https://127.0.0.1:${options.port} (heap ${heap})...`);
  const launcher = spawn(asRoot ? 'runuser' : bin, asRoot ? ['-u', ES_USER, '--', bin, ...args] : args, {
    env: { ...env, ES_JAVA_OPTS: `-Xms${heap} -Xmx${heap}` },
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  let launchFailed = false;
  launcher.on('exit', (code) => {
    if (code !== 0) launchFailed = true;
  });

  const url = `https://127.0.0.1:${options.port}`;
  const ca = readFileSync(join(certs, 'ca.crt'), 'utf8');
  const admin = new Client({
    node: url,
    auth: { username: 'cw_admin', password },
    tls: { ca },
    requestTimeout: 5000,
    maxRetries: 0,
  });
  const stop = async () => {
    await admin.close();
    const pid = runningPid(pidFile);
    if (pid !== undefined) await stopPid(pid, 30_000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    const health = await admin.cluster.health().catch(() => undefined);
    if (health && health.status !== 'red') break;
    if (launchFailed || Date.now() > deadline) {
      const tail = readFileSync(join(dir, 'es.out'), 'utf8').slice(-3000);
      await stop();
      throw new Error(`the secured Elasticsearch on ${url} did not start:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, service, caFile: join(certs, 'ca.crt'), ca, admin, stop };
}
