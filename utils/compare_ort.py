#!/usr/bin/env python3
#===- utils/compare_ort.py - qmlir's outputs against ONNX Runtime's -------===#
#
# Runs one model with qrun and with ONNX Runtime (utils/ort/ort_run.js, CPU,
# one thread) on the same inputs and compares every output:
#   max |q - ort| <= rtol * max |ort|   (relative to the output's scale)
#   or max |q - ort| <= atol            (for outputs near zero)
# and prints the errors. --extra-output NAME also compares an intermediate
# value (the model is copied with it as an additional graph output), e.g.
# the logits before a final sigmoid. Inputs are .npy files given with --input, or made
# here: a deterministic synthetic "document" image (dark strokes on a light
# page, normalized as PP-OCR does) for 4-D float inputs, random normals
# otherwise.
#
# --ort-model FILE compares ONNX Runtime on FILE instead of qrun: a model
# qopt --emit=onnx exported against the original.
#
# usage: compare_ort.py MODEL --input-shape x=1x3x48x192 [--input x=f.npy]
#                       [--rtol 1e-4] [--qrun build/bin/qrun] [--keep DIR]
#                       [--qmlir-model MODEL.mlir|MODEL.so]
#                       [--ort-model EXPORTED.onnx]
#
#===------------------------------------------------------------------------===#
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def document_image(shape, seed):
  """A light page with dark text-like strokes, normalized to about [-1, 1]."""
  rng = np.random.default_rng(seed)
  n, c, h, w = shape
  img = np.full((n, h, w), 0.92, np.float32)
  for b in range(n):
    for _ in range(max(4, h * w // 600)):
      y, x = rng.integers(0, h), rng.integers(0, w)
      lh, lw = rng.integers(1, max(2, h // 12)), rng.integers(2, max(3, w // 6))
      img[b, y:y + lh, x:x + lw] = rng.uniform(0.0, 0.3)
  img += rng.normal(0, 0.02, img.shape).astype(np.float32)
  img = np.repeat(img[:, None], c, axis=1)
  return ((img - 0.5) / 0.5).astype(np.float32)


def make_inputs(model, shapes, seed, outdir):
  files = {}
  inits = {t.name for t in model.graph.initializer}
  for k, vi in enumerate(i for i in model.graph.input if i.name not in inits):
    tt = vi.type.tensor_type
    dims = shapes.get(vi.name) or [d.dim_value for d in tt.shape.dim]
    if any(d <= 0 for d in dims):
      sys.exit("error: input '%s' has symbolic dims: give --input-shape" %
               vi.name)
    dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tt.elem_type]
    if len(dims) == 4 and dtype == np.float32:
      data = document_image(dims, seed + k)
    else:
      data = np.random.default_rng(seed + k).normal(size=dims).astype(dtype)
    path = os.path.join(outdir, "input_%d.npy" % k)
    np.save(path, data)
    files[vi.name] = path
  return files


def main():
  p = argparse.ArgumentParser(
      description="Compare qrun's outputs with ONNX Runtime's on the same inputs.")
  p.add_argument("model")
  p.add_argument("--input-shape", action="append", default=[],
                 metavar="NAME=DIMS", help="pin an input's shape (1x3x48x192)")
  p.add_argument("--input", action="append", default=[], metavar="NAME=FILE",
                 help="use this .npy file for an input")
  p.add_argument("--rtol", type=float, default=1e-4,
                 help="allowed max |q - ort| relative to max |ort| per output")
  p.add_argument("--atol", type=float, default=1e-6,
                 help="allowed max |q - ort| whatever the output's scale")
  p.add_argument("--extra-output", action="append", default=[],
                 metavar="NAME", help="also compare this intermediate value")
  p.add_argument("--seed", type=int, default=0)
  p.add_argument("--qrun", default=os.path.join(ROOT, "build", "bin", "qrun"))
  p.add_argument("--qmlir-model", metavar="FILE",
                 help="what qrun runs instead of MODEL: the model after qopt "
                 "passes (.mlir), a library from qcompile (.so)")
  p.add_argument("--ort-model", metavar="FILE",
                 help="run FILE with ONNX Runtime instead of qrun (a model "
                 "exported with qopt --emit=onnx)")
  p.add_argument("--keep", help="keep inputs and outputs in this folder")
  args = p.parse_args()
  if args.ort_model and (args.qmlir_model or args.extra_output):
    p.error("--ort-model excludes --qmlir-model and --extra-output")
  who = "exported" if args.ort_model else "qmlir"

  work = args.keep or tempfile.mkdtemp(prefix="qmlir-ort-")
  os.makedirs(work, exist_ok=True)
  try:
    shapes = {}
    for spec in args.input_shape:
      name, dims = spec.split("=")
      shapes[name] = [int(d) for d in dims.split("x")]
    model = onnx.load(args.model)
    if args.extra_output:
      model_path = os.path.join(work, "model.onnx")
      pinned = onnx.load(args.model)
      for vi in pinned.graph.input:
        if vi.name in shapes:
          for d, v in zip(vi.type.tensor_type.shape.dim, shapes[vi.name]):
            d.ClearField("dim_param")
            d.dim_value = v
      inferred = onnx.shape_inference.infer_shapes(pinned)
      infos = {vi.name: vi for vi in inferred.graph.value_info}
      for name in args.extra_output:
        if name not in infos:
          sys.exit("error: no value named '%s' with a known type" % name)
        model.graph.output.append(infos[name])
      onnx.save(model, model_path)
    else:
      model_path = args.model
    inputs = make_inputs(model, shapes, args.seed, work)
    for spec in args.input:
      name, path = spec.split("=", 1)
      inputs[name] = path
    feeds = sum((["--input", "%s=%s" % kv] for kv in inputs.items()), [])
    ort_dir, q_dir = os.path.join(work, "ort"), os.path.join(work, "qmlir")
    subprocess.run(["node", os.path.join(ROOT, "utils", "ort", "ort_run.js"),
                    model_path, "--output-dir", ort_dir] + feeds, check=True,
                   stdout=subprocess.DEVNULL)
    qcmd = [args.qrun, args.qmlir_model or model_path, "--output-dir",
            q_dir] + feeds
    if args.ort_model:
      qcmd = ["node", os.path.join(ROOT, "utils", "ort", "ort_run.js"),
              args.ort_model, "--output-dir", q_dir] + feeds
    elif not args.qmlir_model:
      qcmd += sum((["--input-shape", s] for s in args.input_shape), [])
    subprocess.run(qcmd, check=True, stdout=subprocess.DEVNULL)
    ok = True
    for out in model.graph.output:
      name = out.name.replace("/", "_").replace("\\", "_") + ".npy"
      ref, got = np.load(os.path.join(ort_dir, name)), np.load(
          os.path.join(q_dir, name))
      if ref.shape != got.shape or ref.dtype != got.dtype:
        print("output '%s': ort %s%s, %s %s%s: MISMATCH" %
              (out.name, ref.dtype, ref.shape, who, got.dtype, got.shape))
        ok = False
        continue
      scale = float(np.max(np.abs(ref))) if ref.size else 0.0
      err = float(np.max(np.abs(got.astype(np.float64) - ref))) if ref.size else 0.0
      rel = err / scale if scale > 0 else err
      good = rel <= args.rtol or err <= args.atol
      ok &= good
      print("output '%s' %s%s: max |%s - ort| %.3g, max |ort| %.3g, "
            "relative %.3g (rtol %g, atol %g): %s" %
            (out.name, ref.dtype, list(ref.shape), who, err, scale, rel,
             args.rtol, args.atol, "ok" if good else "MISMATCH"))
    return 0 if ok else 1
  finally:
    if not args.keep:
      shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
  sys.exit(main())
