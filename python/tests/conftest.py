"""Fixtures of the qmlir package's tests: compiled models and their data.

Part of qmlir. Run from the repository root with
`/usr/bin/python3 -m pytest -q python/tests` (test/python/pytest.test runs
it in the lit suite with $QMLIR_QCOMPILE naming the build's qcompile).
"""

import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import qmlir  # noqa: E402

SMALL_CNN = ROOT / "examples" / "small_cnn"


def read_pb(path):
    return nh.to_array(onnx.load_tensor(str(path)))


@pytest.fixture(scope="session")
def small_cnn_data():
    """[(input, expected output)] of the bundled data sets."""
    return [(read_pb(d / "input_0.pb"), read_pb(d / "output_0.pb"))
            for d in sorted(SMALL_CNN.glob("test_data_set_*"))]


@pytest.fixture(scope="session")
def small_cnn_so(tmp_path_factory):
    out = tmp_path_factory.mktemp("small_cnn")
    return qmlir.compile(SMALL_CNN / "model.onnx", out, name="small_cnn")


@pytest.fixture(scope="session")
def small_cnn(small_cnn_so):
    return qmlir.load(small_cnn_so)


def to_bf16_bits(a):
    """float32 -> bfloat16 bits, round to nearest even (no NaNs here)."""
    bits = a.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits += 0x7FFF + ((bits >> 16) & 1)
    return (bits >> 16).astype(np.uint16)


@pytest.fixture(scope="session")
def multi_io_so(tmp_path_factory):
    """Four inputs (one named 'y.1', float16, bfloat16) and five outputs
    (float32, bfloat16, float16, bool, float32)."""
    nodes = [
        h.make_node("Add", ["x", "y.1"], ["sum"]),
        h.make_node("Mul", ["x", "y.1"], ["prod"]),
        h.make_node("Cast", ["prod"], ["prod_bf16"], to=TP.BFLOAT16),
        h.make_node("Add", ["h", "h"], ["h_twice"]),
        h.make_node("Greater", ["x", "y.1"], ["greater"]),
        h.make_node("Cast", ["b"], ["b_f32"], to=TP.FLOAT),
    ]
    graph = h.make_graph(
        nodes, "multi_io",
        [h.make_tensor_value_info("x", TP.FLOAT, [2, 3]),
         h.make_tensor_value_info("y.1", TP.FLOAT, [2, 3]),
         h.make_tensor_value_info("h", TP.FLOAT16, [3]),
         h.make_tensor_value_info("b", TP.BFLOAT16, [3])],
        [h.make_tensor_value_info("sum", TP.FLOAT, [2, 3]),
         h.make_tensor_value_info("prod_bf16", TP.BFLOAT16, [2, 3]),
         h.make_tensor_value_info("h_twice", TP.FLOAT16, [3]),
         h.make_tensor_value_info("greater", TP.BOOL, [2, 3]),
         h.make_tensor_value_info("b_f32", TP.FLOAT, [3])])
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
    model.ir_version = 8
    out = tmp_path_factory.mktemp("multi_io")
    onnx.save(model, str(out / "multi-io.onnx"))
    return qmlir.compile(out / "multi-io.onnx", out)


@pytest.fixture(scope="session")
def symbolic_onnx(tmp_path_factory):
    """Relu on x: float32[N x 4], N symbolic."""
    graph = h.make_graph(
        [h.make_node("Relu", ["x"], ["y"])], "symbolic",
        [h.make_tensor_value_info("x", TP.FLOAT, ["N", 4])],
        [h.make_tensor_value_info("y", TP.FLOAT, ["N", 4])])
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
    model.ir_version = 8
    path = tmp_path_factory.mktemp("symbolic") / "symbolic.onnx"
    onnx.save(model, str(path))
    return path
