import { cliConfig } from '../config.ts';
import { formatReport } from '../demo/print-report.ts';
import { runDemo } from '../demo/run-demo.ts';
import { runLive } from '../demo/run-live.ts';
import type { CommandIo } from '../main.ts';

const USAGE =
  'usage: pnpm -s cw demo [--no-serve] [--json] [--days N] [--channels N] [--port N] | --live @channel …\n';

export async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const value = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const n = Number(args[i + 1]);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${name} expects a positive whole number, got '${args[i + 1] ?? ''}'`);
    return n;
  };
  for (const flag of flags) {
    if (!['--no-serve', '--json', '--days', '--channels', '--port', '--live'].includes(flag)) {
      io.stderr.write(`cw demo: unknown option ${flag}\n${USAGE}`);
      return 2;
    }
  }
  const config = cliConfig();
  if (flags.has('--live'))
    return runLive(
      config,
      args.filter((a) => a.startsWith('@')),
      io,
    );
  const days = value('--days');
  const channels = value('--channels');
  const port = value('--port');
  const serve = !flags.has('--no-serve');
  const demo = await runDemo(
    config,
    {
      serve,
      ...(days ? { days } : {}),
      ...(channels ? { channels } : {}),
      ...(port ? { apiPort: port } : {}),
    },
    io.stderr,
  );
  if (flags.has('--json')) io.stdout.write(`${JSON.stringify(demo.report)}\n`);
  else io.stdout.write(formatReport(demo.report));

  if (!serve || !demo.api) {
    await demo.shutdown();
    return 0;
  }
  const { url } = demo.api;
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  io.stdout.write(
    [
      '',
      `API running at ${url} (docs: ${url}/docs, OpenAPI: ${url}/openapi.json)`,
      `API key: ${demo.apiKey}`,
      `Workbench (one-time sign-in link, valid 10 minutes; later sign in with the key): ${demo.report.workbenchUrl}`,
      '',
      'try:',
      `  curl -s -G -H 'authorization: Bearer ${demo.apiKey}' ${url}/v1/trends -d interval=day -d from=${from}`,
      `  curl -s -G -H 'authorization: Bearer ${demo.apiKey}' ${url}/v1/posts --data-urlencode q=контракт -d narrative=mercenary_recruitment -d limit=5`,
      `  curl -s -G -H 'authorization: Bearer ${demo.apiKey}' ${url}/v1/clusters -d from=${from}`,
      `  curl -s -G -H 'authorization: Bearer ${demo.apiKey}' ${url}/v1/trends -d interval=day -d from=${from} -d format=csv`,
      `  curl -s -H 'authorization: Bearer ${demo.apiKey}' ${url}/v1/alerts`,
      '',
      'Ctrl-C stops everything the demo started.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  io.stderr.write('\nstopping...\n');
  await demo.api.close();
  await demo.shutdown();
  return 0;
}
