"""qmlir.load and Model: results against the expected outputs, argument
checks, copies of awkward arrays, status codes, and threads."""

import ctypes
import threading

import numpy as np
import pytest

import qmlir
from qmlir.model import aligned_empty

from conftest import to_bf16_bits


def test_small_cnn_matches_expected_outputs(small_cnn, small_cnn_data):
    assert len(small_cnn_data) == 2
    for x, expected in small_cnn_data:
        for probs in (small_cnn(x), small_cnn(image=x),
                      small_cnn.run({"image": x})["probs"]):
            assert probs.dtype == np.float32 and probs.shape == (1, 10)
            np.testing.assert_allclose(probs, expected, rtol=1e-4, atol=1e-6)


def test_metadata(small_cnn):
    assert small_cnn.name == "small_cnn"
    (image,), (probs,) = small_cnn.inputs, small_cnn.outputs
    assert image == qmlir.TensorInfo("image", (1, 3, 32, 32),
                                     np.dtype(np.float32), "float32",
                                     12288, None)
    assert (probs.name, probs.shape, probs.nbytes) == ("probs", (1, 10), 40)
    assert small_cnn.workspace_size == small_cnn.manifest["workspace_size"]
    assert repr(small_cnn) == ("<qmlir.Model small_cnn: 'image' "
                               "float32[1x3x32x32] -> 'probs' float32[1x10]>")


def test_wrong_dtype_names_the_input(small_cnn, small_cnn_data):
    x = small_cnn_data[0][0]
    with pytest.raises(TypeError, match="input 'image' of model 'small_cnn' "
                       "is float64 but must be float32"):
        small_cnn(x.astype(np.float64))
    with pytest.raises(TypeError, match="input 'image' .* is float64"):
        small_cnn(x.tolist())


def test_wrong_shape_names_the_input(small_cnn, small_cnn_data):
    x = small_cnn_data[0][0]
    with pytest.raises(ValueError, match=r"input 'image' of model 'small_cnn' "
                       r"has shape \(3, 32, 32\) but must have "
                       r"\(1, 3, 32, 32\)"):
        small_cnn(x[0])


def test_wrong_inputs(small_cnn, small_cnn_data):
    x = small_cnn_data[0][0]
    with pytest.raises(TypeError, match=r"model 'small_cnn' takes 1 input\(s\) "
                       r"\('image'\) but 2 were given"):
        small_cnn(x, x)
    with pytest.raises(TypeError, match=r"is missing input\(s\) 'image'"):
        small_cnn()
    with pytest.raises(TypeError, match="has no input 'img'; its inputs are "
                       "'image'"):
        small_cnn(img=x)
    with pytest.raises(TypeError, match="got two values for input 'image'"):
        small_cnn(x, image=x)
    with pytest.raises(TypeError, match="has no input 'probs'"):
        small_cnn.run({"image": x, "probs": x})


def test_non_contiguous_and_misaligned_inputs_are_copied(small_cnn,
                                                         small_cnn_data):
    x = small_cnn_data[0][0]
    reference = small_cnn(x)
    # Every other element of a larger array: not contiguous.
    strided = np.zeros((1, 3, 32, 64), np.float32)[..., ::2]
    strided[...] = x
    assert not strided.flags.c_contiguous
    # Contiguous, but 4 bytes past a 64-byte boundary.
    raw = aligned_empty((x.nbytes + 4,), np.uint8)
    misaligned = raw[4:].view(np.float32).reshape(x.shape)
    misaligned[...] = x
    assert misaligned.ctypes.data % 64 == 4
    # Fortran order.
    fortran = np.asfortranarray(x)
    for a in (strided, misaligned, fortran):
        np.testing.assert_array_equal(small_cnn(a), reference)
    # Outputs are new, aligned arrays on every call.
    first, second = small_cnn(x), small_cnn(x)
    assert first is not second and first.ctypes.data % 64 == 0
    np.testing.assert_array_equal(first, second)


def test_status_codes_raise_their_meaning(small_cnn, small_cnn_data):
    # The loader's own calls are always valid; these go under it.
    x = aligned_empty((1, 3, 32, 32), np.float32)
    x[...] = small_cnn_data[0][0]
    probs = aligned_empty((1, 10), np.float32)
    ins = (ctypes.c_void_p * 1)(x.ctypes.data)
    outs = (ctypes.c_void_p * 1)(probs.ctypes.data)
    workspace = aligned_empty((small_cnn.workspace_size + 64,), np.uint8)
    with pytest.raises(qmlir.RunError, match=r"model 'small_cnn' \('.*"
                       r"small_cnn\.so'\) returned 3 \(QMLIR_ERR_NULL_"
                       r"WORKSPACE: the workspace is NULL but the model "
                       r"needs one\)") as info:
        small_cnn._call(ins, outs, None)
    assert (info.value.status, info.value.code_name) == (
        3, "QMLIR_ERR_NULL_WORKSPACE")
    with pytest.raises(qmlir.RunError, match="returned 4 .*not 64-byte "
                       "aligned"):
        small_cnn._call(ins, outs, workspace.ctypes.data + 8)
    with pytest.raises(qmlir.RunError, match="returned 2 .*an input or "
                       "output is not 64-byte aligned"):
        small_cnn._call((ctypes.c_void_p * 1)(x.ctypes.data + 4), outs,
                        workspace.ctypes.data)
    with pytest.raises(qmlir.RunError, match="returned 1 .*is NULL"):
        small_cnn._call(ins, (ctypes.c_void_p * 1)(None),
                        workspace.ctypes.data)


def test_two_threads_at_once(small_cnn, small_cnn_data):
    (x0, _), (x1, _) = small_cnn_data
    references = [small_cnn(x0), small_cnn(x1)]
    barrier = threading.Barrier(2)
    results = [None, None]

    def work(k, x):
        barrier.wait()
        differ = sum(not np.array_equal(small_cnn(x), references[k])
                     for _ in range(300))
        results[k] = (differ, small_cnn._workspace())

    threads = [threading.Thread(target=work, args=(k, x))
               for k, x in enumerate((x0, x1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (differ0, ws0), (differ1, ws1) = results
    assert (differ0, differ1) == (0, 0)
    # Each thread had a workspace of its own, not the main thread's.
    assert len({ws0, ws1, small_cnn._workspace()}) == 3


def test_several_inputs_and_outputs(multi_io_so):
    model = qmlir.load(multi_io_so)
    assert model.name == "multi_io"
    assert [(t.name, t.element_type, t.dtype) for t in model.inputs] == [
        ("x", "float32", np.float32), ("y.1", "float32", np.float32),
        ("h", "float16", np.float16), ("b", "bfloat16", np.uint16)]
    assert [(t.name, t.element_type, t.dtype) for t in model.outputs] == [
        ("sum", "float32", np.float32), ("prod_bf16", "bfloat16", np.uint16),
        ("h_twice", "float16", np.float16), ("greater", "bool", np.bool_),
        ("b_f32", "float32", np.float32)]
    rng = np.random.default_rng(0)
    x = rng.uniform(-4, 4, (2, 3)).astype(np.float32)
    y = rng.uniform(-4, 4, (2, 3)).astype(np.float32)
    hh = rng.uniform(-4, 4, 3).astype(np.float16)
    b = to_bf16_bits(rng.uniform(-4, 4, 3).astype(np.float32))
    b_f32 = (b.astype(np.uint32) << 16).view(np.float32)
    expected = (x + y, to_bf16_bits(x * y), hh + hh, x > y, b_f32)

    outputs = model(x, y, hh, b)
    assert isinstance(outputs, tuple) and len(outputs) == 5
    for got, want in zip(outputs, expected):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    # Positional and keyword inputs mix; ONNX names that are not Python
    # identifiers go through run().
    np.testing.assert_array_equal(model(x, h=hh, b=b, **{"y.1": y})[0], x + y)
    by_name = model.run({"b": b, "h": hh, "y.1": y, "x": x})
    assert list(by_name) == ["sum", "prod_bf16", "h_twice", "greater", "b_f32"]
    np.testing.assert_array_equal(by_name["prod_bf16"], expected[1])
    with pytest.raises(TypeError, match=r"input 'h' of model 'multi_io' is "
                       "float32 but must be float16$"):
        model(x, y, hh.astype(np.float32), b)
    with pytest.raises(TypeError, match=r"input 'b' of model 'multi_io' is "
                       r"float32 but must be uint16 \(bfloat16 is passed as "
                       r"its bits, in uint16\)"):
        model(x, y, hh, b_f32)
    with pytest.raises(TypeError, match=r"is missing input\(s\) 'y.1', 'h', "
                       "'b'"):
        model(x)
