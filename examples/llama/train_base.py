#!/usr/bin/env python3
#===- examples/llama/train_base.py - train the base model, export ONNX ---===#
#
# Trains the small LLaMA (llama.py) on the base corpus (corpus.py: the
# licence texts of /usr/share/common-licenses) and writes
#
#   OUT/base/config.json         Hugging Face's LlamaConfig fields
#   OUT/base/pytorch_model.bin   the state dict (torch.save)
#   OUT/base.onnx                opset 17, input_ids int64 [1, T] ->
#                                logits float32 [1, T, 256], T fixed
#
# The ONNX graph keeps torch's scopes as node names
# (/model/layers.0/self_attn/q_proj/MatMul), which is how qcompile --lora
# finds the layers of a PEFT adapter. Needs Debian's python3-torch (1.13).
#
#   /usr/bin/python3 examples/llama/train_base.py OUT
#
#===------------------------------------------------------------------------===#

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # pylint: disable=wrong-import-position
import llama  # pylint: disable=wrong-import-position
import training  # pylint: disable=wrong-import-position

OPSET = 17
CONFIG = "config.json"
WEIGHTS = "pytorch_model.bin"


def add_model_arguments(p):
  d = llama.LlamaConfig()
  p.add_argument("--hidden", type=int, default=d.hidden_size,
                 help="hidden size (default: %(default)s)")
  p.add_argument("--layers", type=int, default=d.num_hidden_layers,
                 help="decoder layers (default: %(default)s)")
  p.add_argument("--heads", type=int, default=d.num_attention_heads,
                 help="attention heads (default: %(default)s)")
  p.add_argument("--intermediate", type=int, default=d.intermediate_size,
                 help="MLP size (default: %(default)s)")
  p.add_argument("--seq-len", type=int, default=d.max_position_embeddings,
                 help="the fixed sequence length T (default: %(default)s)")


def add_base_training_arguments(p):
  p.add_argument("--base-steps", type=int, default=150,
                 help="training steps of the base model (default: "
                 "%(default)s)")
  p.add_argument("--base-lr", type=float, default=3e-3,
                 help="peak learning rate of the base model (default: "
                 "%(default)s)")
  p.add_argument("--batch", type=int, default=16,
                 help="windows per step (default: %(default)s)")
  p.add_argument("--seed", type=int, default=0)
  p.add_argument("--threads", type=int, default=1,
                 help="torch threads (default: %(default)s)")


def config_from_args(args):
  c = llama.LlamaConfig(hidden_size=args.hidden,
                        num_hidden_layers=args.layers,
                        num_attention_heads=args.heads,
                        intermediate_size=args.intermediate,
                        max_position_embeddings=args.seq_len)
  c.check()
  return c


def export_onnx(model, path):
  t = model.config.max_position_embeddings
  model.eval()
  with torch.no_grad():
    torch.onnx.export(model, (torch.zeros(1, t, dtype=torch.int64),), path,
                      opset_version=OPSET, input_names=["input_ids"],
                      output_names=["logits"], do_constant_folding=True)


def save_base(model, folder):
  os.makedirs(folder, exist_ok=True)
  with open(os.path.join(folder, CONFIG), "w") as f:
    f.write(model.config.to_json())
  torch.save(model.state_dict(), os.path.join(folder, WEIGHTS))


def load_base(folder):
  """The LlamaForCausalLM saved in `folder` by save_base."""
  for name in (CONFIG, WEIGHTS):
    if not os.path.isfile(os.path.join(folder, name)):
      raise FileNotFoundError("%s: no such file (train the base model "
                              "first)" % os.path.join(folder, name))
  with open(os.path.join(folder, CONFIG)) as f:
    config = llama.LlamaConfig.from_json(f.read())
  model = llama.LlamaForCausalLM(config)
  model.load_state_dict(torch.load(os.path.join(folder, WEIGHTS)))
  model.eval()
  return model


def train_base(out, config, steps, batch, lr, seed, threads, log=print):
  """Trains and writes OUT/base/ and OUT/base.onnx. Returns (final loss,
  seconds of training)."""
  files = corpus.base_files()
  tokens = corpus.read_tokens(files)
  log("base corpus: %s" % corpus.describe(files, tokens))
  training.setup(seed, threads)
  model = llama.LlamaForCausalLM(config)
  log("base model: %d parameters, hidden %d, %d layers, %d heads, MLP %d, "
      "T %d" % (sum(p.numel() for p in model.parameters()),
                config.hidden_size, config.num_hidden_layers,
                config.num_attention_heads, config.intermediate_size,
                config.max_position_embeddings))
  loss, seconds = training.train(model, model.parameters(), tokens,
                                 config.max_position_embeddings, steps, batch,
                                 lr, seed, log=log, label="base")
  save_base(model, os.path.join(out, "base"))
  export_onnx(model, os.path.join(out, "base.onnx"))
  log("wrote %s and %s" % (os.path.join(out, "base"),
                           os.path.join(out, "base.onnx")))
  return loss, seconds


def main():
  p = argparse.ArgumentParser(
      description="Train the small LLaMA on the base corpus and export it "
      "to ONNX.")
  p.add_argument("out", help="output folder")
  add_model_arguments(p)
  add_base_training_arguments(p)
  args = p.parse_args()
  try:
    config = config_from_args(args)
  except ValueError as e:
    p.error(str(e))
  try:
    loss, seconds = train_base(args.out, config, args.base_steps, args.batch,
                               args.base_lr, args.seed, args.threads)
  except (corpus.CorpusError, ValueError) as e:
    sys.exit("error: %s" % e)
  print("base: final loss %.4f, %.0f s of training" % (loss, seconds))
  return 0


if __name__ == "__main__":
  sys.exit(main())
