#===- examples/llama/llama.py - a small LLaMA in PyTorch -----------------===#
#
# LLaMA's structure with Hugging Face's module names, so that the state dict,
# the ONNX node names and a PEFT adapter look like those of a real LLaMA:
#
#   model.embed_tokens                       Embedding(vocab, hidden)
#   model.layers.N.input_layernorm           RMSNorm
#   model.layers.N.self_attn.{q,k,v,o}_proj  Linear, no bias; rotary
#                                            embeddings on q and k, causal
#   model.layers.N.post_attention_layernorm  RMSNorm
#   model.layers.N.mlp.{gate,up,down}_proj   SwiGLU: down(silu(gate(x)) * up(x))
#   model.norm                               RMSNorm
#   lm_head                                  Linear(hidden, vocab), no bias
#
# The vocabulary is bytes (256 tokens). The sequence length of the exported
# model is fixed (max_position_embeddings): input_ids int64 [1, T] -> logits
# float32 [1, T, 256].
#
# Also here: the NF4 quantize-dequantize that simulates QLoRA's frozen base
# (bitsandbytes' table, absmax per block of 64 along each row, i.e. along
# the input dimension of a Linear weight), the LoRA layer trained on it, and
# the merge W + (alpha / r) B A that torch does for comparison with qmlir's.
#
#===------------------------------------------------------------------------===#

import dataclasses
import json
import math

import torch
from torch import nn
from torch.nn import functional as F

# The modules LoRA adapts (all the linear projections of a layer).
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                "up_proj", "down_proj")


@dataclasses.dataclass
class LlamaConfig:
  """Hugging Face's LlamaConfig fields that this model uses."""
  vocab_size: int = 256
  hidden_size: int = 256
  intermediate_size: int = 768
  num_hidden_layers: int = 4
  num_attention_heads: int = 8
  max_position_embeddings: int = 128
  rms_norm_eps: float = 1e-5
  rope_theta: float = 10000.0

  def check(self):
    for f in ("vocab_size", "hidden_size", "intermediate_size",
              "num_hidden_layers", "num_attention_heads",
              "max_position_embeddings"):
      if getattr(self, f) < 1:
        raise ValueError("%s must be positive, not %d" % (f, getattr(self, f)))
    if self.hidden_size % self.num_attention_heads:
      raise ValueError("hidden_size %d is not a multiple of "
                       "num_attention_heads %d" %
                       (self.hidden_size, self.num_attention_heads))
    if (self.hidden_size // self.num_attention_heads) % 2:
      raise ValueError("the head size (hidden_size / num_attention_heads) "
                       "must be even for rotary embeddings")

  @property
  def head_dim(self):
    return self.hidden_size // self.num_attention_heads

  def to_json(self):
    """config.json as Hugging Face writes it for a LlamaForCausalLM."""
    d = dataclasses.asdict(self)
    d.update(architectures=["LlamaForCausalLM"], model_type="llama",
             num_key_value_heads=self.num_attention_heads, hidden_act="silu",
             tie_word_embeddings=False, attention_bias=False)
    return json.dumps(d, indent=2, sort_keys=True) + "\n"

  @classmethod
  def from_json(cls, text):
    d = json.loads(text)
    fields = {f.name for f in dataclasses.fields(cls)}
    c = cls(**{k: v for k, v in d.items() if k in fields})
    c.check()
    return c


class LlamaRMSNorm(nn.Module):

  def __init__(self, size, eps):
    super().__init__()
    self.weight = nn.Parameter(torch.ones(size))
    self.eps = eps

  def forward(self, x):
    variance = x.pow(2).mean(-1, keepdim=True)
    return self.weight * (x * torch.rsqrt(variance + self.eps))


def rotate_half(x):
  half = x.shape[-1] // 2
  return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def linear(x, weight):
  """F.linear(x, weight) (x [..., in], weight [out, in]); see Linear. On
  one thread torch hands a 1x1 convolution to oneDNN only for a batch of 16
  or more, so a smaller batch has its tokens made the batch."""
  if torch.onnx.is_in_onnx_export() or x.dim() != 3:
    return F.linear(x, weight)
  w = weight.unsqueeze(-1)
  if x.shape[0] >= 16:
    return F.conv1d(x.transpose(1, 2), w).transpose(1, 2)
  b, t, k = x.shape
  return F.conv1d(x.reshape(b * t, k, 1), w).reshape(b, t, weight.shape[0])


class Linear(nn.Linear):
  """nn.Linear without bias whose product runs, in torch, as a 1x1
  convolution: Debian's torch links the reference BLAS (about 5 GFLOP/s
  here) but has oneDNN for convolutions (about 70 GFLOP/s on one core),
  which makes training a matter of minutes. Exported to ONNX it is the
  MatMul of a Linear (torch.onnx.is_in_onnx_export)."""

  def __init__(self, in_features, out_features):
    super().__init__(in_features, out_features, bias=False)

  def forward(self, x):
    return linear(x, self.weight)


class LlamaAttention(nn.Module):

  def __init__(self, c):
    super().__init__()
    self.num_heads = c.num_attention_heads
    self.head_dim = c.head_dim
    h = c.hidden_size
    self.q_proj = Linear(h, h)
    self.k_proj = Linear(h, h)
    self.v_proj = Linear(h, h)
    self.o_proj = Linear(h, h)

  def forward(self, x, cos, sin, mask):
    b, t, h = x.shape
    shape = (b, t, self.num_heads, self.head_dim)
    q = self.q_proj(x).view(shape).transpose(1, 2)
    k = self.k_proj(x).view(shape).transpose(1, 2)
    v = self.v_proj(x).view(shape).transpose(1, 2)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
    probs = torch.softmax(scores + mask, dim=-1)
    out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, h)
    return self.o_proj(out)


class LlamaMLP(nn.Module):

  def __init__(self, c):
    super().__init__()
    self.gate_proj = Linear(c.hidden_size, c.intermediate_size)
    self.up_proj = Linear(c.hidden_size, c.intermediate_size)
    self.down_proj = Linear(c.intermediate_size, c.hidden_size)

  def forward(self, x):
    return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):

  def __init__(self, c):
    super().__init__()
    self.input_layernorm = LlamaRMSNorm(c.hidden_size, c.rms_norm_eps)
    self.self_attn = LlamaAttention(c)
    self.post_attention_layernorm = LlamaRMSNorm(c.hidden_size,
                                                 c.rms_norm_eps)
    self.mlp = LlamaMLP(c)

  def forward(self, x, cos, sin, mask):
    x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
    return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):

  def __init__(self, c):
    super().__init__()
    self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
    self.layers = nn.ModuleList(
        LlamaDecoderLayer(c) for _ in range(c.num_hidden_layers))
    self.norm = LlamaRMSNorm(c.hidden_size, c.rms_norm_eps)
    # Rotary tables and the causal mask of the fixed sequence length: not
    # parameters (not in the state dict), constants of the exported graph.
    t = c.max_position_embeddings
    inv_freq = 1.0 / (c.rope_theta ** (
        torch.arange(0, c.head_dim, 2, dtype=torch.float64) / c.head_dim))
    freqs = torch.outer(torch.arange(t, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    self.register_buffer("rope_cos", emb.cos().float(), persistent=False)
    self.register_buffer("rope_sin", emb.sin().float(), persistent=False)
    mask = torch.full((t, t), torch.finfo(torch.float32).min).triu(1)
    self.register_buffer("causal_mask", mask, persistent=False)

  def forward(self, input_ids):
    t = input_ids.shape[1]
    cos, sin = self.rope_cos[:t], self.rope_sin[:t]
    mask = self.causal_mask[:t, :t]
    x = self.embed_tokens(input_ids)
    for layer in self.layers:
      x = layer(x, cos, sin, mask)
    return self.norm(x)


class LlamaForCausalLM(nn.Module):

  def __init__(self, c):
    super().__init__()
    c.check()
    self.config = c
    self.model = LlamaModel(c)
    self.lm_head = Linear(c.hidden_size, c.vocab_size)
    self.apply(self._init_weights)

  @staticmethod
  def _init_weights(m):
    # Hugging Face's LlamaPreTrainedModel: normal(0, 0.02).
    if isinstance(m, (nn.Linear, nn.Embedding)):
      nn.init.normal_(m.weight, std=0.02)

  def forward(self, input_ids):
    return self.lm_head(self.model(input_ids))


def target_linears(model, targets=LORA_TARGETS):
  """(module path, Linear) of the layers LoRA adapts, in module order."""
  return [(name, m) for name, m in model.named_modules()
          if isinstance(m, nn.Linear) and name.rsplit(".", 1)[-1] in targets]


def set_module(model, path, module):
  parent, _, child = path.rpartition(".")
  setattr(model.get_submodule(parent) if parent else model, child, module)


#===------------------------------------------------------------------------===#
# NF4: bitsandbytes' 4-bit NormalFloat (functional.py get_4bit_type; QLoRA)
#===------------------------------------------------------------------------===#

NF4_CODE = (
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
    0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0)
NF4_BLOCK = 64


def nf4_quant_dequant(weight, block=NF4_BLOCK):
  """weight [out, in] (torch's Linear layout) through NF4 and back: each
  block of `block` consecutive inputs of a row is scaled by its absmax, each
  value replaced by the nearest of the 16 codes (the lower one on a tie),
  and multiplied back. Returns float32."""
  out_features, in_features = weight.shape
  if in_features % block:
    raise ValueError("NF4 blocks of %d do not divide the input size %d" %
                     (block, in_features))
  w = weight.detach().float().reshape(out_features, in_features // block,
                                      block)
  absmax = w.abs().amax(dim=-1, keepdim=True)
  scaled = torch.where(absmax > 0, w / absmax, torch.zeros_like(w))
  code = torch.tensor(NF4_CODE, dtype=torch.float32)
  index = (scaled.unsqueeze(-1) - code).abs().argmin(dim=-1)
  return (code[index] * absmax).reshape(out_features, in_features)


#===------------------------------------------------------------------------===#
# LoRA
#===------------------------------------------------------------------------===#


class LoraLinear(nn.Module):
  """A frozen Linear weight (float32, possibly NF4-simulated) plus a
  trainable low-rank update: y = x W^T + (alpha / r) * B(A(dropout(x))).
  A is initialised as PEFT does (Kaiming-uniform), B to zero."""

  def __init__(self, weight, r, alpha, dropout):
    super().__init__()
    out_features, in_features = weight.shape
    self.register_buffer("weight", weight.detach().float().clone())
    self.lora_A = Linear(in_features, r)
    self.lora_B = Linear(r, out_features)
    nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
    nn.init.zeros_(self.lora_B.weight)
    self.dropout = nn.Dropout(dropout)
    self.scaling = alpha / r

  def forward(self, x):
    return (linear(x, self.weight) +
            self.lora_B(self.lora_A(self.dropout(x))) * self.scaling)


def add_lora(model, r, alpha, dropout, base_transform=None,
             targets=LORA_TARGETS):
  """Freezes `model` and replaces its target Linears by LoraLinears whose
  frozen weight is base_transform(weight) (e.g. nf4_quant_dequant) or the
  weight itself. Returns the LoRA modules by path."""
  for p in model.parameters():
    p.requires_grad_(False)
  adapted = {}
  for path, linear in target_linears(model, targets):
    w = linear.weight
    if base_transform is not None:
      w = base_transform(w)
    lora = LoraLinear(w, r, alpha, dropout)
    set_module(model, path, lora)
    adapted[path] = lora
  return adapted


def merge_lora(model, tensors, scaling):
  """model's target Linears with W + scaling * B A from PEFT tensors
  ({'base_model.model.PATH.lora_A.weight': [r, in], ...lora_B.weight:
  [out, r]}), computed in float64 and rounded to float32 once, as qmlir
  merges. Every adapted path must be a Linear of `model`."""
  merged = 0
  for name, a in tensors.items():
    if not name.endswith(".lora_A.weight"):
      continue
    path = name[len("base_model.model."):-len(".lora_A.weight")]
    b = tensors[name[:-len("lora_A.weight")] + "lora_B.weight"]
    linear = model.get_submodule(path)
    w = linear.weight.detach().double()
    update = scaling * (b.double() @ a.double())
    with torch.no_grad():
      linear.weight.copy_((w + update).float())
    merged += 1
  return merged
