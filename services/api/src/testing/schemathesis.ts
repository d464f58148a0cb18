// schemathesis (PyPI) in a venv of its own under the cache folder, made on first use like the
// encoder's converter venv (packages/encoder/src/fetch.ts); pinned so a run today runs the same later.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath, run, stackPaths } from '@cw/stack';

export const SCHEMATHESIS_VERSION = '4.32.5';

/** The `st` command of a venv holding schemathesis, made once under <cache>/schemathesis/. */
export async function ensureSchemathesis(cacheDir?: string): Promise<string> {
  const dir = join(stackPaths(cacheDir).root, 'schemathesis', `venv-${SCHEMATHESIS_VERSION}`);
  const st = join(dir, 'bin', 'st');
  // Written last: a venv whose install was cut short is made again.
  const done = join(dir, '.installed');
  if (existsSync(done)) return st;
  const python = findOnPath('python3');
  if (!python) {
    throw new Error(
      'python3 is not installed: the API contract test needs it (apt-get install python3 python3-venv)',
    );
  }
  rmSync(dir, { recursive: true, force: true });
  for (const [command, args] of [
    [python, ['-m', 'venv', dir]],
    [join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '-q', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ] as const) {
    const result = await run(command, [...args]);
    if (result.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `${command} ${args.join(' ')} failed:\n${(result.stdout + result.stderr).slice(-2000)}`,
      );
    }
  }
  writeFileSync(done, `schemathesis ${SCHEMATHESIS_VERSION}\n`);
  return st;
}
