// The sentence encoder: multilingual-e5-small as an int8 ONNX graph run by onnxruntime-node. Inference
// runs on onnxruntime's own thread, so a worker's event loop keeps going while a batch is encoded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { UnigramTokenizer, type VocabFile } from './tokenizer.ts';

export interface EncoderInfo {
  /** e.g. "e5-small-int8-L6": what tagged a post, recorded beside its tags. */
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
   * Texts per onnxruntime call. 1 by default: the int8 graph quantizes activations per call, so a
   * text's vector (and its tags) would otherwise depend on what it was batched with (cos 0.991).
   */
  batchSize?: number;
  threads?: number;
}

export const DEFAULT_MAX_TOKENS = 64;
// E5 wants a task prefix; "query: " is the one its authors use for classification and similarity.
const PREFIX = 'query: ';
// Text beyond this many characters cannot fit in maxTokens anyway; cutting first bounds the Viterbi.
const CHARS_PER_TOKEN_BOUND = 8;

// onnxruntime-node runs a session on the calling (JS) thread: while a post is encoded the event loop
// waits, and a second session in the same thread gives nothing (measured: 6.3 vs 6.9 ms per text).
export async function loadEncoder(dir: string, options: EncoderOptions = {}): Promise<Encoder> {
  const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as VocabFile;
  const tokenizer = new UnigramTokenizer(vocab);
  const session = await ort.InferenceSession.create(join(dir, 'encoder-int8.onnx'), {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, vocab.maxPositions);
  const batchSize = options.batchSize ?? 1;
  const info: EncoderInfo = {
    // Heads are fitted to vectors of this exact encoder: layers and the token cut.
    version: `e5-small-int8-L${vocab.layers}-T${maxTokens}`,
    layers: vocab.layers,
    dim: vocab.dim,
    dir,
  };

  const runBatch = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const encoded = texts.map((t) =>
      tokenizer.encode(PREFIX + t.slice(0, maxTokens * CHARS_PER_TOKEN_BOUND), maxTokens),
    );
    const width = Math.max(...encoded.map((e) => e.length));
    const ids = new BigInt64Array(encoded.length * width).fill(BigInt(tokenizer.pad));
    const mask = new Float32Array(encoded.length * width);
    encoded.forEach((tokens, row) => {
      tokens.forEach((id, col) => {
        ids[row * width + col] = BigInt(id);
        mask[row * width + col] = 1;
      });
    });
    const out = await session.run({
      input_ids: new ort.Tensor('int64', ids, [encoded.length, width]),
      attention_mask: new ort.Tensor('float32', mask, [encoded.length, width]),
    });
    const data = out['embedding']?.data as Float32Array;
    return encoded.map((_, row) => data.slice(row * vocab.dim, (row + 1) * vocab.dim));
  };

  return {
    info,
    async embed(texts) {
      // Similar lengths share a batch, so little of each batch is padding.
      const order = texts.map((_, i) => i).sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
      const result: Float32Array[] = new Array(texts.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const slice = order.slice(start, start + batchSize);
        const vectors = await runBatch(slice.map((i) => texts[i] as string));
        slice.forEach((i, k) => {
          result[i] = vectors[k] as Float32Array;
        });
      }
      return result;
    },
    close: () => session.release(),
  };
}
