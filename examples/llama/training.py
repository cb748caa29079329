#===- examples/llama/training.py - the training loop of both stages ------===#
#
# Next-token training on random windows of a byte corpus, shared by the base
# model (train_base.py) and the LoRA adapters (train_lora.py): AdamW, a
# linear warm-up then a cosine decay to a tenth of the peak rate, no weight
# decay, gradients clipped to norm 1. Seeded, with deterministic algorithms
# on a fixed number of threads (one by default), so a rerun on the same
# machine gives the same weights.
#
#===------------------------------------------------------------------------===#

import math
import time

import torch
from torch.nn import functional as F


def setup(seed, threads):
  torch.set_num_threads(threads)
  torch.use_deterministic_algorithms(True)
  torch.manual_seed(seed)


def lr_at(step, steps, peak):
  warmup = max(1, min(20, steps // 10))
  if step < warmup:
    return peak * (step + 1) / warmup
  progress = (step - warmup) / max(1, steps - warmup)
  return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(model, params, tokens, seq_len, steps, batch, lr, seed, log=print,
          label="train"):
  """Trains `params` of `model` for `steps` steps of `batch` windows of
  seq_len + 1 tokens drawn from `tokens` (numpy uint8). Returns (mean loss
  of the last tenth of the steps, seconds)."""
  if steps < 1 or batch < 1:
    raise ValueError("steps (%d) and batch (%d) must be positive" %
                     (steps, batch))
  if len(tokens) <= seq_len + 1:
    raise ValueError("a corpus of %d tokens is too short for windows of %d" %
                     (len(tokens), seq_len + 1))
  data = torch.from_numpy(tokens.astype("int64"))
  offsets = torch.arange(seq_len + 1)
  generator = torch.Generator().manual_seed(seed)
  params = list(params)
  opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.95), weight_decay=0.0)
  model.train()
  start = time.time()
  tail = []
  every = max(1, steps // 10)
  for step in range(steps):
    for group in opt.param_groups:
      group["lr"] = lr_at(step, steps, lr)
    starts = torch.randint(0, len(data) - seq_len - 1, (batch,),
                           generator=generator)
    window = data[starts[:, None] + offsets]
    logits = model(window[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                           window[:, 1:].reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    if step >= steps - max(1, steps // 10):
      tail.append(float(loss))
    if (step + 1) % every == 0 or step + 1 == steps:
      log("%s: step %d/%d, loss %.4f (%.0f s)" %
          (label, step + 1, steps, float(loss), time.time() - start))
  model.eval()
  return sum(tail) / len(tail), time.time() - start
