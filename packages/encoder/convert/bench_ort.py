"""Speed and vectors of the converted encoder under onnxruntime's graph optimisation choices, one text
per run on one thread, as the pipeline runs it. Prints thread CPU per text (best of 3 per text, the
median over texts) and how far each choice moves the vectors from the default ("all").

Why: "all" fuses Add + LayerNormalization into SkipLayerNormalization, which was as slow as the matrix
products here (8,125 against 6,297 µs per text), and the vectors moved with it (cosine ~0.997).
convert_e5.py now writes the residuals as Sum, which that fusion does not match: on a graph it makes,
the three choices should give the same vectors, and "all" should be no slower than without the fusion.
Run with the converter's venv:

  .cache/encoder/venv/bin/python packages/encoder/convert/bench_ort.py .cache/encoder/e5-small-int8-g2-L12/encoder-int8.onnx
"""

import sys
import time

import numpy as np
import onnxruntime as ort


def session(path, level, disabled=None):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    so.graph_optimization_level = level
    extra = {"disabled_optimizers": disabled} if disabled else {}
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"], **extra)


def main():
    path = sys.argv[1]
    level = ort.GraphOptimizationLevel
    sessions = {
        "all (as the pipeline)": session(path, level.ORT_ENABLE_ALL),
        "all without SkipLayerNormFusion": session(path, level.ORT_ENABLE_ALL, ["SkipLayerNormFusion"]),
        "basic": session(path, level.ORT_ENABLE_BASIC),
    }
    rng = np.random.default_rng(1)
    texts = [
        np.concatenate([[0], rng.integers(5, 150000, size=int(rng.integers(30, 62))), [2]]).astype(np.int64)[None]
        for _ in range(300)
    ]
    times = {k: np.zeros((3, len(texts))) for k in sessions}
    vectors = {k: [] for k in sessions}
    for r in range(3):
        for i, ids in enumerate(texts):
            feed = {"input_ids": ids, "attention_mask": np.ones(ids.shape, np.float32)}
            for k, s in sessions.items():
                t = time.thread_time_ns()
                out = s.run(None, feed)[0]
                times[k][r, i] = time.thread_time_ns() - t
                if r == 0:
                    vectors[k].append(out[0])
    base = np.array(vectors["all (as the pipeline)"])
    print(f"onnxruntime {ort.__version__}, {len(texts)} texts of 32-63 tokens, one per run, one thread")
    for k in sessions:
        v = np.array(vectors[k])
        per_text = np.median(times[k].min(axis=0)) / 1e3
        print(
            f"  {k:34s} {per_text:6.0f} µs CPU per text; vectors against 'all': "
            f"min cosine {(v * base).sum(axis=1).min():.7f}, max |diff| {np.abs(v - base).max():.2e}"
        )


if __name__ == "__main__":
    main()
