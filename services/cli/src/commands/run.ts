import type { CommandIo } from '../main.ts';

type ServiceMain = (
  env: NodeJS.ProcessEnv,
  options: { handleSignals?: boolean; embedded?: boolean },
) => Promise<unknown>;

// One service in the foreground, as its container runs it: it installs its own SIGTERM/SIGINT
// handling (stop taking work, finish or return in-flight work, close, exit 128+signal).
const SERVICES: Record<string, () => Promise<{ main: ServiceMain }>> = {
  pipeline: () => import('@cw/pipeline'),
  collector: () => import('@cw/collector'),
  api: () => import('@cw/api'),
  scheduler: () => import('@cw/scheduler'),
};

export async function run(args: string[], io: CommandIo): Promise<number> {
  const [name] = args;
  const load = name ? SERVICES[name] : undefined;
  if (!load) {
    io.stderr.write(`usage: pnpm -s cw run ${Object.keys(SERVICES).join(' | ')}\n`);
    return 2;
  }
  const service = await load();
  await service.main(process.env, { handleSignals: true, embedded: false });
  // The service keeps the process alive; its own shutdown handler exits.
  return new Promise<number>(() => {});
}
