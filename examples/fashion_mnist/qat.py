#!/usr/bin/env python3
#===- examples/fashion_mnist/qat.py - PTQ against QAT, W8A8 and W4A8 ------===#
#
# Measures, on the Fashion-MNIST test set, the FP32 model, post-training
# quantization (PTQ) and quantization-aware training (QAT, python/qmlir/qat)
# at W8A8 and W4A8, over several seeds, every number from the model qmlir
# compiles (qcompile --emit=shared, run through the qmlir package):
#
#   FP32  the model as trained (train.py);
#   PTQ   q-ptq-int8{weights=int8|int4}: batch norms folded, activations
#         uint8 from min-max ranges over --calibration-count training images
#         drawn with the seed, weights symmetric per output channel (int8
#         [-127, 127], int4 [-7, 7] held in int8);
#   QAT   the same calibration, then q-insert-fake-quant{weights=...}
#         exported as QDQ ONNX (qopt --emit=onnx), rebuilt in PyTorch by
#         qmlir.qat, fine-tuned for --steps steps of --batch-size training
#         images (drawn with the seed, each flipped left-right with
#         probability 1/2) with Adam, the scales kept as calibrated
#         ("fixed") or learned too (LSQ, "learned"; --scales picks, default
#         both), exported back as QDQ ONNX and compiled: q-fold-qdq turns it
#         into integer kernels (checked: every Conv and the Gemm).
#
#   /usr/bin/python3 examples/fashion_mnist/make_data.py /tmp/fmnist
#   /usr/bin/python3 examples/fashion_mnist/qat.py /tmp/fmnist
#
# Needs python3-torch (1.13, CPU) and the built tools (--qmlir-bin). Ends
# with a table of each configuration's accuracy per seed, mean and spread.
#
#===------------------------------------------------------------------------===#

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
import evaluate  # pylint: disable=wrong-import-position
import fmnist_data  # pylint: disable=wrong-import-position
import qmlir  # pylint: disable=wrong-import-position

DataError = fmnist_data.DataError


run = evaluate.run


class Bench:
  """The tools, the test batches and a work folder."""

  def __init__(self, args, work):
    self.args = args
    self.work = work
    self.qopt = os.path.join(args.qmlir_bin, "qopt")
    self.qcompile = os.path.join(args.qmlir_bin, "qcompile")
    self.batches, self.batch = evaluate.read_batches(args.data_dir)
    self.count = 0

  def path(self, name):
    return os.path.join(self.work, name)

  def accuracy(self, model, what):
    """Top-1 accuracy (%) of `model` (.onnx or .mlir of batch --batch)
    compiled by qcompile and run through qmlir.load."""
    self.count += 1
    name = "m%d" % self.count
    try:
      so = qmlir.compile(model, self.path(name + ".so"), name=name,
                         qcompile=self.qcompile)
    except qmlir.CompileError as e:
      raise DataError("%s: qcompile failed:\n%s" % (what, e.diagnostics))
    compiled = qmlir.load(so)
    correct = total = 0
    for images, labels in self.batches:
      logits = compiled(np.load(images))
      correct += int((logits.argmax(1) == labels).sum())
      total += len(labels)
    return 100.0 * correct / total

  def batched(self, model, name):
    """A copy of `model` whose batch is the test batches'."""
    out = self.path(name)
    evaluate.batched_model(model, self.batch, out)
    return out

  def integer_ops(self, model):
    """(integer convs, float convs, integer matmuls, float gemms/matmuls)
    after q-fold-qdq."""
    ir = run([self.qopt, model, "--pass-pipeline=builtin.module(canonicalize,"
              "func.func(q-fold-qdq))"], "%s: q-fold-qdq" % model)
    count = lambda op: len(re.findall(r"\bq\.%s\b" % op, ir))
    return (count("conv_integer"), count("conv"), count("matmul_integer"),
            count("gemm") + count("matmul"))


def calibration_folder(train_images, input_name, count, seed, out):
  """`count` training images drawn with `seed`, as make_data.py draws them
  (the same images for the same seed), one folder per sample."""
  rng = np.random.default_rng(seed)
  picks = rng.choice(len(train_images), count, replace=False)
  for k, sample in enumerate(fmnist_data.normalize(train_images[picks])):
    folder = os.path.join(out, "sample_%04d" % k)
    os.makedirs(folder)
    np.save(os.path.join(folder, input_name + ".npy"), sample[None])


def train_qat(args, fake_quant_onnx, out, seed, learn_scales, train_x,
              train_y, log):
  """Fine-tunes the fake-quant model; writes the trained QDQ model."""
  import torch
  from qmlir import qat
  torch.manual_seed(seed)
  rng = np.random.default_rng(seed)
  model = qat.from_onnx(fake_quant_onnx, learn_scales=learn_scales)

  def batches():
    while True:
      idx = rng.choice(len(train_x), args.batch_size, replace=False)
      x = train_x[idx]
      flip = rng.random(args.batch_size) < 0.5
      x[flip] = x[flip][..., ::-1]
      yield torch.from_numpy(x), torch.from_numpy(train_y[idx])

  start = time.time()
  losses = qat.finetune(model, batches(), steps=args.steps, lr=args.lr,
                        scale_lr=args.scale_lr, log_every=args.steps // 3 or 1,
                        log=lambda m: log("    " + m))
  log("    %d steps in %.0f s, last loss %.4f" %
      (args.steps, time.time() - start, losses[-1]))
  model.export_onnx(out)


def summarize(results, fp32, weights, scales, seeds, log):
  rows = [("FP32", [fp32] * len(seeds))]
  for w in weights:
    bits = "W4A8" if w == "int4" else "W8A8"
    rows.append(("PTQ " + bits, results[("ptq", w)]))
    for mode in scales:
      rows.append(("QAT %s, %s scales" % (bits, mode),
                   results[("qat-" + mode, w)]))
  log("")
  log("| configuration | " + " | ".join("seed %d" % s for s in seeds) +
      " | mean | std | min-max |")
  log("|---|" + "---|" * (len(seeds) + 3))
  for name, accs in rows:
    a = np.array(accs)
    log("| %s | %s | %.2f | %.2f | %.2f-%.2f |" %
        (name, " | ".join("%.2f" % v for v in a), a.mean(),
         a.std(ddof=1) if len(a) > 1 else 0.0, a.min(), a.max()))
  for w in weights:
    ptq = np.mean(results[("ptq", w)])
    lost = fp32 - ptq
    for mode in scales:
      qat = np.mean(results[("qat-" + mode, w)])
      if lost > 0:
        log("%s: PTQ lost %.2f pt; QAT (%s scales) recovered %.2f pt of them "
            "(%.0f%%)" % ("W4A8" if w == "int4" else "W8A8", lost, mode,
                          qat - ptq, 100.0 * (qat - ptq) / lost))


def main():
  p = argparse.ArgumentParser(
      description="FP32, PTQ and QAT accuracy of the Fashion-MNIST model at "
      "W8A8 and W4A8, compiled by qmlir.")
  p.add_argument("data_dir", metavar="DATA_DIR",
                 help="the folder make_data.py wrote (its test batches)")
  p.add_argument("--model", default=os.path.join(HERE, "model.onnx"))
  p.add_argument("--dataset-dir", default=fmnist_data.DEFAULT_DIR,
                 help="folder of the gzipped IDX files (default: %(default)s)")
  p.add_argument("--qmlir-bin", default=os.path.join(ROOT, "build", "bin"),
                 help="folder of qopt and qcompile (default: %(default)s)")
  p.add_argument("--weights", default="int8,int4",
                 help="weight precisions, of int8 and int4 (default: "
                 "%(default)s)")
  p.add_argument("--seeds", default="0,1,2",
                 help="seeds of the calibration sample and of QAT's batches "
                 "(default: %(default)s)")
  p.add_argument("--calibration-count", type=int, default=256)
  p.add_argument("--steps", type=int, default=300,
                 help="QAT optimizer steps (default: %(default)s)")
  p.add_argument("--batch-size", type=int, default=128)
  p.add_argument("--lr", type=float, default=1e-4,
                 help="Adam's learning rate of weights and biases")
  p.add_argument("--scales", default="fixed,learned",
                 help="QAT runs with the calibrated scales kept (fixed) "
                 "and/or learned too (LSQ) (default: %(default)s)")
  p.add_argument("--scale-lr", type=float, default=1e-3,
                 help="learning rate of the learned scales (of log(s / s0), "
                 "a relative step)")
  p.add_argument("--keep", metavar="DIR",
                 help="keep the models, calibration and libraries here")
  p.add_argument("--json", metavar="FILE",
                 help="also write the accuracies as JSON")
  args = p.parse_args()

  def fail(message):
    print("error: %s" % message, file=sys.stderr)
    return 1

  weights = args.weights.split(",")
  if not weights or any(w not in ("int8", "int4") for w in weights):
    return fail("--weights: expected int8 and/or int4, not '%s'" %
                args.weights)
  scales = args.scales.split(",")
  if any(m not in ("fixed", "learned") for m in scales):
    return fail("--scales: expected fixed and/or learned, not '%s'" %
                args.scales)
  try:
    seeds = [int(s) for s in args.seeds.split(",")]
  except ValueError:
    return fail("--seeds: expected integers separated by commas, not '%s'" %
                args.seeds)
  if args.steps < 1 or args.batch_size < 1 or args.calibration_count < 1:
    return fail("--steps, --batch-size and --calibration-count must be "
                "positive")
  try:
    import torch
  except ImportError:
    return fail("QAT needs PyTorch: apt-get install python3-torch")
  for tool in ("qopt", "qcompile"):
    if not os.access(os.path.join(args.qmlir_bin, tool), os.X_OK):
      return fail("%s: no such program (build qmlir, or give --qmlir-bin)" %
                  os.path.join(args.qmlir_bin, tool))
  torch.set_num_threads(1)
  torch.use_deterministic_algorithms(True)

  work = args.keep or tempfile.mkdtemp(prefix="qmlir-fmnist-qat-")
  os.makedirs(work, exist_ok=True)
  log = lambda m: print(m, flush=True)
  try:
    bench = Bench(args, work)
    _, image = fmnist_data.load_model(args.model)
    train_images, train_labels = fmnist_data.load("train", args.dataset_dir)
    for option, count in (("--calibration-count", args.calibration_count),
                          ("--batch-size", args.batch_size)):
      if count > len(train_images):
        raise DataError("%s %d: the training set has %d images" %
                        (option, count, len(train_images)))
    train_x = fmnist_data.normalize(train_images)
    fp32 = bench.accuracy(bench.batched(args.model, "fp32.onnx"),
                          "%s (FP32)" % args.model)
    log("FP32: %.2f%%" % fp32)
    results = {}
    for seed in seeds:
      calib = bench.path("calibration_%d" % seed)
      cache = bench.path("calibration_%d.json" % seed)
      calibration_folder(train_images, image.name, args.calibration_count,
                         seed, calib)
      run([bench.qopt, args.model, "-o", bench.path("calibrated.mlir"),
           "--pass-pipeline=builtin.module(func.func(q-fold-batchnorm),"
           "q-calibrate{data=%s cache=%s})" % (calib, cache)],
          "%s: calibration on %s" % (args.model, calib))
      for w in weights:
        bits = "W4A8" if w == "int4" else "W8A8"
        # PTQ of the batched model, from the batch-1 model's statistics.
        ptq = bench.path("ptq_%s_%d.mlir" % (w, seed))
        run([bench.qopt, bench.path("fp32.onnx"), "-o", ptq,
             "--pass-pipeline=builtin.module(q-ptq-int8{data=%s cache=%s "
             "weights=%s})" % (calib, cache, w)],
            "%s: q-ptq-int8 (%s)" % (args.model, w))
        acc = bench.accuracy(ptq, "PTQ %s seed %d" % (bits, seed))
        results.setdefault(("ptq", w), []).append(acc)
        log("seed %d PTQ %s: %.2f%%" % (seed, bits, acc))

        fake_quant = bench.path("fake_quant_%s_%d.onnx" % (w, seed))
        run([bench.qopt, args.model, "--emit=onnx", "-o", fake_quant,
             "--pass-pipeline=builtin.module(func.func(q-fold-batchnorm),"
             "q-calibrate{data=%s cache=%s},func.func(q-insert-fake-quant{"
             "weights=%s}))" % (calib, cache, w)],
            "%s: q-insert-fake-quant (%s)" % (args.model, w))
        for mode in scales:
          what = "seed %d QAT %s, %s scales" % (seed, bits, mode)
          trained = bench.path("qat_%s_%s_%d.onnx" % (w, mode, seed))
          log("%s: %d steps" % (what, args.steps))
          train_qat(args, fake_quant, trained, seed, mode == "learned",
                    train_x, train_labels, log)
          convs, float_convs, matmuls, float_matmuls = \
              bench.integer_ops(trained)
          if float_convs or float_matmuls or not convs:
            raise DataError("%s: q-fold-qdq leaves %d Conv and %d "
                            "Gemm/MatMul in float" %
                            (trained, float_convs, float_matmuls))
          acc = bench.accuracy(bench.batched(trained, "qat_b.onnx"), what)
          results.setdefault(("qat-" + mode, w), []).append(acc)
          log("%s: %.2f%% (integer kernels: %d conv_integer, %d "
              "matmul_integer, no float conv/gemm)" %
              (what, acc, convs, matmuls))
  except (DataError, qmlir.QmlirError) as e:
    return fail(e)
  finally:
    if not args.keep:
      shutil.rmtree(work, ignore_errors=True)

  summarize(results, fp32, weights, scales, seeds, log)
  if args.json:
    with open(args.json, "w") as f:
      json.dump({"fp32": fp32, "seeds": seeds, "steps": args.steps,
                 "results": {"%s_%s" % k: v for k, v in results.items()}},
                f, indent=1)
  return 0


if __name__ == "__main__":
  sys.exit(main())
