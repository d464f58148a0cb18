import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { StackPaths } from './paths.ts';
import { findOnPath, run, runningPid, sleep } from './processes.ts';

export class MissingBinaryError extends Error {}

export type ServerInfo = { version: string; health: string };

export async function redisInfo(url: string): Promise<ServerInfo | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = await redis.info('server');
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return { version, health: `ok (maxmemory-policy ${policy[1] ?? '?'})` };
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/**
 * Start redis-server on loopback, daemonised with a pidfile, AOF on and `noeviction` (BullMQ loses
 * jobs if Redis evicts keys). Returns the pid; `stack down` stops exactly that pid.
 */
export async function startRedis(paths: StackPaths, port: number): Promise<number> {
  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new MissingBinaryError(
      'redis-server is not installed: install it with `apt-get install redis-server` (Debian/Ubuntu) ' +
        'or point CW_REDIS_URL at a running Redis',
    );
  }
  mkdirSync(paths.redisData(port), { recursive: true });
  mkdirSync(paths.run, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--dir',
    paths.redisData(port),
    '--daemonize',
    'yes',
    '--pidfile',
    paths.redisPid(port),
    '--logfile',
    paths.redisLog(port),
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
  ];
  const result = await run(binary, args);
  if (result.code !== 0) throw new Error(`redis-server did not start: ${result.stderr || result.stdout}`);
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    const pid = runningPid(paths.redisPid(port));
    if (pid !== undefined && (await redisInfo(url))) return pid;
    await sleep(100);
  }
  throw new Error(`redis-server did not answer on port ${port}; see ${paths.redisLog(port)}`);
}
