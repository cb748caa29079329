#!/usr/bin/env python3
#===- utils/conformance.py - ONNX backend node tests through qrun ----------===#
#
# Runs the ONNX backend node tests shipped by Debian's libonnx-testdata
# (<data-dir>/<test>/model.onnx + test_data_set_N/) through `qrun --test-data`
# and classifies every test as one of:
#
#   pass          every test_data_set_N matched
#   wrong result  qrun ran the model but an output did not match
#   unsupported   qrun rejected an ONNX op it does not support
#   error         crash, compile failure, timeout, or anything else
#   excluded      a rule in EXCLUSIONS puts it aside (with its reason)
#   out of scope  its model uses an op outside SCOPE_OPS (not run)
#
# The pass rate is over the in-scope tests: pass + wrong + unsupported + error.
#
# `--expected FILE` names tests that must pass; CI runs with it so the passing
# set never shrinks. Usage:
#
#   /usr/bin/python3 utils/conformance.py --qrun build/bin/qrun \
#       --expected test/Conformance/passing.txt --markdown docs/conformance.md
#
#===------------------------------------------------------------------------===#

import argparse
import concurrent.futures
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

import onnx
from onnx import AttributeProto, TensorProto

DEFAULT_DATA_DIR = "/usr/share/libonnx-testdata/data/node"

PASS = "pass"
WRONG = "wrong result"
UNSUPPORTED = "unsupported"
ERROR = "error"
EXCLUDED = "excluded"
OUT_OF_SCOPE = "out of scope"
STATUSES = (PASS, WRONG, UNSUPPORTED, ERROR, EXCLUDED, OUT_OF_SCOPE)
IN_SCOPE = (PASS, WRONG, UNSUPPORTED, ERROR)

# The ONNX ops qmlir means to cover (default domain): the CNN slice and the
# op-coverage list. A test is in scope when every op of its model (including
# subgraphs) is here; the denominator of the pass rate is the in-scope tests
# that are not excluded.
SCOPE_OPS = frozenset("""
Conv MatMul Gemm BatchNormalization Add Sub Mul Div Relu Clip Sigmoid MaxPool
AveragePool GlobalAveragePool Reshape Flatten Transpose Concat Softmax Constant
ConvTranspose LayerNormalization InstanceNormalization
Pow Sqrt Exp Log Neg Abs Reciprocal Min Max Sum Mean Floor Ceil Round Erf Sin
Cos Sign LeakyRelu PRelu HardSigmoid HardSwish Tanh Gelu Softplus LogSoftmax Elu
Selu GlobalMaxPool Squeeze Unsqueeze Split Slice Gather GatherElements Pad
Expand Tile Shape Size Cast CastLike Identity Dropout ConstantOfShape Range
Where Trilu DepthToSpace SpaceToDepth Resize Upsample Equal Less Greater
LessOrEqual GreaterOrEqual Not And Or Xor ReduceMean ReduceSum ReduceMax
ReduceMin ReduceProd ReduceL2 ArgMax ArgMin Einsum QuantizeLinear
DequantizeLinear QLinearConv QLinearMatMul MatMulInteger ConvInteger
DynamicQuantizeLinear
""".split())

# How qrun's messages are told apart (matched per line, case-insensitive):
# `error: ... unsupported ONNX op ...` when the model uses an op qmlir lacks,
# and a mismatch message when an output differs from output_K.pb.
UNSUPPORTED_RE = r"error:.*unsupported"
WRONG_RE = r"wrong result|mismatch|does not match"

#===------------------------------------------------------------------------===#
# Exclusions: tests outside what qmlir compiles (numeric tensors, inference).
# Each rule is (id, predicate over the loaded ModelProto, reason). The first
# matching rule names the reason; keep this table small and explicit.
#===------------------------------------------------------------------------===#


def _graphs(graph):
  """The graph and all subgraphs (If/Loop/Scan bodies), depth first."""
  yield graph
  for node in graph.node:
    for attr in node.attribute:
      if attr.type == AttributeProto.GRAPH:
        yield from _graphs(attr.g)
      elif attr.type == AttributeProto.GRAPHS:
        for g in attr.graphs:
          yield from _graphs(g)


def _nodes(model):
  for g in _graphs(model.graph):
    yield from g.node


def _io_values(model):
  for g in _graphs(model.graph):
    yield from g.input
    yield from g.output


def _io_kind(model, kind):
  # `kind` is a TypeProto oneof name: sequence_type, optional_type, map_type...
  return any(v.type.WhichOneof("value") == kind for v in _io_values(model))


def _has_string_tensor(model):
  for v in _io_values(model):
    if (v.type.WhichOneof("value") == "tensor_type" and
        v.type.tensor_type.elem_type == TensorProto.STRING):
      return True
  for g in _graphs(model.graph):
    if any(t.data_type == TensorProto.STRING for t in g.initializer):
      return True
  for n in _nodes(model):
    for a in n.attribute:
      if (a.type == AttributeProto.TENSOR and
          a.t.data_type == TensorProto.STRING):
        return True
  return False


def _training_mode_attr(model):
  # BatchNormalization-15 training_mode=1 computes batch statistics and
  # returns running mean/var: a training step, not inference.
  return any(a.name == "training_mode" and a.i != 0
             for n in _nodes(model) for a in n.attribute)


def _dropout_training(model):
  # Dropout-12+ third input `training_mode`; when given, the mask is random.
  return any(n.op_type == "Dropout" and len(n.input) > 2 and n.input[2]
             for n in _nodes(model))


def _training_domain(model):
  return any(n.domain == "ai.onnx.preview.training" for n in _nodes(model))


# Inputs that fix an output's shape. qmlir compiles static shapes (DESIGN.md
# section 5): when the test feeds one of these as a graph input, the shape is
# known only at run time.
SHAPE_INPUTS = {
    "Reshape": (1,), "Expand": (1,), "Tile": (1,), "ConstantOfShape": (0,),
    "Range": (0, 1, 2), "Slice": (1, 2, 3, 4), "Pad": (1,),
    "Resize": (1, 2, 3), "Upsample": (1,), "Squeeze": (1,),
    "Unsqueeze": (1,), "Split": (1,), "TopK": (1,), "OneHot": (1,),
    "ReduceSum": (1,), "ReduceMean": (1,), "ReduceMax": (1,),
    "ReduceMin": (1,), "ReduceProd": (1,), "ReduceL2": (1,),
}


def _runtime_shape(model):
  # Values computed from graph inputs (data, not shapes: Shape and Size of
  # a statically shaped value are compile-time constants) that reach an
  # input fixing a shape.
  inits = {t.name for t in model.graph.initializer}
  tainted = {i.name for i in model.graph.input} - inits
  for n in model.graph.node:
    if n.op_type in ("Shape", "Size"):
      continue
    if any(i in tainted for i in n.input):
      tainted.update(n.output)
  return any(i < len(n.input) and n.input[i] in tainted
             for n in model.graph.node
             for i in SHAPE_INPUTS.get(n.op_type, ()))


def _data_shape_mismatch(model, test_dir):
  # Some of Debian's data sets disagree with the model's static input
  # shapes (ONNX Runtime rejects those inputs too).
  inits = {t.name for t in model.graph.initializer}
  inputs = [i for i in model.graph.input if i.name not in inits]
  for ds in data_sets(test_dir):
    for k, vi in enumerate(inputs):
      path = os.path.join(test_dir, ds, "input_%d.pb" % k)
      dims = [d.dim_value if d.HasField("dim_value") else None
              for d in vi.type.tensor_type.shape.dim]
      if not os.path.isfile(path) or None in dims:
        continue
      t = onnx.TensorProto()
      with open(path, "rb") as f:
        t.ParseFromString(f.read())
      if list(t.dims) != dims:
        return True
  return False


EXCLUSIONS = [
    ("string", _has_string_tensor,
     "string tensors: qmlir compiles numeric tensors only"),
    ("sequence", lambda m: _io_kind(m, "sequence_type"),
     "sequence-typed graph input/output: qmlir has no sequence type"),
    ("optional", lambda m: _io_kind(m, "optional_type"),
     "optional-typed graph input/output: qmlir has no optional type"),
    ("training-op", _training_domain,
     "training optimizer op (ai.onnx.preview.training): not an inference op"),
    ("training-mode", _training_mode_attr,
     "training_mode=1: batch statistics, a training step"),
    ("dropout-training", _dropout_training,
     "Dropout with a training_mode input: training behaviour (random mask)"),
    ("runtime-shape", _runtime_shape,
     "an output shape depends on run-time data (a shape/axes/pads input is "
     "a graph input); qmlir compiles static shapes"),
]

# Name-based rules: tests whose expected data qmlir disagrees with on
# purpose, and a fallback for models the onnx package cannot load.
EXCLUDED_NAMES = [
    (re.compile(r"^test_cast(like)?_FLOAT_to_BFLOAT16"),
     "expected bfloat16 values were made by truncation (ONNX 1.12's "
     "reference); qmlir rounds to nearest even, as ONNX Runtime and later "
     "ONNX versions do"),
    (re.compile(r"training_mode|^test_training_dropout"),
     "training-mode test (by name)"),
]


def out_of_scope_ops(model_path):
  """The ops of a model outside SCOPE_OPS, sorted; None if unreadable."""
  try:
    model = onnx.load(model_path, load_external_data=False)
  except Exception:
    return None
  ops = set()
  for graph in _graphs(model.graph):
    for n in graph.node:
      if n.domain not in ("", "ai.onnx") or n.op_type not in SCOPE_OPS:
        ops.add(n.op_type if n.domain in ("", "ai.onnx")
                else "%s.%s" % (n.domain, n.op_type))
  return sorted(ops)


def exclusion_reason(test, model_path):
  """Returns (rule id, reason) when `test` is out of scope, else None."""
  try:
    model = onnx.load(model_path, load_external_data=False)
  except Exception:  # Unreadable here; let qrun have its say on it.
    model = None
  if model is not None:
    for rule, pred, reason in EXCLUSIONS:
      if pred(model):
        return rule, reason
    if _data_shape_mismatch(model, os.path.dirname(model_path)):
      return ("data-shape", "a test_data_set input's shape differs from the "
              "model's static input shape (ONNX Runtime rejects it too)")
  for regex, reason in EXCLUDED_NAMES:
    if regex.search(test):
      return "name", reason
  return None


#===------------------------------------------------------------------------===#
# Running qrun.
#===------------------------------------------------------------------------===#


def _first_line(text):
  for line in text.splitlines():
    line = line.strip()
    if line:
      return line[:200]
  return ""


def _pick_line(text, pattern):
  """First line matching `pattern`, else the first non-empty line."""
  for line in text.splitlines():
    if re.search(pattern, line, re.IGNORECASE):
      return line.strip()[:200]
  return _first_line(text)


def _signal_name(signum):
  try:
    return signal.Signals(signum).name
  except ValueError:
    return "signal %d" % signum


def classify(rc, output):
  """Maps one qrun run to (status, detail)."""
  if rc == 0:
    return PASS, ""
  # Sanitizers exit 1 too; their report must not read as a verdict.
  sanitizer = re.search(r"ERROR: \w*Sanitizer.*", output)
  if sanitizer:
    return ERROR, "crashed: " + sanitizer.group(0).strip()[:200]
  if rc < 0 or rc > 128:  # Killed by a signal, directly or via a shell.
    signum = -rc if rc < 0 else rc - 128
    return ERROR, ("crashed (%s): %s" % (_signal_name(signum),
                                         _first_line(output))).rstrip(": ")
  if rc == 1:
    if re.search(UNSUPPORTED_RE, output, re.IGNORECASE):
      return UNSUPPORTED, _pick_line(output, UNSUPPORTED_RE)
    if re.search(WRONG_RE, output, re.IGNORECASE):
      return WRONG, _pick_line(output, WRONG_RE)
  # Exit 1 is also qrun's code for a failed compile; without a mismatch
  # message it is an error, not a wrong result.
  return ERROR, "exit %d: %s" % (rc, _pick_line(output, r"error") or
                                 "no output")


def run_qrun(cmd, timeout):
  """Runs `cmd`; returns (rc, output) or (None, output) on timeout."""
  # Own process group, so a timeout also kills whatever qrun started.
  proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, start_new_session=True)
  try:
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out.decode("utf-8", "replace")
  except subprocess.TimeoutExpired:
    os.killpg(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate()
    return None, out.decode("utf-8", "replace")


def data_sets(test_dir):
  sets = [d for d in os.listdir(test_dir)
          if re.fullmatch(r"test_data_set_\d+", d) and
          os.path.isdir(os.path.join(test_dir, d))]
  return sorted(sets, key=lambda d: int(d.rsplit("_", 1)[1]))


def run_test(test, args):
  """Returns (status, detail) for one test."""
  test_dir = os.path.join(args.data_dir, test)
  model = os.path.join(test_dir, "model.onnx")
  if not os.path.isfile(model):
    return ERROR, "no model.onnx"
  excl = exclusion_reason(test, model)
  if excl:
    return EXCLUDED, excl[1]
  outside = out_of_scope_ops(model)
  if outside:
    return OUT_OF_SCOPE, "ops outside qmlir's op list: " + ", ".join(outside)
  sets = data_sets(test_dir)
  if not sets:
    return EXCLUDED, "no test_data_set_N: nothing to compare against"
  deadline = time.monotonic() + args.timeout
  for ds in sets:
    cmd = [args.qrun, model, "--test-data", os.path.join(test_dir, ds)]
    cmd += args.qrun_args
    left = deadline - time.monotonic()
    rc, out = (None, "") if left <= 0 else run_qrun(cmd, left)
    if rc is None:
      return ERROR, "timeout after %gs (%s)" % (args.timeout, ds)
    status, detail = classify(rc, out)
    if status != PASS:
      # Later data sets would fail the same way; name the one that did.
      if len(sets) > 1:
        detail = "%s: %s" % (ds, detail)
      return status, detail
  return PASS, ""


#===------------------------------------------------------------------------===#
# Reports.
#===------------------------------------------------------------------------===#


def read_names(path):
  names = []
  with open(path) as f:
    for line in f:
      line = line.split("#", 1)[0].strip()
      if line:
        names.append(line)
  return names


def count(results):
  counts = {s: 0 for s in STATUSES}
  for status, _ in results.values():
    counts[status] += 1
  return counts


def write_markdown(path, results, command):
  counts = count(results)
  with open(path, "w") as f:
    f.write("# ONNX backend node tests\n\n")
    f.write("Generated by `utils/conformance.py`:\n\n")
    f.write("```\n%s\n```\n\n" % command)
    in_scope = sum(counts[s] for s in IN_SCOPE)
    f.write("In scope: every test whose ops are all in qmlir's op list "
            "(`SCOPE_OPS` in the runner), less the exclusions. ")
    if in_scope:
      f.write("**%d of %d in-scope tests pass (%.1f%%).**\n\n" %
              (counts[PASS], in_scope, 100.0 * counts[PASS] / in_scope))
    f.write("| status | count |\n|---|---|\n")
    for s in STATUSES:
      f.write("| %s | %d |\n" % (s, counts[s]))
    f.write("\n| test | status | detail |\n|---|---|---|\n")
    for test in sorted(results):
      status, detail = results[test]
      detail = detail.replace("|", "\\|").replace("`", "'")
      f.write("| %s | %s | %s |\n" % (test, status, detail))


def write_expected(path, results, command):
  with open(path, "w") as f:
    f.write("# ONNX backend node tests that must pass "
            "(utils/conformance.py).\n")
    f.write("# Generated by: %s\n" % command)
    for test in sorted(results):
      if results[test][0] == PASS:
        f.write(test + "\n")


def main():
  parser = argparse.ArgumentParser(
      description="Run the ONNX backend node tests through qrun and classify "
      "each as pass / wrong result / unsupported / error / excluded.")
  parser.add_argument("--qrun", default="build/bin/qrun",
                      help="path to the qrun binary (default: %(default)s)")
  parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                      help="folder of <test>/model.onnx + test_data_set_N "
                      "(default: %(default)s)")
  parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                      help="tests run in parallel (default: nproc)")
  parser.add_argument("--timeout", type=float, default=120,
                      help="seconds per test, all data sets together "
                      "(default: %(default)s)")
  parser.add_argument("--filter", default=None,
                      help="only tests whose name matches this regex (search)")
  parser.add_argument("--expected", default=None,
                      help="file of test names (one a line, # comments) that "
                      "must pass; exit 1 listing those that did not")
  parser.add_argument("--markdown", default=None,
                      help="write a results table to this file")
  parser.add_argument("--write-expected", default=None,
                      help="write the names of the passing tests to this file")
  parser.add_argument("--qrun-args", default="",
                      help="extra arguments for every qrun call, written "
                      "with '=', e.g. --qrun-args='--atol 1e-4'")
  parser.add_argument("--verbose", "-v", action="store_true",
                      help="print every test's result as it finishes")
  args = parser.parse_args()
  args.qrun_args = shlex.split(args.qrun_args)
  command = " ".join(shlex.quote(a) for a in ["utils/conformance.py"] +
                     sys.argv[1:])

  if not (os.path.isfile(args.qrun) and os.access(args.qrun, os.X_OK)):
    parser.error("qrun not found or not executable: %s" % args.qrun)
  if not os.path.isdir(args.data_dir):
    parser.error("no test data at %s (apt install libonnx-testdata)" %
                 args.data_dir)
  args.qrun = os.path.abspath(args.qrun)

  tests = sorted(t for t in os.listdir(args.data_dir)
                 if os.path.isdir(os.path.join(args.data_dir, t)))
  if args.filter:
    regex = re.compile(args.filter)
    tests = [t for t in tests if regex.search(t)]
  if not tests:
    print("conformance: no tests selected", file=sys.stderr)
    return 2

  results = {}
  lock = threading.Lock()

  def work(test):
    try:
      result = run_test(test, args)
    except Exception as e:  # A runner bug must not lose the whole report.
      result = ERROR, "runner: %s: %s" % (type(e).__name__, e)
    with lock:
      results[test] = result
      if args.verbose:
        print("%-60s %s%s" % (test, result[0],
                              "  " + result[1] if result[1] else ""),
              flush=True)

  with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
    list(pool.map(work, tests))

  counts = count(results)
  failed = counts[WRONG] + counts[UNSUPPORTED] + counts[ERROR]
  print("conformance: %d passed, %d failed" % (counts[PASS], failed))
  for s in STATUSES:
    print("  %-13s %d" % (s + ":", counts[s]))
  in_scope = sum(counts[s] for s in IN_SCOPE)
  if in_scope:
    print("  in scope: %d tests, %.1f%% pass" %
          (in_scope, 100.0 * counts[PASS] / in_scope))

  if args.markdown:
    write_markdown(args.markdown, results, command)
  if args.write_expected:
    write_expected(args.write_expected, results, command)

  if args.expected:
    all_tests = set(os.listdir(args.data_dir))
    missing = []
    for name in read_names(args.expected):
      if name not in all_tests:
        missing.append((name, "not in %s" % args.data_dir))
      elif name in results and results[name][0] != PASS:
        missing.append((name, "%s: %s" % results[name]))
      # Expected tests left out by --filter are not judged.
    if missing:
      print("conformance: %d expected test(s) did not pass:" % len(missing))
      for name, why in missing:
        print("  %s (%s)" % (name, why))
      return 1
  return 0


if __name__ == "__main__":
  sys.exit(main())
