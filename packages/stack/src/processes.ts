import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user (Elasticsearch runs as its own user).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isFinite(pid) && pid > 0 ? pid : undefined;
}

/** The pid a pidfile names, if that process still runs; a stale pidfile is removed. */
export function runningPid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined) return undefined;
  if (isAlive(pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** SIGTERM, wait up to the deadline, then SIGKILL: `down` stops exactly the pid it recorded. */
export async function stopPid(pid: number, deadlineMs: number): Promise<'stopped' | 'killed'> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'stopped';
  }
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(200);
  }
  process.kill(pid, 'SIGKILL');
  return 'killed';
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type RunResult = { code: number; stdout: string; stderr: string };

/** Run a command to completion, collecting its output (for mvn, unzip, useradd). */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
