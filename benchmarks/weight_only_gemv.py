#!/usr/bin/env python3
#===- benchmarks/weight_only_gemv.py - decoding GEMV vs memory bandwidth --===#
#
# The matrix-vector product of LLM decoding, y[1, N] = x[1, K] W[K, N], is
# bound by how fast W streams from memory. This builds a chain of LAYERS
# such products (random weights, together far larger than the caches),
# compiles it with `qcompile --quant=SCHEME` (weight-only: w8 int8 per
# channel, w4 uint4 in blocks of 128, nf4 in blocks of 64; f32 optionally),
# times one call of the chain (qmlir.load, 1 thread) and, in the same run,
# the machine's single-thread read bandwidth (benchmarks/membw.c, built
# here), alternating the two for --rounds rounds, best of each. It prints
# per scheme: the bytes of one layer's weights as the kernels read them
# (packed codes, scales, zero points), the time per GEMV, the rate at which
# the weights were read, and that rate over the measured bandwidth.
#
# usage: weight_only_gemv.py [--build-dir build] [--shape NxK] [--layers 8]
#                            [--schemes w8 w4 nf4] [--runs 5] [--rounds 3]
#                            [--bandwidth-mib 1024] [--markdown]
#
#===------------------------------------------------------------------------===#
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BW_SOURCE = os.path.join(ROOT, "benchmarks", "membw.c")
SCHEMES = ("f32", "w8", "w4", "nf4")


class BenchmarkError(Exception):
  pass


def parse_shape(text):
  try:
    n, k = (int(v) for v in text.lower().split("x"))
  except ValueError:
    raise argparse.ArgumentTypeError("'%s' is not NxK" % text)
  if min(n, k) < 1:
    raise argparse.ArgumentTypeError("'%s': sizes must be positive" % text)
  return n, k


def run(command, what):
  p = subprocess.run(command, capture_output=True, text=True)
  if p.returncode != 0:
    last = (p.stderr.strip() or p.stdout.strip()).splitlines()[-1:]
    raise BenchmarkError("%s failed (exit %d): %s%s" % (
        what, p.returncode, " ".join(command),
        "\nerror: " + last[0] if last else ""))
  return p.stdout


def layer_bytes(scheme, n, k):
  """Bytes the kernels read per layer: codes as packed (4 columns x 16-byte
  chunks), f32 scales and zero points per block."""
  ceil = lambda a, b: (a + b - 1) // b
  cols = ceil(n, 4) * 4
  if scheme == "f32":
    return n * k * 4
  if scheme == "w8":
    return cols * ceil(k, 16) * 16 + n * 4 * 2
  blocks = ceil(k, 128 if scheme == "w4" else 64)
  params = n * blocks * 4 * (2 if scheme == "w4" else 1)
  return cols * ceil(k, 32) * 16 + params


def write_model(path, n, k, layers):
  rng = np.random.default_rng(0)
  nodes, inits, prev = [], [], "x"
  for i in range(layers):
    # Square layers chain directly; others go back to K columns.
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    inits.append(nh.from_array(w, "w%d" % i))
    nodes.append(h.make_node("MatMul", [prev, "w%d" % i], ["y%d" % i],
                             name="layer%d" % i))
    prev = "y%d" % i
    if n != k and i + 1 < layers:
      inits.append(nh.from_array(np.array([0], np.int64), "s%d" % i))
      inits.append(nh.from_array(np.array([k], np.int64), "e%d" % i))
      inits.append(nh.from_array(np.array([1], np.int64), "a%d" % i))
      nodes.append(h.make_node("Pad" if n < k else "Slice",
                               ([prev, "p%d" % i] if n < k else
                                [prev, "s%d" % i, "e%d" % i, "a%d" % i]),
                               ["z%d" % i]))
      if n < k:
        inits.append(nh.from_array(np.array([0, 0, 0, k - n], np.int64),
                                   "p%d" % i))
      prev = "z%d" % i
  graph = h.make_graph(
      nodes, "gemv_chain", [h.make_tensor_value_info("x", T.FLOAT, [1, k])],
      [h.make_tensor_value_info(prev, T.FLOAT, [1, n])], inits)
  onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), path)


def time_call(model, x, runs):
  model(x)
  best = float("inf")
  for _ in range(runs):
    t = time.perf_counter()
    model(x)
    best = min(best, time.perf_counter() - t)
  return best


def main():
  p = argparse.ArgumentParser(
      description="Weight-only GEMV against the machine's memory bandwidth.")
  p.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
  p.add_argument("--shape", type=parse_shape, default=(4096, 4096),
                 metavar="NxK")
  p.add_argument("--layers", type=int, default=8)
  p.add_argument("--schemes", nargs="+", choices=SCHEMES,
                 default=["w8", "w4", "nf4"])
  p.add_argument("--runs", type=int, default=5,
                 help="timed calls per scheme and round (best kept)")
  p.add_argument("--rounds", type=int, default=3)
  p.add_argument("--bandwidth-mib", type=int, default=1024,
                 help="buffer the bandwidth is measured on")
  p.add_argument("--markdown", action="store_true")
  args = p.parse_args()
  if min(args.runs, args.rounds, args.layers, args.bandwidth_mib) < 1:
    p.error("--runs, --rounds, --layers and --bandwidth-mib must be at "
            "least 1")

  build = os.path.abspath(args.build_dir)
  qcompile = os.path.join(build, "bin", "qcompile")
  cc = os.environ.get("CC") or shutil.which("cc")
  missing = []
  if not os.path.isfile(qcompile):
    missing.append("%s not found: build qmlir (utils/build.sh) or point "
                   "--build-dir at a build" % qcompile)
  if not cc:
    missing.append("no C compiler (cc) on PATH: run utils/setup.sh")
  if missing:
    for line in missing:
      print("error: " + line, file=sys.stderr)
    return 1
  sys.path.insert(0, os.path.join(ROOT, "python"))
  import qmlir

  n, k = args.shape
  work = tempfile.mkdtemp(prefix="qmlir-gemv-")
  try:
    membw = os.path.join(work, "membw")
    run([cc, "-O3", "-march=native", BW_SOURCE, "-o", membw],
        "building %s" % os.path.relpath(BW_SOURCE, ROOT))
    model_path = os.path.join(work, "chain.onnx")
    write_model(model_path, n, k, args.layers)
    models = {}
    for scheme in args.schemes:
      print("compiling %s ..." % scheme, file=sys.stderr)
      lib = os.path.join(work, "chain_%s.so" % scheme)
      command = [qcompile, model_path, "--emit=shared", "-o", lib,
                 "--name", "chain_" + scheme]
      if scheme != "f32":
        command.append("--quant=" + scheme)
      run(command, "qcompile --quant=%s" % scheme)
      models[scheme] = qmlir.load(lib)
    x = np.random.default_rng(1).standard_normal((1, k)).astype(np.float32)
    bandwidth = 0.0
    best = {s: float("inf") for s in args.schemes}
    for _ in range(args.rounds):
      out = run([membw, str(args.bandwidth_mib), "3"], "membw")
      bandwidth = max(bandwidth, float(out.split()[0]))
      for scheme in args.schemes:
        best[scheme] = min(best[scheme],
                           time_call(models[scheme], x, args.runs) /
                           args.layers)
  except BenchmarkError as e:
    print("error: %s" % e, file=sys.stderr)
    return 1
  finally:
    shutil.rmtree(work, ignore_errors=True)

  rows = []
  for scheme in args.schemes:
    size = layer_bytes(scheme, n, k)
    rate = size / best[scheme] / 1e9
    rows.append([scheme, "%.2f" % (size / 1e6), "%.4f" % (best[scheme] * 1e3),
                 "%.2f" % rate, "%.2f" % (rate / bandwidth)])
  print("qmlir weight-only GEMV, N=%d K=%d, %d layers, 1 thread; measured "
        "read bandwidth %.2f GB/s (best of %d rounds)." %
        (n, k, args.layers, bandwidth, args.rounds))
  header = ["scheme", "MB per layer", "ms per GEMV", "GB/s",
            "of bandwidth"]
  if args.markdown:
    print()
    print("| " + " | ".join(header) + " |")
    print("|:---|" + "---:|" * 4)
    for row in rows:
      print("| " + " | ".join(row) + " |")
  else:
    widths = [max(len(r[i]) for r in rows + [header])
              for i in range(len(header))]
    for row in [header] + rows:
      print("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                      for i, c in enumerate(row)).rstrip())
  return 0


if __name__ == "__main__":
  sys.exit(main())
