"""The fine-tuning loop of quantization-aware training.

Part of qmlir. `finetune(model, batches, steps=...)` trains a QATModel (or
any torch module) with Adam on the user's (inputs, target) batches: the
weights and biases at `lr`, the learned scales (LSQ, when the model has
them) at `scale_lr`. The fake quantization in the forward makes the
weights learn to live on the quantization grid.
"""

import torch
import torch.nn.functional as F


def _scale_parameters(model):
    get = getattr(model, "scale_parameters", None)
    return list(get()) if get is not None else []


def finetune(model, batches, *, steps, lr=1e-4, scale_lr=None,
             weight_decay=0.0, loss_fn=None, log_every=0, log=print):
    """Trains `model` for `steps` optimizer steps; returns the losses.

    batches: an iterable of (inputs, target) pairs, inputs a tensor or a
        tuple of tensors (the model's inputs in order); iterated again
        from the start when it runs out.
    loss_fn: loss_fn(output, target) -> scalar; cross entropy by default.
    lr, weight_decay: Adam's, for weights and biases; scale_lr for the
        learned scales (default: lr), whose parameters are log(s / s0):
        a step changes a scale by about scale_lr relative to it.
    log_every: report the mean loss every that many steps through `log`.
    """
    if steps < 1:
        raise ValueError(f"steps must be positive, not {steps}")
    loss_fn = loss_fn or F.cross_entropy
    scales = _scale_parameters(model)
    scale_ids = {id(p) for p in scales}
    others = [p for p in model.parameters()
              if p.requires_grad and id(p) not in scale_ids]
    groups = [{"params": others, "weight_decay": weight_decay}]
    if scales:
        groups.append({"params": scales, "weight_decay": 0.0,
                       "lr": lr if scale_lr is None else scale_lr})
    optimizer = torch.optim.Adam(groups, lr=lr)
    model.train()
    losses = []
    it = iter(batches)
    fresh = True  # nothing drawn from `it` yet
    while len(losses) < steps:
        try:
            inputs, target = next(it)
        except StopIteration:
            if fresh:
                raise ValueError(f"batches ran out after {len(losses)} of "
                                 f"{steps} steps (pass a sequence, which is "
                                 "iterated again, or a longer iterable)") \
                    from None
            it, fresh = iter(batches), True
            continue
        fresh = False
        if not isinstance(inputs, (tuple, list)):
            inputs = (inputs,)
        optimizer.zero_grad()
        loss = loss_fn(model(*inputs), target)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
        if log_every and len(losses) % log_every == 0:
            recent = losses[-log_every:]
            log(f"step {len(losses)}: loss {sum(recent) / len(recent):.4f}")
    model.eval()
    return losses
