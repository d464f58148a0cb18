export { type ChannelEntry, ChannelRegistry, type ChannelView, parseUsername } from './channels/registry.ts';
export { parseSeedFile, readSeedFile } from './channels/seed-file.ts';
export { type CollectorConfig, collectorEnv, collectorSchema } from './config.ts';
export { Batcher } from './publish/batcher.ts';
export { createPublisher, MAX_BATCH, type Publisher } from './publish/publisher.ts';
export { type ReplayOptions, type ReplayProgress, replayFile } from './sources/replay/replay-file.ts';
