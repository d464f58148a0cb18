import type { Logger } from '@cw/logging';

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * On SIGTERM/SIGINT run the steps in order (stop taking work, let in-flight work finish or return
 * to the queue, flush, close clients) under one deadline, then exit with 128+signal. A second
 * signal, or the deadline, exits at once.
 */
export function registerShutdown(
  steps: ShutdownStep[],
  options: {
    log: Logger;
    deadlineMs?: number;
    /** Embedded in another process (the demo): no signal handlers, no exit; the caller stops it. */
    embedded?: boolean;
  },
): (signal?: string) => Promise<void> {
  const exit = options.embedded ? () => {} : (code: number) => process.exit(code);
  let stopping = false;
  const shutdown = async (signal = 'SIGTERM') => {
    const code = 128 + (SIGNAL_NUMBERS[signal] ?? 15);
    if (stopping) {
      options.log.warn({ signal }, 'second signal: exiting now');
      exit(code);
      return;
    }
    stopping = true;
    options.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.log.error({ deadlineMs: options.deadlineMs ?? 25_000 }, 'shutdown deadline passed; exiting');
      exit(code);
    }, options.deadlineMs ?? 25_000);
    timer.unref();
    for (const step of steps) {
      try {
        await step.run();
      } catch (err) {
        options.log.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    clearTimeout(timer);
    options.log.info('stopped cleanly');
    exit(code);
  };
  if (!options.embedded) {
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
  }
  return shutdown;
}
