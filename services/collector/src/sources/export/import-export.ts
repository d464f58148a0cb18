import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CollectedPostInput } from '@cw/domain';
import { JSONParser } from '@streamparser/json';
import type { Clock } from '../../clock.ts';
import { MAX_BATCH, type Publisher } from '../../publish/publisher.ts';
import { type ExportMessage, exportMessageToPost, malformedExportMessage } from './export-message.ts';

// Streams a Telegram Desktop export (result.json) onto the queue: the file is read in chunks and
// the `messages` array parsed one element at a time, so a file of hundreds of MB never sits in memory.

export type ImportProgress = {
  bytes: number;
  totalBytes: number;
  messages: number;
  published: number;
  /** Service messages (joins, pins, title changes): not posts. */
  skipped: number;
  /** Messages without a usable id or date, sent on to be filed in rejects by the pipeline. */
  malformed: number;
};

export type ImportOptions = {
  publisher: Publisher;
  clock: Clock;
  /** The channel's username, which exports do not contain. */
  username?: string;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
};

/**
 * Imports do not read or move cursors: an export usually covers older history than the live
 * collector's cursor. Importing twice is harmless: documents are keyed by channel and message id.
 */
export async function importExport(path: string, options: ImportOptions): Promise<ImportProgress> {
  const totalBytes = (await stat(path)).size;
  const progress: ImportProgress = {
    bytes: 0,
    totalBytes,
    messages: 0,
    published: 0,
    skipped: 0,
    malformed: 0,
  };
  const size = Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH);
  const header: { id?: number; name?: string; type?: string } = {};
  const pending: ExportMessage[] = [];
  const parser = new JSONParser({ paths: ['$.id', '$.name', '$.type', '$.messages.*'], keepStack: false });
  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 1) {
      if (key === 'id' && typeof value === 'number') header.id = value;
      if (key === 'name' && typeof value === 'string') header.name = value;
      if (key === 'type' && typeof value === 'string') header.type = value;
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      pending.push(value as ExportMessage);
    }
  };
  let batch: CollectedPostInput[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const posts = batch;
    batch = [];
    await options.publisher.publish('export', posts, { moveCursor: false });
    // Malformed messages ride along (the pipeline files them in rejects) but are not published posts.
    progress.published += posts.filter((p) => !('exportMessage' in p)).length;
  };

  const drain = async () => {
    if (pending.length > 0 && header.id === undefined) {
      throw new Error(
        'export: the chat id must come before its messages (is this a single-chat result.json?)',
      );
    }
    const collectedAt = new Date(options.clock.now()).toISOString();
    for (const message of pending.splice(0)) {
      progress.messages += 1;
      const channel = {
        id: `-100${header.id}`,
        ...(options.username ? { username: options.username } : {}),
        ...(header.name ? { title: header.name } : {}),
      };
      const post = exportMessageToPost(message, channel, collectedAt);
      if (!post && message.type === 'message') {
        progress.malformed += 1;
        // Not a valid post by design: the pipeline validates each post and files this one in rejects.
        batch.push(malformedExportMessage(message, channel, collectedAt) as CollectedPostInput);
        if (batch.length >= size) await flush();
        continue;
      }
      if (!post) {
        progress.skipped += 1;
        continue;
      }
      batch.push(post);
      if (batch.length >= size) await flush();
    }
  };

  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (options.signal?.aborted) break;
    parser.write(chunk);
    progress.bytes += chunk.length;
    await drain();
    options.onProgress?.({ ...progress });
  }
  if (!options.signal?.aborted) {
    if (!parser.isEnded) parser.end();
    await drain();
    await flush();
    options.onProgress?.({ ...progress });
  }
  return progress;
}
