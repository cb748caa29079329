#!/usr/bin/env python3
#===- benchmarks/int8_gemm.py - qmlir's int8 GEMM against oneDNN ----------===#
#
# Times C = A x W, A uint8 [M, K], W a constant int8 [K, N], C int32 (exact),
# compiled by qmlir (an ONNX MatMulInteger through `qcompile --emit=shared`
# for this machine) and computed by oneDNN's u8s8s32 matmul (Debian's
# libdnnl-dev), single-threaded, on the same A and W in the same process
# (benchmarks/int8_gemm_onednn.cpp, built here with the system C++
# compiler), and prints per shape: both times (medians), oneDNN's time over
# ours (1.0: as fast; above: we are faster), the rate of each in
# GOP/s (2 M N K operations), and whether the two results are equal.
#
# usage: int8_gemm.py [--build-dir build] [--shapes MxNxK ...] [--runs 10]
#                     [--rounds 3] [--markdown]
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
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_SOURCE = os.path.join(ROOT, "benchmarks", "int8_gemm_onednn.cpp")
DNNL_HEADER = "/usr/include/oneapi/dnnl/dnnl.hpp"
DEFAULT_SHAPES = ["1024x1024x1024", "128x1024x1024", "1x4096x4096"]


class BenchmarkError(Exception):
  pass


def parse_shape(text):
  try:
    m, n, k = (int(v) for v in text.lower().split("x"))
  except ValueError:
    raise argparse.ArgumentTypeError("'%s' is not MxNxK" % text)
  if min(m, n, k) < 1:
    raise argparse.ArgumentTypeError("'%s': sizes must be positive" % text)
  return m, n, k


def run(command, what):
  p = subprocess.run(command, capture_output=True, text=True)
  if p.returncode != 0:
    last = (p.stderr.strip() or p.stdout.strip()).splitlines()[-1:]
    raise BenchmarkError("%s failed (exit %d): %s%s" % (
        what, p.returncode, " ".join(command),
        "\nerror: " + last[0] if last else ""))
  return p.stdout


def write_model(path, m, n, k, w):
  graph = h.make_graph(
      [h.make_node("MatMulInteger", ["a", "w"], ["c"])], "int8_gemm",
      [h.make_tensor_value_info("a", T.UINT8, [m, k])],
      [h.make_tensor_value_info("c", T.INT32, [m, n])],
      [nh.from_array(w, "w")])
  onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), path)


def measure(work, qcompile, bench, shape, runs, rounds):
  m, n, k = shape
  name = "gemm_%d_%d_%d" % shape
  rng = np.random.default_rng(0)
  a = rng.integers(0, 256, (m, k), dtype=np.uint8)
  w = rng.integers(-128, 128, (k, n), dtype=np.int8)
  model = os.path.join(work, name + ".onnx")
  write_model(model, m, n, k, w)
  a_file, w_file = os.path.join(work, name + ".a"), os.path.join(work,
                                                                 name + ".w")
  a.tofile(a_file)
  w.tofile(w_file)
  lib = os.path.join(work, name + ".so")
  run([qcompile, model, "--emit=shared", "-o", lib, "--name", name],
      "qcompile (%dx%dx%d)" % shape)
  out = run([bench, lib, name, str(m), str(n), str(k), a_file, w_file,
             str(runs), str(rounds)], "the benchmark (%dx%dx%d)" % shape)
  fields = {}
  for line in out.splitlines():
    key, _, value = line.partition(" ")
    fields[key] = value.strip()
  try:
    ours = float(fields["qmlir"].split()[0])
    theirs = float(fields["onednn"].split()[0])
    impl, equal = fields["onednn_impl"], fields["equal"]
  except (KeyError, ValueError, IndexError):
    raise BenchmarkError("the benchmark (%dx%dx%d) printed no result:\n%s" %
                         (m, n, k, out))
  return ours, theirs, impl, equal


def main():
  p = argparse.ArgumentParser(
      description="qmlir's int8 GEMM against oneDNN's, single-threaded.")
  p.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
  p.add_argument("--shapes", nargs="+", type=parse_shape,
                 default=[parse_shape(s) for s in DEFAULT_SHAPES],
                 metavar="MxNxK")
  p.add_argument("--runs", type=int, default=10,
                 help="timed calls per side and round")
  p.add_argument("--rounds", type=int, default=3,
                 help="rounds of --runs calls of each side, alternating")
  p.add_argument("--markdown", action="store_true")
  args = p.parse_args()
  if args.runs < 1 or args.rounds < 1:
    p.error("--runs and --rounds must be at least 1")

  qcompile = os.path.join(os.path.abspath(args.build_dir), "bin", "qcompile")
  cxx = os.environ.get("CXX") or shutil.which("c++")
  missing = []
  if not os.path.isfile(qcompile):
    missing.append("%s not found: build qmlir (utils/build.sh) or point "
                   "--build-dir at a build" % qcompile)
  if not cxx:
    missing.append("no C++ compiler (c++) on PATH: run utils/setup.sh")
  if not os.path.isfile(DNNL_HEADER):
    missing.append("%s not found: install libdnnl-dev (utils/setup.sh)" %
                   DNNL_HEADER)
  if missing:
    for line in missing:
      print("error: " + line, file=sys.stderr)
    return 1

  work = tempfile.mkdtemp(prefix="qmlir-int8-gemm-")
  try:
    bench = os.path.join(work, "int8_gemm_onednn")
    run([cxx, "-O2", "-std=c++17", BENCH_SOURCE, "-o", bench, "-ldnnl",
         "-ldl"], "building %s" % os.path.relpath(BENCH_SOURCE, ROOT))
    # oneDNN's OpenMP runtime, one thread like our code.
    os.environ["OMP_NUM_THREADS"] = "1"
    rows = []
    for shape in args.shapes:
      print("measuring %dx%dx%d ..." % shape, file=sys.stderr)
      ours, theirs, impl, equal = measure(work, qcompile, bench, shape,
                                          args.runs, args.rounds)
      ops = 2.0 * shape[0] * shape[1] * shape[2]
      rows.append(["%dx%dx%d" % shape, "%.4f" % ours, "%.4f" % theirs,
                   "%.2f" % (theirs / ours), "%.1f" % (ops / ours / 1e6),
                   "%.1f" % (ops / theirs / 1e6), impl, equal])
  except BenchmarkError as e:
    print("error: %s" % e, file=sys.stderr)
    return 1
  finally:
    shutil.rmtree(work, ignore_errors=True)

  header = ["MxNxK", "qmlir ms", "oneDNN ms", "oneDNN/qmlir time",
            "qmlir GOP/s", "oneDNN GOP/s", "oneDNN kernel", "equal"]
  print("qmlir int8 GEMM (u8 x s8 -> s32) against oneDNN, 1 thread each; "
        "median of %d rounds of %d runs." % (args.rounds, args.runs))
  if args.markdown:
    print()
    print("| " + " | ".join(header) + " |")
    print("|:---|" + "---:|" * 5 + ":---|:---|")
    for row in rows:
      print("| " + " | ".join(row) + " |")
  else:
    widths = [max(len(r[i]) for r in rows + [header])
              for i in range(len(header))]
    for row in [header] + rows:
      print("  ".join(c.ljust(widths[i]) if i in (0, 6, 7) else
                      c.rjust(widths[i]) for i, c in enumerate(row)).rstrip())
  return 0 if all(r[-1] == "yes" for r in rows) else 1


if __name__ == "__main__":
  sys.exit(main())
