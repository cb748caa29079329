#!/usr/bin/env python3
#===- examples/fashion_mnist/evaluate.py - top-1 accuracy on the test set -===#
#
# Computes a Fashion-MNIST model's top-1 accuracy on the test batches that
# make_data.py wrote (DATA_DIR/test/images_NNNN.npy, labels_NNNN.npy),
# through qmlir and through ONNX Runtime (utils/ort/ort_run.js), and checks
# that both predict the same class for every image.
#
# The model takes one image, [1, 1, 28, 28]; to run whole batches, a copy of
# it with the batch dimension set to the data's batch size (ONNX shape
# inference must then give [B, 10]) is written to a temporary folder.
# qcompile compiles that copy once into a shared library (--emit=shared)
# and qrun runs the library on each batch; ONNX Runtime runs the same copy.
#
#   /usr/bin/python3 examples/fashion_mnist/make_data.py /tmp/fmnist
#   /usr/bin/python3 examples/fashion_mnist/evaluate.py \
#       examples/fashion_mnist/model.onnx /tmp/fmnist
#
# Exits 1 if qmlir and ONNX Runtime disagree on any image.
#
#===------------------------------------------------------------------------===#

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import fmnist_data  # pylint: disable=wrong-import-position

NUM_CLASSES = len(fmnist_data.CLASSES)
DataError = fmnist_data.DataError


def read_batches(data_dir):
  """The (images file, labels array) pairs of DATA_DIR/test, in order."""
  test = os.path.join(data_dir, "test")
  files = sorted(glob.glob(os.path.join(test, "images_*.npy")))
  files = [f for f in files if re.fullmatch(r"images_\d+\.npy",
                                            os.path.basename(f))]
  if not files:
    raise DataError("%s: no images_NNNN.npy test batches (write them with "
                    "make_data.py)" % test)
  batches = []
  batch = None
  for f in files:
    lf = os.path.join(test, "labels_" + os.path.basename(f)[len("images_"):])
    if not os.path.isfile(lf):
      raise DataError("%s: no such file (the labels of %s)" % (lf, f))
    try:
      images = np.load(f, mmap_mode="r")
    except (OSError, ValueError) as e:
      raise DataError("%s: not a .npy file: %s" % (f, e))
    try:
      labels = np.load(lf)
    except (OSError, ValueError) as e:
      raise DataError("%s: not a .npy file: %s" % (lf, e))
    if (images.dtype != np.float32 or images.ndim != 4 or
        images.shape[1:] != (1, 28, 28)):
      raise DataError("%s: holds %s %s; expected float32 [B, 1, 28, 28]" %
                      (f, images.dtype, list(images.shape)))
    if batch is None:
      batch = images.shape[0]
    if images.shape[0] != batch:
      raise DataError("%s: holds %d images; %s holds %d (every batch must "
                      "have the same size)" %
                      (f, images.shape[0], files[0], batch))
    if labels.shape != (batch,) or labels.dtype.kind not in "iu":
      raise DataError("%s: holds %s %s; expected %d integer labels" %
                      (lf, labels.dtype, list(labels.shape), batch))
    bad = labels[(labels < 0) | (labels >= NUM_CLASSES)]
    if bad.size:
      raise DataError("%s: label %d is not a class (0..%d)" %
                      (lf, bad[0], NUM_CLASSES - 1))
    batches.append((f, labels.astype(np.int64)))
  return batches, batch


def batched_model(path, batch, out_path):
  """Writes `path` with its image batch set to `batch`; returns the names."""
  model, image = fmnist_data.load_model(path)
  if len(model.graph.output) != 1:
    raise DataError("%s: has %d outputs; expected one, the logits" %
                    (path, len(model.graph.output)))
  logits = model.graph.output[0]
  shape = image.type.tensor_type.shape
  shape.dim[0].Clear()
  shape.dim[0].dim_value = batch
  # Shape inference recomputes every intermediate shape from the new batch.
  del model.graph.value_info[:]
  for d in logits.type.tensor_type.shape.dim:
    d.Clear()
  try:
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
  except Exception as e:  # pylint: disable=broad-except
    raise DataError("%s: shape inference fails with a batch of %d: %s" %
                    (path, batch, e))
  out = inferred.graph.output[0].type.tensor_type.shape
  got = [d.dim_value if d.HasField("dim_value") else -1 for d in out.dim]
  if got != [batch, NUM_CLASSES]:
    raise DataError("%s: with a batch of %d, output '%s' is [%s], not [%d, %d] "
                    "(the graph fixes its batch size; use make_data.py "
                    "--batch 1)" %
                    (path, batch, logits.name,
                     ", ".join("?" if d < 0 else str(d) for d in got), batch,
                     NUM_CLASSES))
  onnx.save(inferred, out_path)
  return image.name, logits.name


def run(cmd, what):
  """Runs cmd and returns its stdout; raises DataError saying `what` failed
  ("FILE: TOOL on ...") if it does."""
  try:
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=False)
  except OSError as e:
    raise DataError("%s: cannot run %s: %s" % (what, cmd[0], e.strerror))
  if r.returncode:
    raise DataError("%s failed (exit %d):\n%s" %
                    (what, r.returncode, r.stderr.rstrip()))
  return r.stdout


def main():
  p = argparse.ArgumentParser(
      description="Top-1 accuracy of a Fashion-MNIST model through qmlir and "
      "ONNX Runtime.")
  p.add_argument("model", metavar="MODEL")
  p.add_argument("data_dir", metavar="DATA_DIR",
                 help="the folder make_data.py wrote")
  p.add_argument("--qmlir-bin", default=os.path.join(ROOT, "build", "bin"),
                 help="folder of qcompile and qrun (default: %(default)s)")
  p.add_argument("--keep", metavar="DIR",
                 help="keep the batched model, library and outputs here")
  p.add_argument("--quant", choices=["int8", "fp16", "bf16"],
                 help="compile qmlir's side quantized (ONNX Runtime stays "
                 "FP32, the reference)")
  p.add_argument("--calib-data", metavar="DIR",
                 help="calibration samples for --quant (make_data.py's "
                 "calibration folder)")
  p.add_argument("--calib-method", default="minmax",
                 help="calibration method for --quant (default %(default)s)")
  args = p.parse_args()
  calibrated = args.quant == "int8"
  if calibrated and not args.calib_data:
    print("error: --quant int8 needs --calib-data", file=sys.stderr)
    return 1
  if args.quant and not calibrated and args.calib_data:
    print("error: --quant %s needs no --calib-data" % args.quant,
          file=sys.stderr)
    return 1

  for tool in ("qcompile", "qrun"):
    path = os.path.join(args.qmlir_bin, tool)
    if not os.access(path, os.X_OK):
      print("error: %s: no such program (build qmlir, or give --qmlir-bin)" %
            path, file=sys.stderr)
      return 1
  work = args.keep or tempfile.mkdtemp(prefix="qmlir-fmnist-")
  os.makedirs(work, exist_ok=True)
  try:
    batches, batch = read_batches(args.data_dir)
    model = os.path.join(work, "model_b%d.onnx" % batch)
    in_name, out_name = batched_model(args.model, batch, model)
    out_file = out_name.replace("/", "_").replace("\\", "_") + ".npy"
    library = os.path.join(work, "fmnist.so")
    quant = ["--quant", args.quant] if args.quant else []
    if calibrated:
      # Calibrate the batch-1 model the samples fit; its statistics (keyed
      # by ONNX node names) then quantize the batched copy.
      cache = os.path.join(work, "calibration.json")
      run([os.path.join(args.qmlir_bin, "qcompile"), args.model,
           "--emit=mlir", "-o", os.path.join(work, "calibrated.mlir"),
           "--quant", args.quant, "--calib-data", args.calib_data,
           "--calib-method", args.calib_method, "--calib-cache", cache],
          "%s: calibration on %s" % (args.model, args.calib_data))
      quant = ["--quant", args.quant, "--calib-method", args.calib_method,
               "--calib-cache", cache]
    run([os.path.join(args.qmlir_bin, "qcompile"), model, "--emit=shared",
         "-o", library, "--name", "fmnist"] + quant,
        "%s: qcompile of its batch-%d copy" % (args.model, batch))
    qrun = os.path.join(args.qmlir_bin, "qrun")
    ort = os.path.join(ROOT, "utils", "ort", "ort_run.js")
    correct = {"qmlir": 0, "onnxruntime": 0}
    same, max_diff = 0, 0.0
    for k, (images, labels) in enumerate(batches):
      feed = ["--input", "%s=%s" % (in_name, images)]
      q_dir = os.path.join(work, "qmlir", "%04d" % k)
      o_dir = os.path.join(work, "ort", "%04d" % k)
      run([qrun, library, "--output-dir", q_dir] + feed,
          "%s: qrun on %s" % (args.model, images))
      run(["node", ort, model, "--output-dir", o_dir] + feed,
          "%s: ONNX Runtime on %s" % (args.model, images))
      q = np.load(os.path.join(q_dir, out_file))
      o = np.load(os.path.join(o_dir, out_file))
      correct["qmlir"] += int((q.argmax(1) == labels).sum())
      correct["onnxruntime"] += int((o.argmax(1) == labels).sum())
      same += int((q.argmax(1) == o.argmax(1)).sum())
      max_diff = max(max_diff, float(np.abs(q - o).max()))
      if not args.keep:
        shutil.rmtree(q_dir)
        shutil.rmtree(o_dir)
  except DataError as e:
    print("error: %s" % e, file=sys.stderr)
    return 1
  finally:
    if not args.keep:
      shutil.rmtree(work, ignore_errors=True)

  total = batch * len(batches)
  print("model %s: input '%s', %d test images in %d batch%s of %d" %
        (args.model, in_name, total, len(batches),
         "" if len(batches) == 1 else "es", batch))
  if args.quant:
    # Quantized: ONNX Runtime runs the FP32 model; report, do not require,
    # agreement.
    print("%-12s top-1 accuracy %.2f%% (%d/%d)" %
          ("qmlir %s:" % args.quant, 100.0 * correct["qmlir"] / total,
           correct["qmlir"], total))
    print("%-12s top-1 accuracy %.2f%% (%d/%d)" %
          ("onnxruntime fp32:", 100.0 * correct["onnxruntime"] / total,
           correct["onnxruntime"], total))
    how = " (calibration %s)" % args.calib_method if calibrated else ""
    print("qmlir %s%s vs onnxruntime fp32: same class on %d/%d images" %
          (args.quant, how, same, total))
    return 0
  for name, n in correct.items():
    print("%-12s top-1 accuracy %.2f%% (%d/%d)" %
          (name + ":", 100.0 * n / total, n, total))
  print("qmlir vs onnxruntime: same class on %d/%d images, max |logit "
        "difference| %.3g: %s" %
        (same, total, max_diff, "ok" if same == total else "MISMATCH"))
  return 0 if same == total else 1


if __name__ == "__main__":
  sys.exit(main())
