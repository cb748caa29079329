"""qmlir.qat: quantization-aware training of QDQ ONNX models in PyTorch.

Part of qmlir; needs PyTorch (Debian: python3-torch), which the rest of the
package does not. The loop:

    qopt model.onnx --pass-pipeline='builtin.module(func.func(q-fold-batchnorm),
        q-calibrate{data=calib/},func.func(q-insert-fake-quant{weights=int4}))' \\
        --emit=onnx -o fq.onnx

    from qmlir import qat
    model = qat.from_onnx("fq.onnx", learn_scales=True)
    qat.finetune(model, batches, steps=300, lr=1e-4)   # (input, label) pairs
    model.export_onnx("trained.onnx")                  # QDQ ONNX

    qcompile trained.onnx -o trained.o                 # integer kernels

graph.py rebuilds the model (QATModel), fake_quant.py holds the fake
quantization with q.fake_quant's numerics and its straight-through / LSQ
gradients, ops.py the ONNX operators, train.py the loop, export.py the
writer.
"""

try:
    import torch  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the machine
    raise ImportError(
        "qmlir.qat needs PyTorch (Debian 12: apt-get install python3-torch); "
        "the rest of qmlir does not") from e

from .export import export_onnx
from .fake_quant import FakeQuant, fake_quantize
from .graph import QATError, QATModel, from_onnx
from .ops import BUILDERS
from .train import finetune

SUPPORTED_OPS = tuple(sorted(BUILDERS))

__all__ = ["QATModel", "QATError", "FakeQuant", "fake_quantize", "from_onnx",
           "finetune", "export_onnx", "SUPPORTED_OPS"]
