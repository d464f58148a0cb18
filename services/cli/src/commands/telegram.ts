import { createInterface } from 'node:readline/promises';
import { interactiveLogin } from '@cw/collector';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';

const USAGE = `usage: pnpm -s cw telegram login
  Logs a Telegram user account in (phone, code, 2FA password) and prints its session string.
  Save it as TELEGRAM_SESSION (a secret). Needs TELEGRAM_API_ID and TELEGRAM_API_HASH.
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  if (args[0] !== 'login' || args.length > 1) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = cliConfig();
  if (!config.TELEGRAM_API_ID || !config.TELEGRAM_API_HASH) {
    io.stderr.write('TELEGRAM_API_ID and TELEGRAM_API_HASH must be set (from https://my.telegram.org)\n');
    return 2;
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    const session = await interactiveLogin({
      apiId: config.TELEGRAM_API_ID,
      apiHash: config.TELEGRAM_API_HASH,
      ask: async (question) => (await rl.question(question)).trim(),
      onError: (err) => io.stderr.write(`login: ${err.message}\n`),
    });
    io.stderr.write('logged in. The session string (keep it secret; set it as TELEGRAM_SESSION):\n');
    io.stdout.write(`${session}\n`);
    return 0;
  } finally {
    rl.close();
  }
}
