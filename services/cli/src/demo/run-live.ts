// `cw demo --live @channel …`: the same process tree as the demo, on real channels. The channels
// are registered (resolved once through Telegram), the collector runs beside the pipeline, the
// scheduler and the API, and Ctrl-C prints a report of what was indexed meanwhile and stops it all.
import { esAuth, indexSettings, serverUrls } from '@cw/config';
import { clusters, createEsClient, installIndices, listAlerts, topChannels } from '@cw/es';
import { stackDown, stackUp } from '@cw/stack';
import { run as channels } from '../commands/channels.ts';
import { type CliConfig, stackOptions } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { indexedCounts } from './counts.ts';

const TELEGRAM_VARS = ['TELEGRAM_API_ID', 'TELEGRAM_API_HASH', 'TELEGRAM_SESSION'] as const;

export async function runLive(config: CliConfig, usernames: string[], io: CommandIo): Promise<number> {
  const missing = TELEGRAM_VARS.filter((name) => !config[name]);
  if (missing.length > 0) {
    io.stderr.write(
      `cw demo --live needs Telegram credentials: ${missing.join(', ')} not set (see README, "Going live")\n`,
    );
    return 2;
  }
  if (usernames.length === 0) {
    io.stderr.write('cw demo --live needs at least one channel: pnpm -s cw demo --live @channel …\n');
    return 2;
  }
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const servers = await stackUp(stackOptions(config), (line) => say(`[stack] ${line}`));
  const started = servers.filter((s) => s.origin === 'started').map((s) => s.name);
  const { esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, esAuth(config));
  const prefix = config.CW_INDEX_PREFIX;
  await installIndices(es, prefix, indexSettings(config));

  // Registered (and resolved) the way an operator adds channels; unknown names are reported, skipped.
  await channels(['add', ...usernames], io);

  const env = { ...process.env, CW_LOG_LEVEL: config.CW_LOG_LEVEL === 'info' ? 'warn' : config.CW_LOG_LEVEL };
  const pipeline = await import('@cw/pipeline');
  const scheduler = await import('@cw/scheduler');
  const api = await import('@cw/api');
  const collector = await import('@cw/collector');
  const stops: Array<() => Promise<unknown>> = [];
  stops.push(await pipeline.main(env, { embedded: true }));
  stops.push(await scheduler.main(env, { embedded: true }));
  try {
    stops.push(await api.main(env, { embedded: true }));
  } catch (err) {
    // Without CW_API_KEYS the API refuses to start; the rest of the pipeline runs on.
    say(`[live] API not started: ${err instanceof Error ? err.message : String(err)}`);
  }
  const collecting = await collector.main(env, { handleSignals: false });
  stops.push(() => collecting.stop());
  const since = new Date();
  say(
    `[live] collecting ${usernames.join(', ')} since ${since.toISOString()}; Ctrl-C prints the report and stops`,
  );

  const timer = setInterval(() => {
    void indexedCounts(es, prefix).then(
      (c) => say(`[live] ${c.posts} posts indexed, narratives ${JSON.stringify(c.byNarrative)}`),
      () => {},
    );
  }, 30_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);

  const to = new Date().toISOString();
  const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const counts = await indexedCounts(es, prefix);
  const [alerts, found, top] = await Promise.all([
    listAlerts(es, prefix, { from: since.toISOString(), size: 10 }),
    clusters(es, prefix, { from, to, filters: { isForward: false }, minChannels: 2, size: 5 }),
    topChannels(es, prefix, { from, to, size: 5 }),
  ]);
  io.stdout.write(
    `${JSON.stringify({ counts, alerts: alerts.alerts.map((a) => a.narrative), clusters: found.clusters.map((c) => ({ posts: c.posts, channels: c.channels })), topChannels: top.channels.map((c) => ({ channel: c.username ?? c.id, posts: c.posts })) }, null, 2)}\n`,
  );
  for (const stop of stops.reverse()) await stop();
  await es.close();
  if (started.length > 0) await stackDown(stackOptions(config), (l) => say(`[stack] ${l}`), started);
  return 0;
}
