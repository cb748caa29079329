#!/usr/bin/env python3
#===- examples/llama/perplexity.py - held-out perplexity, torch and qmlir ===#
#
# Perplexity of a model on the held-out chapters of the fine-tuning corpus
# (corpus.py), cut into non-overlapping windows of the model's T tokens;
# in each window the logits at positions 0..T-2 predict tokens 1..T-1, so
# a window scores T - 1 tokens. Perplexity is exp of the mean negative log
# likelihood, computed in float64 from the float32 logits.
#
# MODEL is either
#   a folder of train_base.py (OUT/base): the torch model, with --adapter
#     ADAPTER merged into its weights (W + alpha/r B A in float64, rounded
#     to float32 once, as qmlir merges), or with --nf4-lora the adapter on
#     top of the NF4-simulated base it was trained on;
#   a shared library from `qcompile ... --emit=shared` (NAME.so beside
#     NAME.json), run through the qmlir Python package.
#
# --reference BASE [--reference-adapter ADAPTER] also runs that torch model
# on the same windows and reports max|a - b| / max|b| over all logits (a:
# MODEL's, b: the reference's); --tolerance T fails (exit 1) above T.
#
#   /usr/bin/python3 examples/llama/perplexity.py OUT/base --adapter OUT/adapter
#   /usr/bin/python3 examples/llama/perplexity.py OUT/qmlir/merged/merged.so \
#       --reference OUT/base --reference-adapter OUT/adapter --tolerance 1e-5
#
#===------------------------------------------------------------------------===#

import argparse
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                "python"))
import corpus  # pylint: disable=wrong-import-position
import peft_adapter  # pylint: disable=wrong-import-position
import qmlir  # pylint: disable=wrong-import-position

TORCH_BATCH = 16


def torch_model(base_dir, adapter_dir=None, nf4_lora=False):
  """The torch model of base_dir: as is, with the adapter merged, or (with
  nf4_lora) with the adapter on its NF4-simulated base."""
  import llama  # pylint: disable=import-outside-toplevel
  import torch  # pylint: disable=import-outside-toplevel
  import train_base  # pylint: disable=import-outside-toplevel
  model = train_base.load_base(base_dir)
  if adapter_dir is None:
    if nf4_lora:
      raise ValueError("--nf4-lora needs --adapter")
    return model
  config, tensors = peft_adapter.load_adapter(adapter_dir)
  scaling = config["lora_alpha"] / config["r"]
  if not nf4_lora:
    llama.merge_lora(model, {k: torch.from_numpy(v)
                             for k, v in tensors.items()}, scaling)
    return model
  adapted = llama.add_lora(model, config["r"], config["lora_alpha"],
                           config["lora_dropout"],
                           base_transform=llama.nf4_quant_dequant)
  prefix = peft_adapter.PREFIX
  with torch.no_grad():
    for path, m in adapted.items():
      m.lora_A.weight.copy_(torch.from_numpy(
          tensors[prefix + path + ".lora_A.weight"]))
      m.lora_B.weight.copy_(torch.from_numpy(
          tensors[prefix + path + ".lora_B.weight"]))
  model.eval()
  return model


def torch_runner(model):
  """windows [n, T] int64 -> logits [n, T, V] float32 of a torch model."""
  import torch  # pylint: disable=import-outside-toplevel

  def run(windows):
    with torch.no_grad():
      return model(torch.from_numpy(windows)).numpy()
  return run


def qmlir_runner(library):
  """windows [n, T] int64 -> logits of a compiled model (one window per
  call: its input is [1, T])."""
  model = qmlir.load(library)
  if len(model.inputs) != 1 or len(model.outputs) != 1:
    raise ValueError("%s: expected one input and one output, not %s" %
                     (library, model))
  shape = model.inputs[0].shape
  if len(shape) != 2 or shape[0] != 1:
    raise ValueError("%s: the input is %s; expected int64 [1, T]" %
                     (library, model.inputs[0]))

  def run(windows):
    if windows.shape[1] != shape[1]:
      raise ValueError("%s takes windows of %d tokens, not %d" %
                       (library, shape[1], windows.shape[1]))
    return np.concatenate([model(w[None]) for w in windows])
  return run, shape[1]


def window_nll(logits, windows):
  """Sum of -log p(token t+1 | ..t) over the windows, in float64."""
  x = logits[:, :-1].astype(np.float64)
  m = x.max(axis=-1, keepdims=True)
  lse = m[..., 0] + np.log(np.exp(x - m).sum(axis=-1))
  target = np.take_along_axis(x, windows[:, 1:, None], axis=-1)[..., 0]
  return float((lse - target).sum())


class Evaluation:
  """Perplexity over windows and, with a reference, the largest logit
  difference from it."""

  def __init__(self):
    self.nll = 0.0
    self.count = 0
    self.max_abs_diff = 0.0
    self.max_abs_ref = 0.0
    self.compared = False

  @property
  def perplexity(self):
    return math.exp(self.nll / self.count)

  @property
  def relative_error(self):
    """max|a - b| / max|b| over all logits."""
    return self.max_abs_diff / self.max_abs_ref

  def add(self, logits, windows, reference=None):
    self.nll += window_nll(logits, windows)
    self.count += windows.shape[0] * (windows.shape[1] - 1)
    if reference is not None:
      self.compared = True
      self.max_abs_diff = max(self.max_abs_diff,
                              float(np.abs(logits - reference).max()))
      self.max_abs_ref = max(self.max_abs_ref,
                             float(np.abs(reference).max()))


def run_batches(run, windows, batch=TORCH_BATCH):
  """run's logits of each batch of windows, in order."""
  return [run(windows[i:i + batch]) for i in range(0, len(windows), batch)]


def evaluate(run, windows, reference=None, batch=TORCH_BATCH):
  """Evaluation of `run` over the windows in batches. `run` and
  `reference` are runners or lists of the logits of each batch
  (run_batches)."""
  def logits_of(source, i, w):
    return source(w) if callable(source) else source[i // batch]
  e = Evaluation()
  for i in range(0, len(windows), batch):
    w = windows[i:i + batch]
    e.add(logits_of(run, i, w), w,
          None if reference is None else logits_of(reference, i, w))
  return e


def held_out_windows(seq_len, limit=None):
  _, files = corpus.finetune_files()
  tokens = corpus.read_tokens(files)
  return corpus.windows(tokens, seq_len, limit), files, tokens


def main():
  p = argparse.ArgumentParser(
      description="Perplexity on the held-out text of the fine-tuning "
      "corpus, of a torch model or a qmlir-compiled one.")
  p.add_argument("model", help="a base model folder (torch) or a NAME.so "
                 "from qcompile --emit=shared")
  p.add_argument("--adapter", help="(torch) merge this PEFT adapter")
  p.add_argument("--nf4-lora", action="store_true",
                 help="(torch) the adapter unmerged on the NF4-simulated "
                 "base, as it was trained")
  p.add_argument("--reference", help="a base model folder to compare the "
                 "logits with")
  p.add_argument("--reference-adapter",
                 help="merge this adapter into the reference")
  p.add_argument("--tolerance", type=float,
                 help="fail if max|a-b|/max|b| exceeds this")
  p.add_argument("--max-windows", type=int,
                 help="score at most this many windows")
  args = p.parse_args()
  if args.nf4_lora and not args.adapter:
    p.error("--nf4-lora needs --adapter")
  if args.tolerance is not None and args.reference is None:
    p.error("--tolerance needs --reference")
  if args.reference_adapter and args.reference is None:
    p.error("--reference-adapter needs --reference")
  is_library = args.model.endswith(".so")
  if is_library and (args.adapter or args.nf4_lora):
    p.error("--adapter and --nf4-lora are for torch models; a compiled "
            "model has its adapters built in (qcompile --lora)")
  try:
    if is_library:
      run, seq_len = qmlir_runner(args.model)
      what = "qmlir %s" % args.model
    else:
      model = torch_model(args.model, args.adapter, args.nf4_lora)
      run, seq_len = torch_runner(model), model.config.max_position_embeddings
      what = "torch %s%s" % (args.model, " + %s (%s)" % (
          args.adapter, "NF4 base, unmerged" if args.nf4_lora else "merged")
                            if args.adapter else "")
    reference = None
    if args.reference:
      reference = torch_runner(torch_model(args.reference,
                                           args.reference_adapter))
    windows, files, tokens = held_out_windows(seq_len, args.max_windows)
  except (corpus.CorpusError, peft_adapter.AdapterError, FileNotFoundError,
          qmlir.QmlirError, ValueError) as e:
    sys.exit("error: %s" % e)
  print("held-out text: %s; %d windows of %d tokens" %
        (corpus.describe(files, tokens), len(windows), seq_len))
  e = evaluate(run, windows, reference)
  print("%s: perplexity %.4f over %d tokens" % (what, e.perplexity, e.count))
  if reference is not None:
    print("max|a-b|/max|b| against torch %s%s: %.3g (max|a-b| %.3g, "
          "max|b| %.4g)" % (args.reference,
                            " + " + args.reference_adapter
                            if args.reference_adapter else "",
                            e.relative_error, e.max_abs_diff, e.max_abs_ref))
    if args.tolerance is not None and e.relative_error > args.tolerance:
      print("error: above the tolerance %g" % args.tolerance)
      return 1
  return 0


if __name__ == "__main__":
  sys.exit(main())
