"""qmlir.qat: PyTorch's fake-quant forward against qmlir's compiled one,
the QDQ model rebuilt in PyTorch, training, export, and the errors.

Needs PyTorch (Debian's python3-torch); skipped without it.
"""

import re
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

import qmlir

torch = pytest.importorskip(
    "torch", reason="qmlir.qat needs PyTorch (apt-get install python3-torch)")
from qmlir import qat  # noqa: E402

from conftest import ROOT  # noqa: E402

FMNIST = ROOT / "examples" / "fashion_mnist" / "model.onnx"


def ordered(a):
    """float32 bits as integers whose difference counts ulps."""
    i = np.asarray(a, np.float32).view(np.int32).astype(np.int64)
    return np.where(i < 0, -(i & 0x7FFFFFFF), i)


def max_ulps(a, b):
    return int(np.abs(ordered(a) - ordered(b)).max())


def qopt_path():
    path = Path(qmlir.find_qcompile()).parent / "qopt"
    assert path.is_file(), f"{path}: qopt is built next to qcompile"
    return str(path)


def qopt(*args):
    r = subprocess.run([qopt_path(), *map(str, args)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="session")
def fake_quant_models(tmp_path_factory):
    """The Fashion-MNIST CNN prepared for QAT as qopt exports it: batch
    norms folded, calibrated on 4 random images, q-insert-fake-quant with
    int8 and int4 weights, --emit=onnx. {weights: path}."""
    out = tmp_path_factory.mktemp("fmnist_qat")
    rng = np.random.default_rng(7)
    for k in range(4):
        (out / f"calib/s{k}").mkdir(parents=True)
        np.save(out / f"calib/s{k}/image.npy",
                rng.normal(size=(1, 1, 28, 28)).astype(np.float32))
    models = {}
    for weights in ("int8", "int4"):
        models[weights] = out / f"fq_{weights}.onnx"
        qopt(FMNIST, "--emit=onnx", "-o", models[weights],
             "--pass-pipeline=builtin.module(func.func(q-fold-batchnorm),"
             f"q-calibrate{{data={out / 'calib'}}},"
             f"func.func(q-insert-fake-quant{{weights={weights}}}))")
    return models


def quant_type(fq, storage):
    """The !quant.uniform type of a FakeQuant."""
    narrow = {"i8": (-128, 127), "u8": (0, 255)}[storage] != (fq.qmin,
                                                            fq.qmax)
    kind = f"{storage}<{fq.qmin}:{fq.qmax}>" if narrow else storage
    scales = fq.effective_scale().detach().numpy().reshape(-1)
    zps = fq.zero_point.numpy().astype(np.int64).reshape(-1)
    params = [f"{float(s)!r}:{int(z)}" for s, z in zip(scales, zps)]
    if fq.axis is None:
        return f"!quant.uniform<{kind}:f32, {params[0]}>"
    return f"!quant.uniform<{kind}:f32:{fq.axis}, {{{', '.join(params)}}}>"


def compile_fake_quants(cases, tmp_path):
    """Compiles one q.fake_quant per (FakeQuant, storage, input) case (the
    op q-insert-fake-quant writes) into one function; returns its outputs."""
    args, results, body = [], [], []
    for k, (fq, storage, x) in enumerate(cases):
        t = "tensor<" + "x".join(map(str, x.shape)) + "xf32>"
        args.append(f"%a{k}: {t}")
        results.append(t)
        body.append(f"  %r{k} = q.fake_quant %a{k} {{quant_type = "
                    f"{quant_type(fq, storage)}}} : {t}")
    source = (f"func.func @main({', '.join(args)}) -> ({', '.join(results)}) "
              "{\n" + "\n".join(body) + "\n  return " +
              ", ".join(f"%r{k}" for k in range(len(cases))) + " : " +
              ", ".join(results) + "\n}\n")
    path = tmp_path / "fake_quant.mlir"
    path.write_text(source)
    model = qmlir.load(qmlir.compile(path, tmp_path, name="fake_quant"))
    out = model(*[x for _, _, x in cases])
    return out if isinstance(out, tuple) else (out,)


def near_ties(scale, zero_point, qmin, qmax, rng, count):
    """Inputs around (k + 1/2) * scale, where round(x / s) and
    round(x * (1 / s)) can differ, plus random, saturating and zero ones."""
    k = rng.integers(qmin - zero_point - 3, qmax - zero_point + 3, count)
    ties = ((k + 0.5) * scale).astype(np.float32)
    up = np.nextafter(ties, np.float32(np.inf))
    down = np.nextafter(ties, np.float32(-np.inf))
    spread = rng.normal(scale=scale * (qmax - qmin) / 4, size=count)
    extreme = np.array([0.0, -0.0, 1e9, -1e9, scale * qmin, scale * qmax],
                       np.float32)
    return np.concatenate([ties, up, down, spread.astype(np.float32),
                           extreme]).astype(np.float32)


def test_fake_quant_forward_equals_compiled(fake_quant_models, tmp_path):
    """torch (qmlir.qat) and qmlir's compiled q.fake_quant, on the weights of
    the exported int4 and int8 models and on inputs at rounding ties, per
    tensor and per axis, uint8 and narrow int8: within 1 ulp (in fact the
    same bits)."""
    rng = np.random.default_rng(0)
    cases = []
    for weights, path in sorted(fake_quant_models.items()):
        model = qat.from_onnx(path)
        weight_chains = [c for c in model.chains if c.weight is not None]
        assert len(weight_chains) == 7  # 6 Conv, 1 Gemm
        for chain in weight_chains:
            fq = model.fake_quants[chain.index]
            assert (fq.qmin, fq.qmax) == ((-7, 7) if weights == "int4" else
                                          (-127, 127))
            w = model.parameter(chain.weight).detach().numpy()
            cases.append((fq, "i8", w))
        # An activation (uint8, asymmetric) on inputs at its ties.
        fq = model.fake_quants[model.chains[0].index]
        assert fq.storage == "uint8" and fq.axis is None
        s, z = float(fq.scale), int(fq.zero_point)
        cases.append((fq, "u8", near_ties(s, z, 0, 255, rng, 300)))
    # Per axis with several zero points, along a middle dimension.
    fq = qat.FakeQuant(np.array([0.05, 0.1, 0.3], np.float32),
                       np.array([0, 100, 255]), 0, 255, axis=1,
                       storage="uint8", name="per_axis")
    x = np.stack([near_ties(s, z, 0, 255, rng, 40)
                  for s, z in ((0.05, 0), (0.1, 100), (0.3, 255))], axis=0)
    cases.append((fq, "u8", np.ascontiguousarray(
        np.broadcast_to(x, (2,) + x.shape))))
    # int4 per tensor at its ties and beyond [-7, 7].
    fq = qat.FakeQuant(np.float32(0.125), 0, -7, 7, storage="int8",
                       name="int4")
    cases.append((fq, "i8", near_ties(0.125, 0, -7, 7, rng, 64)))

    compiled = compile_fake_quants(cases, tmp_path)
    for (fq, _, x), got in zip(cases, compiled):
        with torch.no_grad():
            ours = fq(torch.from_numpy(x)).numpy()
        assert got.shape == ours.shape
        # Where x / s is the float just below 1/2 the compiled rounding is
        # off (test_compiled_roundeven_just_below_half); compared there.
        keep = ~just_below_half(fq, x)
        assert max_ulps(got[keep], ours[keep]) <= 1, fq.name
        # Not trivially equal: values were moved onto the grid.
        assert not np.array_equal(ours, x)


def just_below_half(fq, x):
    """Where |x / s| is 0.49999997, the largest float32 below 1/2."""
    s = fq.effective_scale().detach()
    if fq.axis is not None:
        s = s.reshape([-1 if d == fq.axis else 1 for d in range(x.ndim)])
    v = (torch.from_numpy(x) / s).abs().numpy()
    return v == np.nextafter(np.float32(0.5), np.float32(0))


def test_compiled_roundeven_just_below_half(tmp_path):
    # 0.49999997 + 0.5 rounds to 1.0 in float32: a roundeven built as
    # trunc(x + copysign(0.5, x)) gives +-1 here; q-expand-math's gives 0.
    fq = qat.FakeQuant(np.float32(1.0), 0, -128, 127, storage="int8",
                       name="below_half")
    below = np.nextafter(np.float32(0.5), np.float32(0))
    x = np.array([below, -below, 0.5, 1.5, 2.5, -2.5], np.float32)
    with torch.no_grad():
        ours = fq(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(ours, [0, 0, 0, 2, 2, -2])
    got, = compile_fake_quants([(fq, "i8", x)], tmp_path)
    np.testing.assert_array_equal(got, ours)


def test_fake_quant_rounds_half_to_even_and_clamps():
    fq = qat.FakeQuant(np.float32(0.5), 3, 0, 8, storage="uint8", name="t")
    x = torch.tensor([0.25, 0.75, -1.25, -1.75, 2.5, 100.0, -100.0])
    # x / s = 0.5, 1.5, -2.5, -3.5, 5, 200, -200 -> even: 0, 2, -2, -4, 5;
    # + 3 and clamped to [0, 8]: 3, 5, 1, 0 (saturated), 8, 8, 0.
    np.testing.assert_array_equal(fq(x).detach().numpy(),
                                  np.float32([0, 1, -1, -1.5, 2.5, 2.5, -1.5]))


def test_straight_through_and_lsq_gradients():
    fq = qat.FakeQuant(np.float32(0.5), 0, -4, 3, storage="int8", name="t",
                       learn_scale=True)
    x = torch.tensor([0.3, -0.9, 1.2, 5.0, -5.0], requires_grad=True)
    dy = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    fq(x).backward(dy)
    # Inside [-4, 3] (x / s = 0.6, -1.8, 2.4) the gradient passes; clamped
    # (10, -10) it is 0.
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 3, 0, 0])
    # LSQ: round(x/s) - x/s inside, qmax - zp or qmin - zp where clamped,
    # times 1 / sqrt(numel * qmax).
    v = np.array([0.6, -1.8, 2.4])
    per = np.concatenate([np.round(v) - v, [3, -4]])
    expected = (per * dy.numpy()).sum() / np.sqrt(5 * 3)
    # The parameter is t in s = s0 * exp(t), t = 0: ds/dt = s0.
    np.testing.assert_allclose(fq.log_scale.grad.numpy(), [expected * 0.5],
                               rtol=1e-6)


def batched(path, batch, out):
    m = onnx.load(str(path))
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_value = batch
    for d in m.graph.output[0].type.tensor_type.shape.dim:
        d.Clear()
    del m.graph.value_info[:]
    onnx.save(m, str(out))
    return out


def test_rebuilt_model_matches_the_compiled_model(fake_quant_models,
                                                  tmp_path):
    """The whole fake-quant model in PyTorch against the same file compiled
    by qcompile (integer kernels). They agree to float rounding, except
    where the compiled conv requantizes straight to uint8 (multiplier
    s_x s_w / s_y, as ONNX Runtime's QLinearConv) and an output lands on
    the other side of a tie: one quantization step there."""
    x = np.random.default_rng(1).normal(size=(40, 1, 28, 28)).astype(
        np.float32)
    for weights, path in sorted(fake_quant_models.items()):
        so = qmlir.compile(batched(path, len(x), tmp_path / f"{weights}.onnx"),
                           tmp_path, name=f"fq_{weights}")
        compiled = qmlir.load(so)(x)
        with torch.no_grad():
            ours = qat.from_onnx(path)(x).numpy()
        diff = np.abs(compiled - ours).max(axis=1)
        assert (diff < 1e-4).mean() >= 0.8, (weights, np.sort(diff))
        assert diff.max() < 0.1, weights
        assert (compiled.argmax(1) == ours.argmax(1)).mean() >= 0.95


def conv_counts(model_path):
    ir = qopt(model_path, "--pass-pipeline=builtin.module(canonicalize,"
              "func.func(q-fold-qdq))")
    count = lambda op: len(re.findall(rf"\bq\.{op}\b", ir))
    return {op: count(op) for op in ("conv_integer", "conv", "matmul_integer",
                                     "gemm", "matmul")}


def test_trained_model_compiles_to_integers(fake_quant_models, tmp_path):
    torch.manual_seed(0)
    rng = np.random.default_rng(2)
    model = qat.from_onnx(fake_quant_models["int4"], learn_scales=True)
    before = {n: p.detach().clone() for n, p in zip(model.param_names,
                                                    model.params)}
    scales_before = [s.detach().clone() for s in model.scale_parameters()]
    data = [(torch.from_numpy(rng.normal(size=(8, 1, 28, 28)).astype(
        np.float32)), torch.from_numpy(rng.integers(0, 10, 8)))
        for _ in range(2)]
    losses = qat.finetune(model, data, steps=4, lr=1e-3, scale_lr=1e-2)
    assert len(losses) == 4 and all(np.isfinite(losses))
    changed = [n for n, p in zip(model.param_names, model.params)
               if not torch.equal(p, before[n])]
    assert len(changed) == len(model.param_names)
    assert any(not torch.equal(a, b) for a, b in
               zip(scales_before, model.scale_parameters()))

    x = data[0][0].numpy()
    with torch.no_grad():
        expected = model(x).numpy()
    for form in ("float", "int8"):
        path = tmp_path / f"trained_{form}.onnx"
        proto = model.export_onnx(path, weights=form)
        ops = [n.op_type for n in proto.graph.node]
        assert ops.count("DequantizeLinear") == 14
        assert ops.count("QuantizeLinear") == (14 if form == "float" else 7)
        # [-7, 7] is said by a Clip on each weight's integer tensor.
        assert ops.count("Clip") == 7 + 2  # weights + the two ReLU6
        if form == "int8":
            ints = [t for t in proto.graph.initializer
                    if t.data_type == TP.INT8 and len(t.dims) > 1]
            assert len(ints) == 7
            assert all(np.abs(nh.to_array(t)).max() <= 7 for t in ints)
        # Back in: integer kernels for every Conv and the Gemm.
        assert conv_counts(path) == {"conv_integer": 6, "conv": 0,
                                     "matmul_integer": 1, "gemm": 0,
                                     "matmul": 0}
        so = qmlir.compile(batched(path, len(x), tmp_path / f"b_{form}.onnx"),
                           tmp_path, name=f"trained_{form}")
        np.testing.assert_allclose(qmlir.load(so)(x), expected, atol=0.1)
        # Read back, it is the same model: same ranges, same outputs.
        again = qat.from_onnx(path)
        assert [(f.qmin, f.qmax, f.axis) for f in again.fake_quants] == \
            [(f.qmin, f.qmax, f.axis) for f in model.fake_quants]
        with torch.no_grad():
            np.testing.assert_array_equal(again(x).numpy(), expected)


def write(tmp_path, nodes, inits, name="m.onnx", opset=13):
    graph = h.make_graph(
        nodes, "g", [h.make_tensor_value_info("x", TP.FLOAT, [1, 4])],
        [h.make_tensor_value_info("y", TP.FLOAT, [1, 4])],
        [nh.from_array(v, k) for k, v in inits.items()])
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
    model.ir_version = 7
    path = tmp_path / name
    onnx.save(model, str(path))
    return path


QDQ = {"s": np.array(0.1, np.float32), "z": np.array(0, np.int8)}


def test_unsupported_ops_are_listed_with_their_nodes(tmp_path):
    path = write(tmp_path, [h.make_node("Erf", ["x"], ["e"], name="erf1"),
                            h.make_node("Relu", ["e"], ["r"]),
                            h.make_node("Abs", ["r"], ["y"], name="abs1")],
                 {})
    with pytest.raises(qat.QATError, match=re.escape(
            f"{path}: 2 nodes with no QAT (PyTorch) form: Erf ('erf1'), Abs "
            "('abs1'); supported: Add, AveragePool, BatchNormalization, ")):
        qat.from_onnx(path)


def test_quantize_without_dequantize_is_an_error(tmp_path):
    path = write(tmp_path, [
        h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q1"),
        h.make_node("DequantizeLinear", ["q", "s", "z"], ["d"], name="d1"),
        h.make_node("QuantizeLinear", ["d", "s", "z"], ["y"], name="q2")],
        QDQ, name="dangling.onnx")
    with pytest.raises(qat.QATError, match=re.escape(
            f"{path}: node 'q2' (QuantizeLinear): its result is not read by "
            "a DequantizeLinear")):
        qat.from_onnx(path)


def test_mismatched_chain_parameters_are_an_error(tmp_path):
    path = write(tmp_path, [
        h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q1"),
        h.make_node("DequantizeLinear", ["q", "s2", "z"], ["y"], name="d1")],
        dict(QDQ, s2=np.array(0.2, np.float32)))
    with pytest.raises(qat.QATError, match=re.escape(
            f"{path}: node 'd1' (DequantizeLinear): its scale and zero point "
            "differ from those of node 'q1' (QuantizeLinear)")):
        qat.from_onnx(path)


def test_export_errors_leave_nothing(fake_quant_models, tmp_path):
    model = qat.from_onnx(fake_quant_models["int8"])
    with pytest.raises(ValueError, match="weights must be 'float' or 'int8'"):
        model.export_onnx(tmp_path / "m.onnx", weights="int4")
    missing = tmp_path / "no" / "m.onnx"
    with pytest.raises(qat.QATError, match=re.escape(
            f"{missing}: cannot write: No such file or directory")):
        model.export_onnx(missing)
    assert list(tmp_path.iterdir()) == []


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(qat.QATError, match="m.onnx: no such file"):
        qat.from_onnx(tmp_path / "m.onnx")
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    with pytest.raises(qat.QATError,
                       match=r"bad\.onnx: cannot read the ONNX model"):
        qat.from_onnx(tmp_path / "bad.onnx")


def test_importing_qmlir_does_not_import_torch():
    code = ("import sys; sys.path.insert(0, %r); import qmlir; "
            "assert 'torch' not in sys.modules" % str(ROOT / "python"))
    subprocess.run(["/usr/bin/python3", "-c", code], check=True)


def test_operators_match_the_compiled_float_model(tmp_path):
    """Every operator qmlir.qat builds, in one float graph, against the same
    graph compiled by qcompile: asymmetric pads, ceil mode, BN, attributes
    that differ from the defaults."""
    rng = np.random.default_rng(3)

    def init(name, *shape, scale=0.5):
        return nh.from_array((rng.normal(size=shape) * scale).astype(
            np.float32), name)

    nodes = [
        h.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 0, 2, 1]),
        h.make_node("BatchNormalization", ["c", "g", "beta", "mean", "var"],
                    ["bn"], epsilon=1e-3),
        h.make_node("LeakyRelu", ["bn"], ["lr"], alpha=0.1),
        h.make_node("MaxPool", ["lr"], ["mp"], kernel_shape=[3, 3],
                    strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
        h.make_node("AveragePool", ["lr"], ["ap"], kernel_shape=[2, 2],
                    pads=[1, 1, 1, 1], count_include_pad=1),
        h.make_node("HardSwish", ["mp"], ["hs"]),
        h.make_node("HardSigmoid", ["ap"], ["hsg"], alpha=0.3, beta=0.4),
        h.make_node("GlobalMaxPool", ["hs"], ["gm"]),
        h.make_node("GlobalAveragePool", ["hsg"], ["ga"]),
        h.make_node("Concat", ["gm", "ga"], ["cat"], axis=1),
        h.make_node("Flatten", ["cat"], ["fl"]),
        h.make_node("Reshape", ["fl", "shape1"], ["r1"]),
        h.make_node("Transpose", ["r1"], ["tr"], perm=[0, 2, 1]),
        h.make_node("Reshape", ["tr", "shape2"], ["r2"]),
        h.make_node("MatMul", ["r2", "m"], ["mm"]),
        h.make_node("Gemm", ["mm", "gw", "gc"], ["gemm"], alpha=0.5, beta=2.0,
                    transB=1),
        h.make_node("Sub", ["gemm", "k"], ["sub"]),
        h.make_node("Div", ["sub", "k2"], ["div"]),
        h.make_node("Tanh", ["div"], ["tanh"]),
        h.make_node("Sigmoid", ["gemm"], ["sig"]),
        h.make_node("Mul", ["tanh", "sig"], ["mul"]),
        h.make_node("Add", ["mul", "gemm"], ["add"]),
        h.make_node("Relu", ["add"], ["relu"]),
        h.make_node("Clip", ["add", "lo", ""], ["clip"]),
        h.make_node("Add", ["relu", "clip"], ["sum"]),
        h.make_node("Add", ["sum", "div"], ["sum2"]),
        h.make_node("Identity", ["sum2"], ["id"]),
        h.make_node("Softmax", ["id"], ["y"], axis=1),
    ]
    inits = [
        init("w", 4, 4, 3, 3), init("b", 4), init("g", 4), init("beta", 4),
        init("mean", 4), nh.from_array(np.float32([0.5, 1, 2, 4]), "var"),
        nh.from_array(np.int64([0, 2, 4]), "shape1"),
        nh.from_array(np.int64([2, -1]), "shape2"),
        init("m", 8, 6), init("gw", 5, 6), init("gc", 5), init("k", 5),
        nh.from_array(np.float32([1.5, 2, -3, 4, 0.5]), "k2"),
        nh.from_array(np.float32(-1.5), "lo"),
    ]
    graph = h.make_graph(
        nodes, "ops", [h.make_tensor_value_info("x", TP.FLOAT, [2, 4, 8, 8])],
        [h.make_tensor_value_info("y", TP.FLOAT, [2, 5]),
         h.make_tensor_value_info("cat", TP.FLOAT, [2, 8, 1, 1]),
         h.make_tensor_value_info("gemm", TP.FLOAT, [2, 5]),
         h.make_tensor_value_info("sum", TP.FLOAT, [2, 5])], inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 14)])
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    path = tmp_path / "ops.onnx"
    onnx.save(model, str(path))

    used = {n.op_type for n in nodes}
    assert used == set(qat.SUPPORTED_OPS)
    x = rng.normal(size=(2, 4, 8, 8)).astype(np.float32)
    compiled = qmlir.load(qmlir.compile(path, tmp_path, name="ops"))(x)
    with torch.no_grad():
        ours = qat.from_onnx(path)(x)
    assert len(ours) == len(compiled) == 4
    for a, b in zip(ours, compiled):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-5, atol=1e-6)
    # Not a degenerate graph: the outputs vary over batch and channels
    # ('sum' has values the Clip saturated).
    for a in compiled[:3]:
        assert len(np.unique(a)) == a.size
