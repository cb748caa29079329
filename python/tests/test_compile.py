"""qmlir.compile: where it writes, what it passes to qcompile, its errors,
and how it finds qcompile."""

import json
from pathlib import Path

import numpy as np
import pytest

import qmlir
from qmlir import compiler
from qmlir.host import host_arch

from conftest import SMALL_CNN


def test_default_output_is_a_new_temporary_directory(small_cnn_data):
    so = Path(qmlir.compile(SMALL_CNN / "model.onnx"))
    try:
        # The name comes from the model's file name, as qcompile's does.
        assert so.name == "model.so"
        assert sorted(p.name for p in so.parent.iterdir()) == [
            "model.h", "model.json", "model.so"]
        assert so.parent.name.startswith("qmlir-model-")
        x, expected = small_cnn_data[0]
        np.testing.assert_allclose(qmlir.load(so)(x), expected, rtol=1e-4,
                                   atol=1e-6)
    finally:
        for p in so.parent.iterdir():
            p.unlink()
        so.parent.rmdir()


def test_output_file_names_the_model(tmp_path):
    so = qmlir.compile(SMALL_CNN / "model.onnx", tmp_path / "cnn.so")
    assert so == str(tmp_path / "cnn.so")
    assert qmlir.load(so).name == "cnn"
    assert (tmp_path / "cnn.h").read_text().count("int cnn_run(") == 1


def test_output_must_be_named_after_the_model(tmp_path):
    with pytest.raises(ValueError, match=r"must be a directory or be named "
                       r"'cnn\.so'"):
        qmlir.compile(SMALL_CNN / "model.onnx", tmp_path / "other.so",
                      name="cnn")
    with pytest.raises(ValueError, match="be named 'cnn.so'"):
        qmlir.compile(SMALL_CNN / "model.onnx", tmp_path / "cnn.o")
    assert list(tmp_path.iterdir()) == []


def test_missing_model_raises_with_qcompiles_diagnostics(tmp_path):
    missing = tmp_path / "missing.onnx"
    with pytest.raises(qmlir.CompileError) as info:
        qmlir.compile(missing, tmp_path)
    e = info.value
    assert e.returncode == 1
    assert f"cannot read '{missing}'" in e.diagnostics
    assert e.diagnostics in str(e)
    assert str(missing) in e.command
    # Nothing is left behind.
    assert list(tmp_path.iterdir()) == []


def test_failure_removes_the_temporary_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(compiler.tempfile, "tempdir", str(tmp_path))
    with pytest.raises(qmlir.CompileError):
        qmlir.compile(tmp_path / "missing.onnx")
    assert list(tmp_path.iterdir()) == []


def test_symbolic_dimension_needs_input_shapes(tmp_path, symbolic_onnx):
    with pytest.raises(qmlir.CompileError,
                       match="graph input 'x' has a symbolic dimension 'N'"):
        qmlir.compile(symbolic_onnx, tmp_path)
    for k, shape in enumerate(((2, 4), "2x4")):
        (tmp_path / str(k)).mkdir()
        model = qmlir.load(qmlir.compile(symbolic_onnx, tmp_path / str(k),
                                         input_shapes={"x": shape}))
        assert model.inputs[0].shape == (2, 4)
        x = np.array([[-1, 2, -3, 4], [5, -6, 7, -8]], np.float32)
        np.testing.assert_array_equal(model(x), np.maximum(x, 0))
    with pytest.raises(ValueError, match=r"input_shapes\['x'\] must be"):
        qmlir.compile(symbolic_onnx, tmp_path, input_shapes={"x": 2})


def test_target_cpu_features_and_opt_level_reach_qcompile(tmp_path):
    cpu, features = {"x86_64": ("x86-64-v2", ["+avx2", "+fma"]),
                     "aarch64": ("generic", ["+neon"])}[host_arch()]
    so = qmlir.compile(SMALL_CNN / "model.onnx", tmp_path, name="cnn",
                       target=host_arch(), cpu=cpu, features=features,
                       opt_level=0)
    manifest = json.loads((tmp_path / "cnn.json").read_text())
    assert manifest["target"]["triple"].startswith(host_arch() + "-")
    assert manifest["target"]["cpu"] == cpu
    assert manifest["target"]["features"] == ",".join(features)
    assert qmlir.load(so).target == manifest["target"]
    with pytest.raises(qmlir.CompileError,
                       match=r"unknown --target 'mips' \(expected x86_64 or "
                       "aarch64\\)"):
        qmlir.compile(SMALL_CNN / "model.onnx", tmp_path, target="mips")
    with pytest.raises(ValueError, match="opt_level must be 0, 1, 2 or 3"):
        qmlir.compile(SMALL_CNN / "model.onnx", tmp_path, opt_level=4)


def test_find_qcompile_order(tmp_path, monkeypatch):
    real = compiler.find_qcompile()
    monkeypatch.setattr(compiler, "checkout_qcompile",
                        lambda: tmp_path / "no-checkout" / "qcompile")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "qcompile").symlink_to(real)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("QMLIR_QCOMPILE", raising=False)
    assert compiler.find_qcompile() == str(bin_dir / "qcompile")
    # $QMLIR_QCOMPILE comes before PATH, the argument before both.
    monkeypatch.setenv("QMLIR_QCOMPILE", real)
    assert compiler.find_qcompile() == real
    assert compiler.find_qcompile(bin_dir / "qcompile") == str(
        bin_dir / "qcompile")
    # A bad choice is an error, not a fall-back to the next place.
    with pytest.raises(qmlir.CompileError,
                       match=r"qcompile '.*nowhere' \(the qcompile argument\) "
                       "is not an executable file"):
        compiler.find_qcompile(tmp_path / "nowhere")
    monkeypatch.setenv("QMLIR_QCOMPILE", str(tmp_path / "nowhere"))
    with pytest.raises(qmlir.CompileError,
                       match=r"\(\$QMLIR_QCOMPILE\) is not an executable"):
        qmlir.compile(SMALL_CNN / "model.onnx", tmp_path)
    # None at all.
    monkeypatch.delenv("QMLIR_QCOMPILE")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(qmlir.CompileError, match="cannot find qcompile: pass "
                       r"qcompile=PATH, set \$QMLIR_QCOMPILE"):
        qmlir.compile(SMALL_CNN / "model.onnx", tmp_path)


def test_c_identifier_matches_qcompiles_rule():
    assert compiler.c_identifier("model") == "model"
    assert compiler.c_identifier("multi-io.v2") == "multi_io_v2"
    assert compiler.c_identifier("3d") == "_3d"
    assert compiler.c_identifier("int") == "_int"


def test_recompiling_a_loaded_library(tmp_path, symbolic_onnx):
    x = np.array([[-1, 2, -3, 4]], np.float32)
    first = qmlir.load(qmlir.compile(symbolic_onnx, tmp_path,
                                     input_shapes={"x": (1, 4)}))
    so = qmlir.compile(symbolic_onnx, tmp_path, input_shapes={"x": (3, 4)})
    # The loaded library is intact; the new file at its path cannot be
    # loaded in this process (dlopen would return the old one).
    np.testing.assert_array_equal(first(x), np.maximum(x, 0))
    with pytest.raises(qmlir.LoadError, match=r"'.*symbolic\.so' has been "
                       "replaced since this process loaded it"):
        qmlir.load(so)
