import type { CommandIo } from '../main.ts';

// One service in the foreground, as its container runs it; SIGTERM stops it cleanly.
const SERVICES: Record<string, () => Promise<{ main: (env: NodeJS.ProcessEnv) => Promise<unknown> }>> = {
  pipeline: () => import('@cw/pipeline'),
  collector: () => import('@cw/collector' as string),
  api: () => import('@cw/api' as string),
  scheduler: () => import('@cw/scheduler' as string),
};

export async function run(args: string[], io: CommandIo): Promise<number> {
  const [name] = args;
  const load = name ? SERVICES[name] : undefined;
  if (!load) {
    io.stderr.write(`usage: pnpm -s cw run ${Object.keys(SERVICES).join(' | ')}\n`);
    return 2;
  }
  const service = await load();
  await service.main(process.env);
  // The service keeps the process alive; its own shutdown handler exits.
  return new Promise<number>(() => {});
}
