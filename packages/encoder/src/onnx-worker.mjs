// One onnxruntime session on its own thread: onnxruntime-node runs a session on the calling thread,
// so sessions on worker threads are what lets encoding use more than one core and leaves the
// pipeline's event loop free. Plain JavaScript: a worker thread does not get the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const session = await ort.InferenceSession.create(workerData.model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});

// Each text of a message is its own run (see embed in encoder.ts); the vectors go back together.
parentPort.on('message', async ({ id, ids, lengths }) => {
  try {
    let vectors;
    let at = 0;
    for (let k = 0; k < lengths.length; k++) {
      const length = lengths[k];
      const input = BigInt64Array.from(ids.subarray(at, at + length), (x) => BigInt(x));
      at += length;
      const out = await session.run({
        input_ids: new ort.Tensor('int64', input, [1, length]),
        attention_mask: new ort.Tensor('float32', new Float32Array(length).fill(1), [1, length]),
      });
      const vector = out.embedding.data;
      vectors ??= new Float32Array(lengths.length * vector.length);
      vectors.set(vector, k * vector.length);
    }
    vectors ??= new Float32Array(0);
    parentPort.postMessage({ id, vectors }, [vectors.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort.postMessage({ ready: true });
