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

parentPort.on('message', async ({ id, ids }) => {
  try {
    const input = BigInt64Array.from(ids, (x) => BigInt(x));
    const mask = new Float32Array(ids.length).fill(1);
    const out = await session.run({
      input_ids: new ort.Tensor('int64', input, [1, ids.length]),
      attention_mask: new ort.Tensor('float32', mask, [1, ids.length]),
    });
    const vector = Float32Array.from(out.embedding.data);
    parentPort.postMessage({ id, vector }, [vector.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort.postMessage({ ready: true });
