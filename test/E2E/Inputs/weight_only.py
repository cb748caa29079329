"""Weight-only quantization end to end: qcompile --quant=w8|w4|nf4 on a
model with a MatMul (3-D activation), a Gemm with trans_b and a MatMul
whose K is not a multiple of the block, against numpy references of the
formats written from NUMERICS.md (ONNX Runtime's compute_scale_zp per
block; bitsandbytes' NF4 with blocks of 64).

usage: weight_only.py make DIR
       weight_only.py check DIR SCHEME LIBRARY PYTHON_PACKAGE_DIR
       weight_only.py check-raw DIR SCHEME OUTPUT_DIR (y1.bin, y2.bin, y3.bin
           written by a compiled object, e.g. under qemu)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

NF4 = np.array([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
    0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0])

K, N, K2 = 256, 10, 200


def weights():
    rng = np.random.default_rng(7)
    w1 = rng.standard_normal((K, N)).astype(np.float32)
    w1[:, 3] = np.abs(w1[:, 3])       # a column with no negative weights
    w1[:128, 4] = 0.0                 # a block of zeros
    w2 = rng.standard_normal((N, K)).astype(np.float32)   # Gemm trans_b
    w3 = rng.standard_normal((K2, 7)).astype(np.float32)
    x = rng.standard_normal((1, 3, K)).astype(np.float32)
    return w1, w2, w3, x


def make(out):
    w1, w2, w3, x = weights()
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["y1"], name="mm"),
        helper.make_node("Reshape", ["x", "shape"], ["x2"], name="flat"),
        helper.make_node("Gemm", ["x2", "w2"], ["y2"], name="gemm", transB=1),
        helper.make_node("Slice", ["x2", "start", "end", "axes"], ["x3"],
                         name="cut"),
        helper.make_node("MatMul", ["x3", "w3"], ["y3"], name="mm_tail"),
    ]
    inits = [numpy_helper.from_array(w1, "w1"),
             numpy_helper.from_array(w2, "w2"),
             numpy_helper.from_array(w3, "w3"),
             numpy_helper.from_array(np.array([3, K], np.int64), "shape"),
             numpy_helper.from_array(np.array([0], np.int64), "start"),
             numpy_helper.from_array(np.array([K2], np.int64), "end"),
             numpy_helper.from_array(np.array([1], np.int64), "axes")]
    graph = helper.make_graph(
        nodes, "weight_only",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, K])],
        [helper.make_tensor_value_info("y1", TensorProto.FLOAT, [1, 3, N]),
         helper.make_tensor_value_info("y2", TensorProto.FLOAT, [3, N]),
         helper.make_tensor_value_info("y3", TensorProto.FLOAT, [3, 7])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, f"{out}/model.onnx")
    np.save(f"{out}/x.npy", x)
    x.tofile(f"{out}/x.bin")


def affine(w, bits, symmetric):
    """w (1-D block) quantized and dequantized in f32 as compute_scale_zp."""
    f = np.float32
    lo, hi = f(min(w.min(), 0)), f(max(w.max(), 0))
    if symmetric:
        qmax = 127 if bits == 8 else 7
        a = max(abs(lo), abs(hi))
        s = f(a / f(qmax)) if a > 0 else f(1)
        q = np.clip(np.rint(w / s), -qmax, qmax)
        return (q * s).astype(f)
    qmax = 255 if bits == 8 else 15
    if not hi - lo > 0:
        return np.zeros_like(w)
    s = f((hi - lo) / f(qmax))
    zp = np.clip(np.rint(f(0) - lo / s), 0, qmax)
    q = np.clip(np.rint(w / s) + zp, 0, qmax)
    return ((q - zp) * s).astype(f)


def nf4(w):
    a = np.float32(np.abs(w).max())
    if a == 0:
        return np.zeros_like(w)
    codes = np.argmin(np.abs((w / a)[:, None].astype(np.float64) - NF4), axis=1)
    return (NF4[codes].astype(np.float32) * a).astype(np.float32)


def dequantized(w, scheme, k_axis):
    """w with each column's blocks along K quantized and dequantized."""
    wk = w if k_axis == 0 else w.T           # [K, N]
    out = np.empty_like(wk)
    kk = wk.shape[0]
    for j in range(wk.shape[1]):
        col = wk[:, j]
        if scheme == "w8":                   # per output channel
            out[:, j] = affine(col, 8, False)
            continue
        block = 128 if scheme == "w4" else 64
        for b in range(0, kk, block):
            part = col[b:b + block]
            out[b:b + block, j] = (affine(part, 4, False) if scheme == "w4"
                                   else nf4(part))
    return out if k_axis == 0 else out.T


def compare(scheme, outputs):
    w1, w2, w3, x = weights()
    x2 = x.reshape(3, K).astype(np.float64)
    refs = [x.astype(np.float64) @ dequantized(w1, scheme, 0),
            x2 @ dequantized(w2, scheme, 1).T,
            x2[:, :K2] @ dequantized(w3, scheme, 0)]
    worst = 0.0
    for name, got, ref in zip(["y1", "y2", "y3"], outputs, refs):
        err = np.abs(got.reshape(ref.shape) - ref).max() / np.abs(ref).max()
        worst = max(worst, err)
        print(f"{scheme} {name}: max |diff| / max |ref| = {err:.2e}")
    # The dequantized weights are those of the format; what is left is f32
    # accumulation order.
    print(f"{scheme}: {'OK' if worst < 1e-5 else 'MISMATCH'}")


def check(scheme, library, package):
    sys.path.insert(0, package)
    import qmlir
    x = weights()[3]
    compare(scheme, qmlir.load(library)(x))


def check_raw(scheme, outputs):
    compare(scheme, [np.fromfile(f"{outputs}/{name}.bin", dtype=np.float32)
                     for name in ["y1", "y2", "y3"]])


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        check_raw(sys.argv[3], sys.argv[4])
