#!/usr/bin/env python3
"""Raw tensor files for compiled qmlir models, by their manifest (NAME.json).

The C harness (harness.c) reads and writes tensors as raw bytes in C order.
This script makes those files from ONNX test data and checks what comes back:

  raw_io.py inputs MANIFEST DIR OUTDIR
      DIR/input_K.pb (or .npy) -> OUTDIR/input_K.bin, checked against the
      manifest's dtype and shape.
  raw_io.py compare MANIFEST DIR OUT_0.bin ... [--rtol R] [--atol A]
      Each raw output against DIR/output_K.pb with numpy.allclose's rule
      (integers and bools exactly); prints one line per output, exits 1 on
      a mismatch.

float16 is numpy's float16; bfloat16 files hold the 16 high bits of a
float32 (ONNX's test data stores bfloat16 as UINT16).
"""

import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# numpy dtype of each manifest dtype (bfloat16 as its bits).
DTYPES = {"float16": np.float16, "bfloat16": np.uint16, "float32": np.float32,
          "float64": np.float64, "bool": np.bool_, "int8": np.int8,
          "int16": np.int16, "int32": np.int32, "int64": np.int64,
          "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32,
          "uint64": np.uint64}


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def as_float(a, dtype):
    """Values to compare: bfloat16 bits widened to float32."""
    if dtype == "bfloat16":
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a


def conform(a, t, what):
    if dtype_bits(a) != t["dtype"] and not (
            t["dtype"] == "bfloat16" and a.dtype == np.uint16):
        sys.exit(f"error: {what} is {a.dtype} but '{t['name']}' is {t['dtype']}")
    if list(a.shape) != t["shape"]:
        sys.exit(f"error: {what} has shape {list(a.shape)} but '{t['name']}' "
                 f"has {t['shape']}")
    return np.ascontiguousarray(a).astype(DTYPES[t["dtype"]], copy=False)


def dtype_bits(a):
    return "bool" if a.dtype == np.bool_ else str(a.dtype)


def find(directory, stem):
    for ext in (".pb", ".npy"):
        path = os.path.join(directory, stem + ext)
        if os.path.exists(path):
            return path
    sys.exit(f"error: no {stem}.pb or {stem}.npy in '{directory}'")


def inputs(args, manifest):
    os.makedirs(args.outdir, exist_ok=True)
    for k, t in enumerate(manifest["inputs"]):
        path = find(args.dir, f"input_{k}")
        a = conform(load(path), t, f"'{path}'")
        a.tofile(os.path.join(args.outdir, f"input_{k}.bin"))


def compare(args, manifest):
    outs = manifest["outputs"]
    if len(args.raw) != len(outs):
        sys.exit(f"error: {len(args.raw)} raw files for {len(outs)} outputs")
    ok = True
    for k, (t, raw) in enumerate(zip(outs, args.raw)):
        expected = conform(load(find(args.dir, f"output_{k}")), t,
                           f"output_{k}")
        actual = np.fromfile(raw, dtype=DTYPES[t["dtype"]])
        if actual.size != expected.size:
            sys.exit(f"error: '{raw}' holds {actual.size} elements, "
                     f"'{t['name']}' has {expected.size}")
        actual = actual.reshape(expected.shape)
        a, e = as_float(actual, t["dtype"]), as_float(expected, t["dtype"])
        if a.dtype.kind in "biu":
            good = np.array_equal(a, e)
            err = 0 if good else int(np.abs(a.astype(np.int64) -
                                            e.astype(np.int64)).max())
        else:
            good = np.allclose(a, e, rtol=args.rtol, atol=args.atol,
                               equal_nan=True)
            with np.errstate(invalid="ignore"):
                diff = np.abs(a.astype(np.float64) - e.astype(np.float64))
            err = float(np.nanmax(diff)) if diff.size else 0.0
        print(f"output '{t['name']}' {t['dtype']}{t['shape']}: max abs error "
              f"{err:.3g}: {'ok' if good else 'mismatch'}")
        ok &= bool(good)
    sys.exit(0 if ok else 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("inputs")
    i.add_argument("manifest")
    i.add_argument("dir")
    i.add_argument("outdir")
    c = sub.add_parser("compare")
    c.add_argument("manifest")
    c.add_argument("dir")
    c.add_argument("raw", nargs="+")
    c.add_argument("--rtol", type=float, default=1e-3)
    c.add_argument("--atol", type=float, default=1e-7)
    args = p.parse_args()
    with open(args.manifest) as f:
        manifest = json.load(f)
    (inputs if args.command == "inputs" else compare)(args, manifest)


if __name__ == "__main__":
    main()
