import { stackDown, stackStatus, stackUp } from '@cw/stack';
import { cliConfig, stackOptions } from '../config.ts';
import type { CommandIo } from '../main.ts';

const USAGE = 'usage: pnpm -s cw stack up | down | status\n';

export async function run(args: string[], io: CommandIo): Promise<number> {
  const [action] = args;
  const options = stackOptions(cliConfig());
  const say = (line: string) => io.stdout.write(`${line}\n`);
  switch (action) {
    case 'up': {
      const started = Date.now();
      const servers = await stackUp(options, say);
      for (const s of servers) {
        const what =
          s.origin === 'started'
            ? `started (pid ${s.pid})`
            : s.origin === 'running'
              ? `already running (pid ${s.pid}), nothing to do`
              : 'external, not managed here';
        say(`${s.name.padEnd(13)} ${s.version.padEnd(8)} ${s.url.padEnd(24)} ${s.health}  ${what}`);
      }
      if (servers.some((s) => s.origin === 'started'))
        say(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'down':
      await stackDown(options, say);
      return 0;
    case 'status': {
      const servers = await stackStatus(options);
      for (const s of servers) {
        if (s.origin === 'down') say(`${s.name.padEnd(13)} down     ${s.url}`);
        else {
          const pid = 'pid' in s && s.pid ? `pid ${s.pid}` : s.origin;
          say(`${s.name.padEnd(13)} ${s.version.padEnd(8)} ${s.url.padEnd(24)} ${s.health}  ${pid}`);
        }
      }
      return servers.every((s) => s.origin !== 'down') ? 0 : 1;
    }
    default:
      io.stderr.write(USAGE);
      return 2;
  }
}
