#===- examples/llama/peft_adapter.py - PEFT LoRA adapters on disk --------===#
#
# Writes and reads a LoRA adapter folder as Hugging Face PEFT saves it,
# without PEFT or the safetensors package:
#
#   adapter_config.json        r, lora_alpha, target_modules, ...
#   adapter_model.safetensors  base_model.model.PATH.lora_A.weight [r, in]
#                              base_model.model.PATH.lora_B.weight [out, r]
#
# safetensors: an 8-byte little-endian header length N, N bytes of JSON
# (padded with spaces to a multiple of 8) mapping each tensor name to
# {dtype, shape, data_offsets [begin, end)} in the data that follows, and
# "__metadata__" {"format": "pt"}; the tensors are stored back to back in
# the header's order, little-endian.
#
#===------------------------------------------------------------------------===#

import json
import os
import struct

import numpy as np

CONFIG = "adapter_config.json"
WEIGHTS = "adapter_model.safetensors"
PREFIX = "base_model.model."

# What read_safetensors reads (write_safetensors writes F32).
_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2")}


class AdapterError(Exception):
  pass


def write_safetensors(path, tensors, metadata=None):
  """tensors: {name: numpy array}, stored as F32 in sorted name order."""
  header = {}
  blobs = []
  offset = 0
  for name in sorted(tensors):
    data = np.ascontiguousarray(tensors[name], dtype="<f4")
    header[name] = {"dtype": "F32", "shape": list(data.shape),
                    "data_offsets": [offset, offset + data.nbytes]}
    blobs.append(data.tobytes())
    offset += data.nbytes
  header["__metadata__"] = dict(metadata or {"format": "pt"})
  text = json.dumps(header, separators=(",", ":")).encode()
  text += b" " * (-len(text) % 8)
  with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for data in blobs:
      f.write(data)


def read_safetensors(path):
  """{name: float32 numpy array} of a safetensors file of F32/F16."""
  with open(path, "rb") as f:
    raw = f.read()
  if len(raw) < 8:
    raise AdapterError("%s: too short for a safetensors file" % path)
  (n,) = struct.unpack("<Q", raw[:8])
  if 8 + n > len(raw):
    raise AdapterError("%s: header of %d bytes runs past the end" % (path, n))
  try:
    header = json.loads(raw[8:8 + n])
  except ValueError as e:
    raise AdapterError("%s: header is not JSON: %s" % (path, e))
  data = raw[8 + n:]
  tensors = {}
  for name, info in header.items():
    if name == "__metadata__":
      continue
    if info["dtype"] not in _DTYPES:
      raise AdapterError("%s: tensor '%s' has dtype %s" %
                         (path, name, info["dtype"]))
    begin, end = info["data_offsets"]
    a = np.frombuffer(data[begin:end], dtype=_DTYPES[info["dtype"]])
    tensors[name] = a.reshape(info["shape"]).astype(np.float32)
  return tensors


def save_adapter(folder, lora_weights, r, lora_alpha, lora_dropout,
                 target_modules, base_model_name_or_path):
  """lora_weights: {module path: (A [r, in], B [out, r]) as numpy float32}.
  Writes FOLDER/adapter_config.json and FOLDER/adapter_model.safetensors."""
  os.makedirs(folder, exist_ok=True)
  config = {
      "peft_type": "LORA",
      "task_type": "CAUSAL_LM",
      "base_model_name_or_path": base_model_name_or_path,
      "r": r,
      "lora_alpha": lora_alpha,
      "lora_dropout": lora_dropout,
      "target_modules": sorted(target_modules),
      "bias": "none",
      "use_rslora": False,
      "use_dora": False,
      "fan_in_fan_out": False,
      "init_lora_weights": True,
      "inference_mode": True,
      "modules_to_save": None,
      "rank_pattern": {},
      "alpha_pattern": {},
  }
  with open(os.path.join(folder, CONFIG), "w") as f:
    json.dump(config, f, indent=2, sort_keys=True)
    f.write("\n")
  tensors = {}
  for path, (a, b) in lora_weights.items():
    tensors[PREFIX + path + ".lora_A.weight"] = a
    tensors[PREFIX + path + ".lora_B.weight"] = b
  write_safetensors(os.path.join(folder, WEIGHTS), tensors)


def load_adapter(folder):
  """(config dict, {name: float32 array}) of an adapter folder."""
  config_path = os.path.join(folder, CONFIG)
  try:
    with open(config_path) as f:
      config = json.load(f)
  except OSError as e:
    raise AdapterError("%s: %s" % (config_path, e.strerror))
  except ValueError as e:
    raise AdapterError("%s: not JSON: %s" % (config_path, e))
  if config.get("peft_type") != "LORA" or config.get("use_rslora"):
    raise AdapterError("%s: a LoRA adapter without rsLoRA is expected" %
                       config_path)
  return config, read_safetensors(os.path.join(folder, WEIGHTS))
