import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CollectedPostInput } from '@cw/domain';
import { JSONParser } from '@streamparser/json';
import type { Clock } from '../../clock.ts';
import { MAX_BATCH, type Publisher } from '../../publish/publisher.ts';
import { joinAlbum, sameExportAlbum } from '../albums.ts';
import {
  type ExportChat,
  ExportError,
  type ExportHeader,
  type ExportMessage,
  exportChat,
  exportMessageToPost,
  malformedExportMessage,
} from './export-message.ts';

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
  /** Messages folded into the album post of the message before them (one post, N media). */
  albumMembers: number;
  /** Messages whose time came from the wall-clock `date` (no `date_unixtime`), read in `zone`. */
  wallClock: number;
  zone: string;
  /** The queue jobs this import made, in order: their results are the pipeline's verdicts. */
  jobIds: string[];
  chat?: ExportChat;
};

export type ImportOptions = {
  publisher: Publisher;
  clock: Clock;
  /** The channel's username, which exports do not contain. */
  username?: string;
  /** IANA zone of the exporting machine, for exports without `date_unixtime` (default UTC). */
  zone?: string;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
};

const BOM = [0xef, 0xbb, 0xbf];
/** U+10FFFF, a noncharacter no text holds, stands in for U+FEFF while the parser reads. */
const STAND_IN = '\u{10FFFF}';
const STAND_IN_BYTES = Buffer.from(STAND_IN);

/**
 * The JSON parser decodes each multi-byte character (escapes included) with a TextDecoder that
 * drops U+FEFF as a byte order mark, so one inside a string vanished. It is swapped for a stand-in
 * here (only strings can hold it after the file's first bytes) and back by `restoreBoms`.
 * `carry` holds a BOM split across chunks; `seen` says whether any was swapped.
 */
export function keepInnerBoms(
  chunk: Buffer,
  state: { carry: Buffer; start: boolean; seen?: boolean },
): Buffer {
  let data = state.carry.length > 0 ? Buffer.concat([state.carry, chunk]) : chunk;
  let from = 0;
  if (state.start) {
    state.start = false;
    if (data[0] === BOM[0] && data[1] === BOM[1] && data[2] === BOM[2]) from = 3;
  }
  const parts: Buffer[] = [];
  let last = 0;
  for (let i = data.indexOf(0xef, from); i !== -1; i = data.indexOf(0xef, i + 1)) {
    if (i + 2 >= data.length) break;
    if (data[i + 1] === BOM[1] && data[i + 2] === BOM[2]) {
      parts.push(data.subarray(last, i), STAND_IN_BYTES);
      state.seen = true;
      last = i + 3;
      i += 2;
    }
  }
  // Keep a trailing partial 0xEF (0xBB) for the next chunk.
  let end = data.length;
  if (data.length >= 1 && data[data.length - 1] === 0xef && data.length - 1 >= last) end = data.length - 1;
  else if (data.length >= 2 && data[data.length - 2] === 0xef && data[data.length - 1] === 0xbb)
    end = data.length - 2;
  state.carry = Buffer.from(data.subarray(end));
  parts.push(data.subarray(last, end));
  data = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  return data;
}

/** Puts the U+FEFF swapped by `keepInnerBoms` back into every string of a parsed value. */
export function restoreBoms<T>(value: T): T {
  if (typeof value === 'string')
    return (value.includes(STAND_IN) ? value.replaceAll(STAND_IN, '\uFEFF') : value) as T;
  if (Array.isArray(value)) return value.map((v) => restoreBoms(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreBoms(v)])) as T;
  }
  return value;
}

/**
 * Imports do not read or move cursors: an export usually covers older history than the live
 * collector's cursor. Importing twice is harmless: documents are keyed by channel and message id,
 * and the writer merges an export into what the live collector wrote.
 *
 * A file that cannot be read to its end (truncated, not JSON, a personal chat) ends in an
 * ExportError that says where it broke and how many posts were enqueued before.
 */
export async function importExport(path: string, options: ImportOptions): Promise<ImportProgress> {
  const totalBytes = (await stat(path)).size;
  const zone = options.zone ?? 'UTC';
  const progress: ImportProgress = {
    bytes: 0,
    totalBytes,
    messages: 0,
    published: 0,
    skipped: 0,
    malformed: 0,
    wallClock: 0,
    albumMembers: 0,
    zone,
    jobIds: [],
  };
  const runId = randomUUID();
  const size = Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH);
  const header: ExportHeader = {};
  const bomState: { carry: Buffer; start: boolean; seen?: boolean } = { carry: Buffer.alloc(0), start: true };
  const pending: ExportMessage[] = [];
  const parser = new JSONParser({ paths: ['$.id', '$.name', '$.type', '$.messages.*'], keepStack: false });
  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 1) {
      if (key === 'id' && typeof value === 'number') header.id = value;
      if (key === 'name' && typeof value === 'string') header.name = value;
      if (key === 'type' && typeof value === 'string') header.type = value;
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      pending.push((bomState.seen ? restoreBoms(value) : value) as ExportMessage);
    }
  };
  let batch: CollectedPostInput[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const posts = batch;
    batch = [];
    progress.jobIds.push(...(await options.publisher.publish('export', posts, { moveCursor: false, runId })));
    // Malformed messages ride along (the pipeline files them in rejects) but are not published posts.
    progress.published += posts.filter((p) => !('exportMessage' in p)).length;
  };

  let chat: ExportChat | undefined;
  const drain = async () => {
    if (pending.length === 0) return;
    if (header.id === undefined) {
      throw new ExportError(
        'export: the chat id must come before its messages (is this a single-chat result.json?)',
      );
    }
    chat ??= exportChat(header, options.username);
    progress.chat = chat;
    const collectedAt = new Date(options.clock.now()).toISOString();
    for (const message of pending.splice(0)) {
      progress.messages += 1;
      const post = exportMessageToPost(message, chat, collectedAt, zone);
      if (!post && message.type === 'message') {
        progress.malformed += 1;
        await release();
        // Not a valid post by design: the pipeline validates each post and files this one in rejects.
        batch.push(malformedExportMessage(message, chat.channel, collectedAt, zone) as CollectedPostInput);
        if (batch.length >= size) await flush();
        continue;
      }
      if (!post) {
        progress.skipped += 1;
        continue;
      }
      if (!message.date_unixtime) progress.wallClock += 1;
      // Album members (consecutive, same second, media only) are held until the album is complete.
      if (held && sameExportAlbum(held, post)) {
        held = joinAlbum(held, post);
        progress.albumMembers += 1;
        continue;
      }
      await release();
      held = post;
    }
  };
  let held: CollectedPostInput | undefined;
  const release = async () => {
    if (!held) return;
    batch.push(held);
    held = undefined;
    if (batch.length >= size) await flush();
  };

  const broken = (err: unknown): ExportError => {
    if (err instanceof ExportError) return err;
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return new ExportError(
      `export: ${path} is not a complete JSON export: ${reason} (read ${progress.bytes} of ${totalBytes} bytes, ` +
        `${progress.messages} messages); ${progress.published} posts enqueued before that point stay queued, the rest was not imported`,
    );
  };

  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) break;
      parser.write(keepInnerBoms(chunk, bomState));
      progress.bytes += chunk.length;
      await drain();
      options.onProgress?.({ ...progress });
    }
    if (!options.signal?.aborted) {
      if (bomState.carry.length > 0) parser.write(bomState.carry);
      if (!parser.isEnded) parser.end();
      await drain();
      if (header.id === undefined && progress.messages === 0) {
        throw new ExportError(`export: ${path} holds no chat (no "id" and no "messages")`);
      }
      await release();
      await flush();
      options.onProgress?.({ ...progress });
    }
  } catch (err) {
    // What was parsed before the break is still sent: nothing read is lost.
    await drainQuietly(drain);
    await release();
    await flush();
    throw broken(err);
  } finally {
    stream.destroy();
  }
  return progress;
}

async function drainQuietly(drain: () => Promise<void>) {
  try {
    await drain();
  } catch {
    // The original error is the one reported.
  }
}
