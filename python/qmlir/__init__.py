"""qmlir: compile ONNX models with qcompile and run them from Python.

Part of qmlir. numpy and ctypes only:

    import qmlir
    so = qmlir.compile("examples/small_cnn/model.onnx", "out/")
    model = qmlir.load(so)
    probs = model(image)            # numpy arrays in, numpy arrays out

See compiler.py (qmlir.compile) and model.py (qmlir.load, Model).
qmlir.qat (quantization-aware training of QDQ ONNX models) needs PyTorch
and is not imported here: `from qmlir import qat`.
"""

from .compiler import compile, find_qcompile
from .errors import CompileError, LoadError, QmlirError, RunError
from .model import Model, TensorInfo, load

__all__ = ["compile", "find_qcompile", "load", "Model", "TensorInfo",
           "QmlirError", "CompileError", "LoadError", "RunError"]
