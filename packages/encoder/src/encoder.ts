// The sentence encoder: multilingual-e5-small as an int8 ONNX graph run by onnxruntime-node on
// worker threads, one session each. The tokenizer runs here; a worker gets token ids and returns the
// embedding.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UnigramTokenizer, type VocabFile } from './tokenizer.ts';

export interface EncoderInfo {
  /** e.g. "e5-small-int8-L6-T64": what tagged a post, recorded beside its tags. */
  version: string;
  layers: number;
  dim: number;
  dir: string;
}

export interface Encoder {
  info: EncoderInfo;
  /** L2-normalised embeddings, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface EncoderOptions {
  /**
   * Tokens per text including <s> </s>; longer posts are cut (the head carries the claim). 64: on the
   * corpus train split (site-grouped CV) 64 scored as 128 did at half the cost; 32 lost 0.06–0.09 F1.
   */
  maxTokens?: number;
  /**
   * Worker threads, each with its own onnxruntime session (~100 MB resident each). onnxruntime-node
   * runs a session on the calling thread: on the JS thread a second session gave nothing (6.3 vs 6.9 ms
   * per text), on two worker threads 2.8 ms per text against 5.6 on one. Default: up to 2, one per core.
   */
  threads?: number;
}

export const DEFAULT_MAX_TOKENS = 64;

/** The name heads are fitted to: the converted model's layers and the token cut. */
export function encoderVersion(layers: number, maxTokens = DEFAULT_MAX_TOKENS): string {
  return `e5-small-int8-L${layers}-T${maxTokens}`;
}
// E5 wants a task prefix; "query: " is the one its authors use for classification and similarity.
const PREFIX = 'query: ';
// Text beyond this many characters cannot fit in maxTokens anyway; cutting first bounds the Viterbi.
const CHARS_PER_TOKEN_BOUND = 8;
const WORKER = fileURLToPath(new URL('./onnx-worker.mjs', import.meta.url));

type Reply = { id: number; vectors?: Float32Array; error?: string; ready?: boolean };

/**
 * A session on a worker thread. A message carries several texts (their token ids end to end and each
 * one's length) and comes back with all their vectors: one message per text cost as much as a sixth of
 * the encoder's time in postMessage on both threads (node --cpu-prof). The thread still runs each
 * text as its own call (see embed).
 */
class SessionThread {
  private worker: Worker;
  private pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.vectors) p.resolve(m.vectors);
      else p.reject(new Error(`encoder: ${m.error ?? 'no result'}`));
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`encoder thread exited (${code})`)));
  }

  static start(model: string): Promise<SessionThread> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER, { workerData: { model } });
      worker.once('message', (m: Reply) =>
        m.ready ? resolve(new SessionThread(worker)) : reject(new Error(m.error)),
      );
      worker.once('error', reject);
    });
  }

  /** Vectors of the texts whose ids are `ids` end to end, `lengths[i]` ids each: lengths.length × dim. */
  run(ids: Int32Array, lengths: Int32Array): Promise<Float32Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ids, lengths }, [
        ids.buffer as ArrayBuffer,
        lengths.buffer as ArrayBuffer,
      ]);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Texts per message: large enough to spread the message cost, small enough that both threads stay busy
 * to the end of a batch. */
const CHUNK = 8;

export async function loadEncoder(dir: string, options: EncoderOptions = {}): Promise<Encoder> {
  const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as VocabFile;
  const tokenizer = new UnigramTokenizer(vocab);
  const threads = Math.max(1, options.threads ?? Math.min(2, cpus().length));
  const sessions = await Promise.all(
    Array.from({ length: threads }, () => SessionThread.start(join(dir, 'encoder-int8.onnx'))),
  );
  const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, vocab.maxPositions);
  const info: EncoderInfo = {
    // Heads are fitted to vectors of this exact encoder: layers and the token cut.
    version: encoderVersion(vocab.layers, maxTokens),
    layers: vocab.layers,
    dim: vocab.dim,
    dir,
  };

  return {
    info,
    async embed(texts) {
      const result: Float32Array[] = new Array(texts.length);
      // One text per call: the int8 graph quantises activations per call, so in a batch a text's vector
      // (and its tags) would depend on its neighbours (cos 0.991). Chunks of texts go to whichever thread
      // is free.
      let next = 0;
      await Promise.all(
        sessions.map(async (session) => {
          while (next < texts.length) {
            const first = next;
            const count = Math.min(CHUNK, Math.ceil((texts.length - first) / sessions.length));
            next += count;
            const encoded = texts
              .slice(first, first + count)
              .map((text) =>
                tokenizer.encode(PREFIX + text.slice(0, maxTokens * CHARS_PER_TOKEN_BOUND), maxTokens),
              );
            const ids = Int32Array.from(encoded.flat());
            const lengths = Int32Array.from(encoded, (e) => e.length);
            const vectors = await session.run(ids, lengths);
            // Copies, not views: a view kept in the classifier's memo would hold its whole chunk.
            for (let k = 0; k < count; k++)
              result[first + k] = vectors.slice(k * info.dim, (k + 1) * info.dim);
          }
        }),
      );
      return result;
    },
    async close() {
      await Promise.all(sessions.map((s) => s.close()));
    },
  };
}
