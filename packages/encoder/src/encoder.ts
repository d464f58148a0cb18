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
  /** e.g. "e5-small-int8-g2-L12-T64": what tagged a post, recorded beside its tags. */
  version: string;
  layers: number;
  dim: number;
  dir: string;
}

export interface Encoder {
  info: EncoderInfo;
  /** L2-normalised embeddings, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Encoder threads running now (they start as the backlog asks for them, up to `threads`). */
  threads(): number;
  close(): Promise<void>;
}

export interface EncoderOptions {
  /**
   * Tokens per text including <s> </s>; longer posts are cut (the head carries the claim). 64: on the
   * corpus train split (site-grouped CV) 64 scored as 128 did at half the cost; 32 lost 0.06–0.09 F1.
   */
  maxTokens?: number;
  /**
   * Worker threads at most, each with its own onnxruntime session (~100 MB resident each).
   * onnxruntime-node runs a session on the calling thread: on the JS thread a second session gave
   * nothing (6.3 vs 6.9 ms per text), on two worker threads 2.8 ms per text against 5.6 on one.
   * Default: up to 2, one per core. One starts with the encoder, the others when texts wait (GROW_AT).
   */
  threads?: number;
}

export const DEFAULT_MAX_TOKENS = 64;

/**
 * The converted graph's revision: a conversion that moves the vectors gets a new one, so heads fitted
 * to the old vectors are not used with the new (they are refused until retrained) and a cached
 * conversion is made again. g2: residuals as Sum (convert_e5.py), vectors at cosine ≥ 0.997 to g1's.
 */
export const ENCODER_GRAPH = 'g2';

/** The name heads are fitted to: the converted graph, its layers and the token cut. */
export function encoderVersion(layers: number, maxTokens = DEFAULT_MAX_TOKENS): string {
  return `e5-small-int8-${ENCODER_GRAPH}-L${layers}-T${maxTokens}`;
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
  /** Why the thread is gone, once it is: later texts fail at once rather than wait for no reply. */
  private dead?: Error;

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
      this.dead ??= err;
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
      if (this.dead) return reject(this.dead);
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
/**
 * Texts waiting for a thread at which another thread starts. On a news-like channel stream (9 encoder
 * calls per 1,000 posts) a second thread sat mostly idle for 100 MB (`pnpm bench pipeline`, real
 * channel stream: the same posts/s with one); where most candidates reach the encoder (the sample
 * templates, long posts) two gave 10–22% more posts/s. At two chunks the channel stream's bursts (four
 * batches at once, each with its paragraph pairs) started a second thread in every run; at eight,
 * none did, and the templates and long posts still start one.
 */
const GROW_AT = 8 * CHUNK;

/** Consecutive texts of one embed call, sent to a thread as one message. */
type Chunk = { texts: readonly string[]; first: number; resolve: () => void; reject: (e: Error) => void };

export async function loadEncoder(dir: string, options: EncoderOptions = {}): Promise<Encoder> {
  const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as VocabFile;
  const tokenizer = new UnigramTokenizer(vocab);
  let maxThreads = Math.max(1, options.threads ?? Math.min(2, cpus().length));
  const model = join(dir, 'encoder-int8.onnx');
  const sessions = [await SessionThread.start(model)];
  const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, vocab.maxPositions);
  const info: EncoderInfo = {
    // Heads are fitted to vectors of this exact encoder: layers and the token cut.
    version: encoderVersion(vocab.layers, maxTokens),
    layers: vocab.layers,
    dim: vocab.dim,
    dir,
  };

  // Chunks of every call, taken in order by whichever thread is free.
  const queue: { chunk: Chunk; result: Float32Array[] }[] = [];
  const idle = new Set(sessions);
  let starting: Promise<void> | undefined;
  let closed = false;
  /** A free thread takes the next chunk, and the next, until none waits. */
  const pump = (session: SessionThread) => {
    const item = queue.shift();
    if (!item) {
      idle.add(session);
      return;
    }
    idle.delete(session);
    const { chunk, result } = item;
    let ids: Int32Array;
    let lengths: Int32Array;
    try {
      const encoded = chunk.texts.map((text) =>
        tokenizer.encode(PREFIX + text.slice(0, maxTokens * CHARS_PER_TOKEN_BOUND), maxTokens),
      );
      ids = Int32Array.from(encoded.flat());
      lengths = Int32Array.from(encoded, (e) => e.length);
    } catch (err) {
      chunk.reject(err instanceof Error ? err : new Error(String(err)));
      pump(session);
      return;
    }
    session.run(ids, lengths).then(
      (vectors) => {
        // Copies, not views: a view kept in the classifier's memo would hold its whole chunk.
        for (let k = 0; k < chunk.texts.length; k++)
          result[chunk.first + k] = vectors.slice(k * info.dim, (k + 1) * info.dim);
        chunk.resolve();
        pump(session);
      },
      (err: Error) => {
        chunk.reject(err);
        pump(session);
      },
    );
  };
  /** Another thread when texts wait and the cap allows; one failing to start leaves the others. */
  const grow = () => {
    const waiting = queue.reduce((n, q) => n + q.chunk.texts.length, 0);
    if (closed || starting || waiting < GROW_AT || sessions.length >= maxThreads) return;
    starting = SessionThread.start(model).then(
      (session) => {
        starting = undefined;
        if (closed) {
          void session.close();
          return;
        }
        sessions.push(session);
        pump(session);
      },
      () => {
        // Keep the threads there are; trying again on every batch would cost a model load each time.
        starting = undefined;
        maxThreads = sessions.length;
      },
    );
  };

  return {
    info,
    async embed(texts) {
      const result: Float32Array[] = new Array(texts.length);
      // One text per onnxruntime call: the int8 graph quantises activations per call, so in a batch a
      // text's vector (and its tags) would depend on its neighbours (cos 0.991). A message carries a
      // chunk of texts, each still its own call; chunks are sized so that every thread can have one.
      const size = Math.max(1, Math.min(CHUNK, Math.ceil(texts.length / maxThreads)));
      const done: Promise<void>[] = [];
      for (let first = 0; first < texts.length; first += size) {
        done.push(
          new Promise<void>((resolve, reject) => {
            queue.push({
              chunk: { texts: texts.slice(first, first + size), first, resolve, reject },
              result,
            });
          }),
        );
      }
      for (const session of [...idle]) pump(session);
      grow();
      await Promise.all(done);
      return result;
    },
    threads: () => sessions.length,
    async close() {
      closed = true;
      await starting;
      await Promise.all(sessions.map((s) => s.close()));
    },
  };
}
