#!/usr/bin/env python3
#===- examples/llama/train_lora.py - QLoRA-style adapters, PEFT format ---===#
#
# Trains LoRA adapters for the base model of train_base.py on the training
# chapters of the fine-tuning corpus (corpus.py: the Vim user manual), the
# way QLoRA does: every adapted Linear's frozen weight is the base weight
# through NF4 and back (llama.nf4_quant_dequant: bitsandbytes' table, absmax
# per block of 64 along the input dimension), the adapters are float32.
# Adapts q, k, v, o, gate, up and down_proj of every layer, rank r with
# scaling lora_alpha / r, and writes the adapters as PEFT saves them
# (peft_adapter.py):
#
#   ADAPTER/adapter_config.json, ADAPTER/adapter_model.safetensors
#
#   /usr/bin/python3 examples/llama/train_lora.py OUT/base OUT/adapter
#
#===------------------------------------------------------------------------===#

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # pylint: disable=wrong-import-position
import llama  # pylint: disable=wrong-import-position
import peft_adapter  # pylint: disable=wrong-import-position
import train_base  # pylint: disable=wrong-import-position
import training  # pylint: disable=wrong-import-position


def add_lora_arguments(p):
  p.add_argument("--rank", type=int, default=16,
                 help="LoRA rank r (default: %(default)s)")
  p.add_argument("--alpha", type=float, default=16,
                 help="lora_alpha; the update is scaled by alpha / r "
                 "(default: %(default)s)")
  p.add_argument("--lora-dropout", type=float, default=0.05,
                 help="dropout on the adapters' input while training "
                 "(default: %(default)s)")
  p.add_argument("--lora-steps", type=int, default=150,
                 help="training steps of the adapters (default: "
                 "%(default)s)")
  p.add_argument("--lora-lr", type=float, default=2e-3,
                 help="peak learning rate of the adapters (default: "
                 "%(default)s)")


def nf4_lora_model(base_dir, r, alpha, dropout):
  """The base model of base_dir with NF4-simulated frozen weights under
  fresh LoRA layers; returns (model, {path: LoraLinear})."""
  model = train_base.load_base(base_dir)
  adapted = llama.add_lora(model, r, alpha, dropout,
                           base_transform=llama.nf4_quant_dequant)
  return model, adapted


def lora_weights(adapted):
  return {path: (m.lora_A.weight.detach().numpy().copy(),
                 m.lora_B.weight.detach().numpy().copy())
          for path, m in adapted.items()}


def train_lora(base_dir, adapter_dir, r, alpha, dropout, steps, batch, lr,
               seed, threads, log=print):
  """Trains and writes the adapter folder. Returns (final loss, seconds of
  training)."""
  train_files, _ = corpus.finetune_files()
  tokens = corpus.read_tokens(train_files)
  log("fine-tuning corpus (training part): %s" %
      corpus.describe(train_files, tokens))
  training.setup(seed, threads)
  model, adapted = nf4_lora_model(base_dir, r, alpha, dropout)
  params = [p for m in adapted.values()
            for p in (m.lora_A.weight, m.lora_B.weight)]
  log("LoRA: r %d, alpha %g, %d layers adapted, %d trainable parameters, "
      "NF4-simulated frozen base (blocks of %d)" %
      (r, alpha, len(adapted), sum(p.numel() for p in params),
       llama.NF4_BLOCK))
  loss, seconds = training.train(
      model, params, tokens, model.config.max_position_embeddings, steps,
      batch, lr, seed, log=log, label="lora")
  peft_adapter.save_adapter(adapter_dir, lora_weights(adapted), r, alpha,
                            dropout, llama.LORA_TARGETS,
                            os.path.abspath(base_dir))
  log("wrote %s" % adapter_dir)
  return loss, seconds


def main():
  p = argparse.ArgumentParser(
      description="Train LoRA adapters on an NF4-simulated base and save "
      "them in PEFT's format.")
  p.add_argument("base", help="folder of the base model (train_base.py's "
                 "OUT/base)")
  p.add_argument("adapter", help="adapter folder to write")
  add_lora_arguments(p)
  p.add_argument("--batch", type=int, default=16,
                 help="windows per step (default: %(default)s)")
  p.add_argument("--seed", type=int, default=0)
  p.add_argument("--threads", type=int, default=1,
                 help="torch threads (default: %(default)s)")
  args = p.parse_args()
  if args.rank < 1:
    p.error("--rank must be positive")
  try:
    loss, seconds = train_lora(args.base, args.adapter, args.rank, args.alpha,
                               args.lora_dropout, args.lora_steps, args.batch,
                               args.lora_lr, args.seed, args.threads)
  except (corpus.CorpusError, FileNotFoundError, ValueError) as e:
    sys.exit("error: %s" % e)
  print("lora: final loss %.4f, %.0f s of training" % (loss, seconds))
  return 0


if __name__ == "__main__":
  sys.exit(main())
