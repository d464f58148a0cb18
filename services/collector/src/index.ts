export {
  type ChannelEntry,
  type ChannelHealth,
  ChannelRegistry,
  type ChannelView,
  parseUsername,
} from './channels/registry.ts';
export { parseSeedFile, readSeedFile } from './channels/seed-file.ts';
export { type Clock, realClock } from './clock.ts';
export { collectOnce, type PassReport } from './collector.ts';
export { backfillSince, type CollectorConfig, collectorEnv, collectorSchema } from './config.ts';
export { main } from './main.ts';
export { awaitVerdicts, type ImportVerdicts } from './publish/await-verdicts.ts';
export { Batcher } from './publish/batcher.ts';
export { createPublisher, MAX_BATCH, type Publisher } from './publish/publisher.ts';
export { ExportError } from './sources/export/export-message.ts';
export { isTimeZone } from './sources/export/export-time.ts';
export { type ImportProgress, importExport } from './sources/export/import-export.ts';
export { type ReplayOptions, type ReplayProgress, replayFile } from './sources/replay/replay-file.ts';
export { connectAccounts } from './sources/telegram/accounts.ts';
export { interactiveLogin } from './sources/telegram/adapter.ts';
export { RecentPosts } from './sources/telegram/recent-posts.ts';
export { fetchPage } from './sources/web/web-source.ts';
