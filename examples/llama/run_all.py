#!/usr/bin/env python3
#===- examples/llama/run_all.py - base, QLoRA adapters, qmlir, perplexity ===#
#
# The whole LLaMA + LoRA example in one command, into one folder OUT:
#
#   1. train_base.py: the small LLaMA on the base corpus -> OUT/base/,
#      OUT/base.onnx
#   2. train_lora.py: LoRA adapters on the fine-tuning corpus with an
#      NF4-simulated frozen base -> OUT/adapter/ (PEFT's format)
#   3. qcompile: base.onnx as is, and merged with the adapter by qmlir
#      (`--lora OUT/adapter`), each to an object file (its size is reported)
#      and a shared library (run through the qmlir package) in
#      OUT/qmlir/NAME/; then each --variant / --base-variant
#   4. perplexity.py: perplexity on the held-out chapters of the fine-tuning
#      corpus of the torch models (FP32 base, NF4 base + unmerged adapter as
#      trained, FP32 base with the adapter merged by torch) and of every
#      compiled model; and each compiled model's error, max|a-b|/max|b|
#      over all logits of the scored windows (a: qmlir's, b: torch's),
#      against the torch FP32 model of the same weights (the base for base
#      rows, torch's merge for adapted rows) and, for adapted rows, against
#      torch's NF4 base + unmerged adapter (the reference of qmlir's
#      `--lora-mode=unmerged` on an NF4 base)
#
# and prints a markdown table (also written to OUT/results.md). Exits 1 if
# qmlir's FP32 base or FP32 merge is further than --tolerance (1e-5) from
# torch's. Quantized rows need no change here:
#
#   --variant NAME="FLAGS"       qcompile base.onnx --lora OUT/adapter FLAGS
#   --base-variant NAME="FLAGS"  qcompile base.onnx FLAGS
#
#   /usr/bin/python3 examples/llama/run_all.py     # into ~/.cache/qmlir/llama
#   /usr/bin/python3 examples/llama/run_all.py --reuse \
#       --variant int8-dynamic="--quant=int8-dynamic"
#
# --reuse skips the training and uses OUT's models as they are (every row
# is compiled and evaluated again). At the default size (hidden 256, 4
# layers, 8 heads, MLP 768, T 128: 3.5M parameters) each training stage
# takes about 4 minutes on one core of this machine; torch's reference BLAS
# would take ten times that (see llama.Linear).
#
#===------------------------------------------------------------------------===#

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
import corpus  # pylint: disable=wrong-import-position
import llama  # pylint: disable=wrong-import-position
import peft_adapter  # pylint: disable=wrong-import-position
import perplexity  # pylint: disable=wrong-import-position
import qmlir  # pylint: disable=wrong-import-position
import train_base  # pylint: disable=wrong-import-position
import train_lora  # pylint: disable=wrong-import-position

# Flags run_all.py gives qcompile itself.
_OWN_FLAGS = ("-o", "--emit", "--name")


class UsageError(Exception):
  pass


def default_out():
  cache = os.environ.get("QMLIR_CACHE",
                         os.path.join(os.path.expanduser("~"), ".cache",
                                      "qmlir"))
  return os.path.join(cache, "llama")


def parse_variant(text, option):
  """NAME=FLAGS -> (NAME, [flags])."""
  name, sep, flags = text.partition("=")
  if not sep or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
    raise UsageError("%s '%s': expected NAME=FLAGS with NAME made of "
                     "letters, digits, '_' and '-'" % (option, text))
  try:
    flags = shlex.split(flags)
  except ValueError as e:
    raise UsageError("%s '%s': %s" % (option, text, e))
  for f in flags:
    if f.split("=", 1)[0] in _OWN_FLAGS:
      raise UsageError("%s '%s': %s is run_all.py's to set" %
                       (option, text, f.split("=", 1)[0]))
  return name, flags


class Row:
  """A line of the table: a torch model (flags None) or a compilation of
  base.onnx with qcompile flags."""

  def __init__(self, name, how, flags=None, adapted=False, shown=None):
    self.name = name
    self.how = how
    self.flags = flags            # qcompile flags; None for torch rows
    self.shown = shown            # the flags as the table shows them
    self.adapted = adapted        # compared with torch's merge, else base
    self.library = None
    self.object_bytes = None
    self.evaluation = None        # perplexity, error against torch FP32
    self.nf4_evaluation = None    # error against torch's NF4 base + LoRA


def compile_row(qcompile, out, row, log):
  """Compiles base.onnx with the row's flags to OUT/qmlir/NAME/: NAME.o
  (for its size) and NAME.so (to run). On failure the folder is removed."""
  folder = os.path.join(out, "qmlir", row.name)
  shutil.rmtree(folder, ignore_errors=True)
  os.makedirs(folder)
  c_name = qmlir.compiler.c_identifier("llama_" + row.name)
  for emit, suffix in (("obj", ".o"), ("shared", ".so")):
    path = os.path.join(folder, c_name + suffix)
    command = [qcompile, os.path.join(out, "base.onnx")] + row.flags + [
        "-o", path, "--emit=%s" % emit, "--name=%s" % c_name]
    start = time.time()
    result = subprocess.run(command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
      shutil.rmtree(folder, ignore_errors=True)
      raise qmlir.CompileError("%s failed (exit status %d):\n%s" % (
          " ".join(shlex.quote(c) for c in command), result.returncode,
          result.stderr.strip()))
    log("compiled %s (%.1f s)" % (path, time.time() - start))
    if emit == "obj":
      row.object_bytes = os.path.getsize(path)
    else:
      row.library = path


# The rows whose error against torch is checked against --tolerance.
CHECKED = ("fp32", "fp32-merged")


def markdown(rows, tolerance):
  lines = ["| model | qcompile flags | object file (bytes) | perplexity | "
           "error vs torch FP32 | error vs torch NF4 + LoRA |",
           "|---|---|---:|---:|---:|---:|"]
  for r in rows:
    e = r.evaluation
    if r.flags is None:
      flags = "-"
    else:
      flags = "`%s`" % " ".join(r.shown) if r.shown else "(none)"
    size = "%d" % r.object_bytes if r.object_bytes is not None else "-"
    error = "-"
    if e.compared:
      error = "%.2e" % e.relative_error
      if r.name in CHECKED:
        error += " (ok)" if e.relative_error <= tolerance else " (FAIL)"
    nf4_error = "-"
    if r.nf4_evaluation is not None:
      nf4_error = "%.2e" % r.nf4_evaluation.relative_error
    lines.append("| %s | %s | %s | %.4f | %s | %s |" %
                 (r.how, flags.replace("|", "\\|"), size, e.perplexity,
                  error, nf4_error))
  return "\n".join(lines)


def build_arguments():
  p = argparse.ArgumentParser(
      description="Train a small LLaMA and QLoRA-style adapters, compile "
      "them with qmlir and tabulate held-out perplexity.")
  p.add_argument("--out", default=default_out(),
                 help="output folder (default: %(default)s)")
  p.add_argument("--reuse", action="store_true",
                 help="skip training: use OUT/base, OUT/base.onnx and "
                 "OUT/adapter as they are")
  p.add_argument("--variant", action="append", default=[],
                 metavar="NAME=FLAGS",
                 help="also compile base.onnx --lora OUT/adapter FLAGS "
                 "(repeatable)")
  p.add_argument("--base-variant", action="append", default=[],
                 metavar="NAME=FLAGS",
                 help="also compile base.onnx FLAGS, without the adapter "
                 "(repeatable)")
  p.add_argument("--qcompile",
                 help="qcompile to run (default: $QMLIR_QCOMPILE, the "
                 "checkout's build/bin/qcompile, or PATH's)")
  p.add_argument("--max-windows", type=int,
                 help="score at most this many held-out windows")
  p.add_argument("--tolerance", type=float, default=1e-5,
                 help="largest max|a-b|/max|b| of qmlir's FP32 rows "
                 "(default: %(default)s)")
  training = p.add_argument_group(
      "training (not with --reuse)",
      "defaults: those of train_base.py and train_lora.py")
  train_base.add_model_arguments(training)
  train_base.add_base_training_arguments(training)
  train_lora.add_lora_arguments(training)
  return p


TRAINING_OPTIONS = ("hidden", "layers", "heads", "intermediate", "seq_len",
                    "base_steps", "base_lr", "batch", "seed", "threads",
                    "rank", "alpha", "lora_dropout", "lora_steps", "lora_lr")


def main():
  p = build_arguments()
  args = p.parse_args()
  # The training options given on the command line: those a parser without
  # their defaults sets.
  bare = build_arguments()
  bare.set_defaults(**{k: None for k in TRAINING_OPTIONS})
  explicit = bare.parse_args()
  given = ["--" + k.replace("_", "-") for k in TRAINING_OPTIONS
           if getattr(explicit, k) is not None]
  if args.reuse and given:
    p.error("--reuse uses the trained models as they are; %s cannot be "
            "given with it" % ", ".join(given))
  if not args.reuse:
    try:
      train_base.config_from_args(args)
    except ValueError as e:
      p.error(str(e))
    # The LoRA stage's NF4 blocks run along every Linear's input.
    if args.hidden % llama.NF4_BLOCK or args.intermediate % llama.NF4_BLOCK:
      p.error("--hidden %d and --intermediate %d must be multiples of %d "
              "(the NF4 block of the simulated QLoRA base)" %
              (args.hidden, args.intermediate, llama.NF4_BLOCK))
    for option in ("base_steps", "lora_steps", "batch", "threads", "rank"):
      if getattr(args, option) < 1:
        p.error("--%s must be positive" % option.replace("_", "-"))
  if args.max_windows is not None and args.max_windows < 1:
    p.error("--max-windows must be positive")
  try:
    variants = [parse_variant(v, "--variant") for v in args.variant]
    base_variants = [parse_variant(v, "--base-variant")
                     for v in args.base_variant]
  except UsageError as e:
    p.error(str(e))
  names = ["fp32", "fp32-merged"] + [n for n, _ in variants + base_variants]
  duplicates = sorted({n for n in names if names.count(n) > 1})
  if duplicates:
    p.error("variant name%s %s used twice (fp32 and fp32-merged are the "
            "built-in rows)" % ("s" if len(duplicates) > 1 else "",
                                ", ".join(duplicates)))
  try:
    return run(args, variants, base_variants)
  except (corpus.CorpusError, peft_adapter.AdapterError, FileNotFoundError,
          qmlir.QmlirError, ValueError) as e:
    print("error: %s" % e, file=sys.stderr)
    return 1


def run(args, variants, base_variants):
  out = os.path.abspath(args.out)
  base_dir = os.path.join(out, "base")
  adapter_dir = os.path.join(out, "adapter")

  def log(text):
    print(text, flush=True)

  qcompile = qmlir.find_qcompile(args.qcompile)
  # Both corpora are looked up before anything is written.
  corpus.base_files()
  corpus.finetune_files()
  notes = []
  if args.reuse:
    for path in (os.path.join(base_dir, train_base.CONFIG),
                 os.path.join(base_dir, train_base.WEIGHTS),
                 os.path.join(out, "base.onnx"),
                 os.path.join(adapter_dir, peft_adapter.CONFIG),
                 os.path.join(adapter_dir, peft_adapter.WEIGHTS)):
      if not os.path.isfile(path):
        raise FileNotFoundError("%s: no such file (--reuse needs a folder "
                                "run_all.py has trained into)" % path)
  else:
    config = train_base.config_from_args(args)
    os.makedirs(out, exist_ok=True)
    loss, seconds = train_base.train_base(
        out, config, args.base_steps, args.batch, args.base_lr, args.seed,
        args.threads, log)
    notes.append("Base: %d steps of %d windows of %d tokens, final loss "
                 "%.4f, %.0f s of training." %
                 (args.base_steps, args.batch, config.max_position_embeddings,
                  loss, seconds))
    loss, seconds = train_lora.train_lora(
        base_dir, adapter_dir, args.rank, args.alpha, args.lora_dropout,
        args.lora_steps, args.batch, args.lora_lr, args.seed, args.threads,
        log)
    notes.append("LoRA (r %d, alpha %g, NF4-simulated base): %d steps, "
                 "final loss %.4f, %.0f s of training." %
                 (args.rank, args.alpha, args.lora_steps, loss, seconds))

  lora = ["--lora", adapter_dir]
  rows = [Row("torch", "torch FP32 base"),
          Row("torch-nf4-lora", "torch NF4 base + LoRA unmerged (as "
              "trained)", adapted=True),
          Row("torch-merged", "torch FP32 merged", adapted=True),
          Row("fp32", "qmlir FP32 base", [], shown=[]),
          Row("fp32-merged", "qmlir FP32 merged", lora, adapted=True,
              shown=["--lora", "adapter"])]
  rows += [Row(n, "qmlir %s" % n, lora + f, adapted=True,
               shown=["--lora", "adapter"] + f) for n, f in variants]
  rows += [Row(n, "qmlir %s (base)" % n, f, shown=f)
           for n, f in base_variants]
  # Compile first (the variants before the built-in rows), so that a bad
  # flag stops the run before minutes of evaluation.
  compiled = [r for r in rows if r.flags is not None]
  for r in compiled[2:] + compiled[:2]:
    compile_row(qcompile, out, r, log)

  base = perplexity.torch_model(base_dir)
  merged = perplexity.torch_model(base_dir, adapter_dir)
  nf4_lora = perplexity.torch_model(base_dir, adapter_dir, nf4_lora=True)
  seq_len = base.config.max_position_embeddings
  windows, files, tokens = perplexity.held_out_windows(seq_len,
                                                       args.max_windows)
  log("held-out text: %s; %d windows of %d tokens" %
      (corpus.describe(files, tokens), len(windows), seq_len))
  # The logits of the torch models of the two weight sets, kept per batch:
  # the references of the compiled models.
  logits = {name: perplexity.run_batches(perplexity.torch_runner(m),
                                         windows)
            for name, m in (("torch", base), ("torch-merged", merged),
                            ("torch-nf4-lora", nf4_lora))}
  effect = perplexity.evaluate(logits["torch-merged"], windows,
                               logits["torch"])
  for r in rows:
    start = time.time()
    if r.flags is None:
      r.evaluation = perplexity.evaluate(logits[r.name], windows)
    else:
      run_batch, _ = perplexity.qmlir_runner(r.library)
      own = perplexity.run_batches(run_batch, windows)
      r.evaluation = perplexity.evaluate(
          own, windows, logits["torch-merged" if r.adapted else "torch"])
      if r.adapted:
        r.nf4_evaluation = perplexity.evaluate(own, windows,
                                               logits["torch-nf4-lora"])
    log("%s: perplexity %.4f (%.0f s)" % (r.how, r.evaluation.perplexity,
                                          time.time() - start))

  summary = ["Held-out text: %s; %d windows of %d tokens, %d tokens "
             "scored." % (corpus.describe(files, tokens), len(windows),
                          seq_len, rows[0].evaluation.count)]
  summary += notes
  summary.append("The adapter changes torch's logits by max|merged - base| "
                 "/ max|base| = %.2e." % effect.relative_error)
  summary.append("Errors are max|a-b|/max|b| over all logits of the scored "
                 "windows, a the row's, b the torch model's.")
  report = "\n".join(summary) + "\n\n" + markdown(rows, args.tolerance) + \
      "\n"
  with open(os.path.join(out, "results.md"), "w") as f:
    f.write(report)
  print()
  print(report, end="")
  failed = [r.how for r in rows if r.name in CHECKED
            and r.evaluation.relative_error > args.tolerance]
  if failed:
    print("error: %s further than %g from torch" %
          (" and ".join(failed), args.tolerance), file=sys.stderr)
    return 1
  # Without a clear change, agreeing with torch's merge would not show
  # that qmlir merged anything.
  if effect.relative_error <= 100 * args.tolerance:
    print("error: the adapter changes the logits by only %.2e, too little "
          "to tell a merge from none at --tolerance %g (train longer)" %
          (effect.relative_error, args.tolerance), file=sys.stderr)
    return 1
  return 0


if __name__ == "__main__":
  sys.exit(main())
