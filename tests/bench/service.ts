// A project service started as its container starts it (`node --import tsx services/<name>/src/main.ts`),
// for the benches that measure a service from outside its process.
import { type ChildProcess, spawn } from 'node:child_process';
import { connectionSchema, loadConfig, serverUrls } from '@cw/config';
import { REPO_ROOT, stackUp } from '@cw/stack';

export type RunningService = { child: ChildProcess; stop: () => Promise<void> };

/** Starts the service and resolves once `healthUrl` answers; fails at once if the process exits. */
export async function startService(options: {
  main: string;
  env: Record<string, string>;
  healthUrl: string;
  nodeArgs?: readonly string[];
}): Promise<RunningService> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.main], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; ; i++) {
    if (
      await fetch(options.healthUrl).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, stop };
    if (child.exitCode !== null)
      throw new Error(`${options.main} exited (code ${child.exitCode}) before it was ready`);
    if (i > 1200) {
      await stop();
      throw new Error(`${options.main} did not answer ${options.healthUrl} within a minute`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The servers a bench needs: the running local stack (or CW_*_URL), started when missing. */
export async function benchServers(): Promise<{ esUrl: string; redisUrl: string }> {
  const config = loadConfig(connectionSchema, process.env);
  await stackUp({
    redisUrl: config.CW_REDIS_URL,
    esUrl: config.CW_ES_URL,
    redisPort: config.CW_REDIS_PORT,
    esPort: config.CW_ES_PORT,
    cacheDir: config.CW_CACHE_DIR,
  });
  return serverUrls(config);
}
