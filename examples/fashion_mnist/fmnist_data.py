#===- examples/fashion_mnist/fmnist_data.py - read Fashion-MNIST ---------===#
#
# Reads Fashion-MNIST from Debian's dataset-fashion-mnist package (gzipped
# IDX files in /usr/share/datasets/fashion-mnist) with numpy, without
# torchvision, and normalizes images the way the model expects:
#
#   x = (pixel / 255 - MEAN) / STD      float32 [N, 1, 28, 28]
#
# MEAN and STD are the training set's pixel mean and standard deviation.
# Also checks that an ONNX model takes such an image (load_model). Shared by
# train.py (torch), make_data.py and evaluate.py (no torch).
#
#===------------------------------------------------------------------------===#

import gzip
import os

import numpy as np
import onnx

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
SPLITS = {"train": "train", "test": "t10k"}
MEAN = 0.2860
STD = 0.3530
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
           "Shirt", "Sneaker", "Bag", "Ankle boot")


class DataError(Exception):
  """A missing or malformed dataset file or model; the message names it."""


def _read_idx(path, rank):
  """Reads a gzipped IDX file of unsigned bytes with `rank` dimensions."""
  if not os.path.isfile(path):
    raise DataError(
        "%s: no such file (install Debian's dataset-fashion-mnist, or give "
        "--dataset-dir)" % path)
  try:
    with gzip.open(path, "rb") as f:
      data = f.read()
  except (OSError, EOFError) as e:
    raise DataError("%s: cannot read: %s" % (path, e))
  # Magic: two zero bytes, the element type (0x08: unsigned byte), the rank.
  if (len(data) < 4 + 4 * rank or data[0:2] != b"\0\0" or data[2] != 0x08 or
      data[3] != rank):
    raise DataError(
        "%s: not an IDX file of unsigned bytes with %d dimension%s" %
        (path, rank, "" if rank == 1 else "s"))
  dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
  body = data[4 + 4 * rank:]
  if len(body) != int(np.prod(dims)):
    raise DataError("%s: the header says %s (%d bytes) but %d bytes follow" %
                       (path, "x".join(map(str, dims)), int(np.prod(dims)),
                        len(body)))
  return np.frombuffer(body, np.uint8).reshape(dims)


def load(split, dataset_dir=DEFAULT_DIR):
  """Returns (images uint8 [N, 28, 28], labels int64 [N]) of 'train'/'test'."""
  prefix = os.path.join(dataset_dir, SPLITS[split])
  images = _read_idx(prefix + "-images-idx3-ubyte.gz", 3)
  labels = _read_idx(prefix + "-labels-idx1-ubyte.gz", 1)
  if images.shape[1:] != (28, 28):
    raise DataError("%s-images-idx3-ubyte.gz: images are %dx%d, not 28x28" %
                       (prefix, images.shape[1], images.shape[2]))
  if len(images) != len(labels):
    raise DataError("%s-labels-idx1-ubyte.gz: %d labels for %d images" %
                       (prefix, len(labels), len(images)))
  if labels.size and labels.max() >= len(CLASSES):
    raise DataError("%s-labels-idx1-ubyte.gz: label %d is not a class "
                       "(0..9)" % (prefix, labels.max()))
  return images, labels.astype(np.int64)


def load_model(path):
  """Returns (ModelProto, its image input), checked to be [1, 1, 28, 28]."""
  if not os.path.isfile(path):
    raise DataError("%s: no such file" % path)
  try:
    model = onnx.load(path)
  except Exception as e:  # pylint: disable=broad-except
    # protobuf's DecodeError, or onnx's own errors.
    raise DataError("%s: cannot read the ONNX model: %s" % (path, e))
  inits = {t.name for t in model.graph.initializer}
  inputs = [i for i in model.graph.input if i.name not in inits]
  if len(inputs) != 1:
    raise DataError("%s: the model has %d inputs; a Fashion-MNIST model has "
                    "one image input" % (path, len(inputs)))
  tt = inputs[0].type.tensor_type
  dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tt.shape.dim]
  if (tt.elem_type != onnx.TensorProto.FLOAT or len(dims) != 4 or
      dims[0] not in (1, -1) or dims[1:] != [1, 28, 28]):
    raise DataError(
        "%s: input '%s' is %s [%s]; expected FLOAT [1, 1, 28, 28]" %
        (path, inputs[0].name, onnx.TensorProto.DataType.Name(tt.elem_type),
         ", ".join("?" if d < 0 else str(d) for d in dims)))
  return model, inputs[0]


def normalize(images):
  """uint8 [N, 28, 28] -> the model's input, float32 [N, 1, 28, 28]."""
  x = images.astype(np.float32) / np.float32(255)
  return ((x - np.float32(MEAN)) / np.float32(STD))[:, None]
