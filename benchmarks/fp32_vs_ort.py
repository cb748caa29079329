#!/usr/bin/env python3
#===- benchmarks/fp32_vs_ort.py - float latency against ONNX Runtime -------===#
#
# Measures, per model, qmlir's latency and ONNX Runtime's (CPU provider, all
# graph optimizations, one intra-op and one inter-op thread) on the same
# random input in the same run, and prints a table: model, input shape, our
# median, ONNX Runtime's, the ratio ours/ORT (above 1: we are slower), and
# the largest difference between the two outputs relative to the output's
# scale (a speed-up that breaks the results shows there).
#
# The two sides alternate (--rounds rounds, each one qrun process and one
# ONNX Runtime process timing --runs runs after one warm-up run); a side's
# latency is the median of its round medians, so a burst of load on the
# shared machine hits both sides rather than one. Our side is
# `qrun MODEL --benchmark N` (the JIT), or with --use-shared, when the build
# has qcompile, `qrun MODEL.so` on the object `qcompile --emit=shared` wrote
# (the same generated code without the compile in each process).
#
# usage: fp32_vs_ort.py [--build-dir build] [--models cls transformer ...]
#                       [--runs 10] [--rounds 3] [--use-shared] [--markdown]
#
#===------------------------------------------------------------------------===#
import argparse
import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORT_DIR = os.path.join(ROOT, "utils", "ort")
ORT_RUN = os.path.join(ORT_DIR, "ort_run.js")
ORT_PACKAGE = os.path.join(ORT_DIR, "node_modules", "onnxruntime-node",
                           "package.json")
BENCH_LINE = re.compile(
    r"^benchmark: (\d+) runs, median ([0-9.]+) ms, min ([0-9.]+) ms$")

# file: a model fetched by utils/fetch-models.sh, or None for the transformer
# that benchmarks/make_transformer.py writes with its default sizes.
Model = collections.namedtuple("Model", "title file shape")
MODELS = collections.OrderedDict([
    ("det-320", Model("PP-OCRv4 det", "ch_PP-OCRv4_det_infer.onnx",
                      (1, 3, 320, 320))),
    ("det-640", Model("PP-OCRv4 det", "ch_PP-OCRv4_det_infer.onnx",
                      (1, 3, 640, 640))),
    ("cls", Model("PP-OCR mobile v2.0 cls",
                  "ch_ppocr_mobile_v2.0_cls_infer.onnx", (1, 3, 48, 192))),
    ("transformer", Model("transformer encoder (2 layers, 128x256, 4 heads)",
                          None, (1, 128, 256))),
])


class BenchmarkError(Exception):
  pass


def models_dir():
  cache = os.environ.get("QMLIR_CACHE",
                         os.path.join(os.path.expanduser("~"), ".cache",
                                      "qmlir"))
  return os.path.join(cache, "models")


def missing_prerequisites(keys, qrun):
  """Returns one line per missing prerequisite, each saying how to get it."""
  problems = []
  if not os.access(qrun, os.X_OK):
    problems.append("%s not found: build qmlir (utils/build.sh) or point "
                    "--build-dir at a build" % qrun)
  files = sorted({MODELS[k].file for k in keys if MODELS[k].file})
  missing = [f for f in files
             if not os.path.isfile(os.path.join(models_dir(), f))]
  if missing:
    problems.append("models not found in %s (%s): run utils/fetch-models.sh" %
                    (models_dir(), ", ".join(missing)))
  if not shutil.which("node"):
    problems.append("node not found on PATH: ONNX Runtime runs in node; run "
                    "utils/setup.sh")
  elif not os.path.isfile(ORT_PACKAGE):
    problems.append("onnxruntime-node not installed in %s: run "
                    "utils/setup.sh" % ORT_DIR)
  return problems


def run(cmd, what):
  """Runs cmd; returns its stdout, or raises naming `what` on failure."""
  p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     universal_newlines=True)
  if p.returncode != 0:
    tail = "\n".join((p.stderr or p.stdout).strip().splitlines()[-10:])
    raise BenchmarkError("%s failed (exit %d): %s\n  %s" %
                         (what, p.returncode, " ".join(cmd), tail))
  return p.stdout


def median_ms(stdout, what):
  """The median of a `benchmark: N runs, median X ms, min Y ms` last line."""
  lines = stdout.strip().splitlines()
  m = BENCH_LINE.match(lines[-1]) if lines else None
  if not m:
    raise BenchmarkError("%s: no 'benchmark: N runs, median X ms, ...' line "
                         "at the end of its output" % what)
  return float(m.group(2))


def input_name(path):
  model = onnx.load(path, load_external_data=False)
  inits = {t.name for t in model.graph.initializer}
  names = [i.name for i in model.graph.input if i.name not in inits]
  if len(names) != 1:
    raise BenchmarkError("%s: expected one graph input, found %d" %
                         (path, len(names)))
  return names[0]


def max_relative_diff(q_dir, ort_dir):
  """max |ours - ort| / max |ort| over every output."""
  worst = 0.0
  for name in sorted(os.listdir(ort_dir)):
    if not os.path.isfile(os.path.join(q_dir, name)):
      raise BenchmarkError("qrun wrote no %s, an output of ONNX Runtime" %
                           name)
    ref = np.load(os.path.join(ort_dir, name)).astype(np.float64)
    got = np.load(os.path.join(q_dir, name)).astype(np.float64)
    if ref.shape != got.shape:
      raise BenchmarkError("output %s: ONNX Runtime gives shape %s, qmlir %s" %
                           (name, ref.shape, got.shape))
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    err = float(np.max(np.abs(got - ref))) if ref.size else 0.0
    worst = max(worst, err / scale if scale > 0 else err)
  return worst


def measure(key, args, tools, work):
  spec = MODELS[key]
  if spec.file:
    model = os.path.join(models_dir(), spec.file)
  else:
    model = os.path.join(work, "transformer.onnx")
    if not os.path.exists(model):
      run([sys.executable, os.path.join(ROOT, "benchmarks",
                                        "make_transformer.py"), "-o", model],
          "make_transformer.py")
  dims = "x".join(str(d) for d in spec.shape)
  name = input_name(model)
  data = np.random.default_rng(0).uniform(-1.0, 1.0, spec.shape)
  npy = os.path.join(work, key + ".npy")
  np.save(npy, data.astype(np.float32))
  feed = ["--input", "%s=%s" % (name, npy)]
  shape = ["--input-shape", "%s=%s" % (name, dims)]

  if tools["qcompile"]:
    # The manifest is NAME.json next to NAME.so: a C identifier for both.
    name = key.replace("-", "_")
    ours = os.path.join(work, name + ".so")
    run([tools["qcompile"], model] + shape +
        ["--emit=shared", "-o", ours, "--name", name],
        "qcompile (%s)" % key)
    q_cmd = [tools["qrun"], ours] + feed
  else:
    q_cmd = [tools["qrun"], model] + shape + feed
  o_cmd = ["node", ORT_RUN, model] + feed + ["--threads", "1"]
  bench = ["--benchmark", str(args.runs)]

  q_dir, o_dir = os.path.join(work, key + ".qmlir"), os.path.join(
      work, key + ".ort")
  q_times, o_times = [], []
  for r in range(args.rounds):
    # The first round also writes both outputs, to compare them; the order
    # flips every round so neither side always runs on a cooler machine.
    extra = (lambda d: ["--output-dir", d]) if r == 0 else (lambda d: [])
    sides = [(q_cmd + extra(q_dir), q_times, "qrun (%s)" % key),
             (o_cmd + extra(o_dir), o_times, "ONNX Runtime (%s)" % key)]
    for cmd, times, what in (sides if r % 2 == 0 else sides[::-1]):
      times.append(median_ms(run(cmd + bench, what), what))
  ours_ms, ort_ms = statistics.median(q_times), statistics.median(o_times)
  return {"model": spec.title, "input": dims, "ours": ours_ms, "ort": ort_ms,
          "ratio": ours_ms / ort_ms if ort_ms > 0 else float("inf"),
          "diff": max_relative_diff(q_dir, o_dir)}


def print_table(rows, ours_label, markdown):
  head = ["model", "input", ours_label + " ms", "ONNX Runtime ms",
          "ours/ORT", "max rel. diff"]
  body = [[r["model"], r["input"], "%.3f" % r["ours"], "%.3f" % r["ort"],
           "%.2f" % r["ratio"], "%.1e" % r["diff"]] for r in rows]
  if markdown:
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join([":---", ":---"] + ["---:"] * 4) + "|")
    for line in body:
      print("| " + " | ".join(line) + " |")
    return
  widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
  for line in [head] + body:
    print("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(line, widths))).rstrip())


def main():
  p = argparse.ArgumentParser(
      description="qmlir's float latency against ONNX Runtime's, one thread "
      "each, on the same input in the same run.")
  p.add_argument("--build-dir", default=os.path.join(ROOT, "build"),
                 help="the qmlir build whose bin/qrun runs (default: build)")
  p.add_argument("--models", nargs="+", choices=list(MODELS),
                 default=list(MODELS), metavar="MODEL",
                 help="a subset of: %s (default: all)" % ", ".join(MODELS))
  p.add_argument("--runs", type=int, default=10,
                 help="timed runs per side and round (default 10)")
  p.add_argument("--rounds", type=int, default=3,
                 help="alternating rounds per model (default 3)")
  p.add_argument("--use-shared", action="store_true",
                 help="time `qrun MODEL.so` on the object `qcompile "
                 "--emit=shared` writes, when the build has qcompile")
  p.add_argument("--markdown", action="store_true",
                 help="print the table as Markdown (as in docs/benchmarks.md)")
  args = p.parse_args()
  if args.runs < 1 or args.rounds < 1:
    p.error("--runs and --rounds must be at least 1")

  keys = [k for k in MODELS if k in args.models]
  bindir = os.path.join(os.path.abspath(args.build_dir), "bin")
  tools = {"qrun": os.path.join(bindir, "qrun"), "qcompile": None}
  if args.use_shared:
    qcompile = os.path.join(bindir, "qcompile")
    if os.access(qcompile, os.X_OK):
      tools["qcompile"] = qcompile
    else:
      print("note: %s not found; timing the JIT (qrun MODEL)" % qcompile,
            file=sys.stderr)
  problems = missing_prerequisites(keys, tools["qrun"])
  for line in problems:
    print("error: " + line, file=sys.stderr)
  if problems:
    return 1

  with open(ORT_PACKAGE) as f:
    ort_version = json.load(f)["version"]
  ours_label = "qmlir (.so)" if tools["qcompile"] else "qmlir (JIT)"
  rows = []
  work = tempfile.mkdtemp(prefix="qmlir-bench-")
  try:
    for key in keys:
      print("measuring %s ..." % key, file=sys.stderr, flush=True)
      rows.append(measure(key, args, tools, work))
  except BenchmarkError as e:
    print("error: %s" % e, file=sys.stderr)
    return 1
  finally:
    shutil.rmtree(work, ignore_errors=True)
  print("%s against ONNX Runtime %s (CPU, all graph optimizations), 1 thread "
        "each; median of %d alternating rounds of %d runs." %
        (ours_label, ort_version, args.rounds, args.runs))
  if args.markdown:
    print()
  print_table(rows, ours_label, args.markdown)
  return 0


if __name__ == "__main__":
  sys.exit(main())
