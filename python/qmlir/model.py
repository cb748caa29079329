"""qmlir.load: a compiled model (NAME.so + NAME.json) as a Python callable.

Part of qmlir. Reads the manifest qcompile writes next to the library
(docs/abi.md), checks it against the library and this machine, and calls
NAME_run_packed through ctypes with numpy arrays:

    model = qmlir.load("out/small_cnn.so")
    probs = model(image)                    # or model(image=image)
    outputs = model.run({"image": image})   # {"probs": array}

Arrays must have the manifest's dtype and shape exactly (nothing is cast);
float16 is numpy's float16 and bfloat16 is its bits as uint16 (the high
half of a float32). Non-contiguous or misaligned inputs are copied into
64-byte aligned buffers; outputs are new arrays on every call. Each thread
gets a workspace of its own, so one Model may be called from several
threads at once (ctypes releases the GIL during the call).

A process keeps the first library it loads from a path (the dynamic loader
returns it again for that path), so loading a path whose file has been
replaced since is an error: compile a changed model to a new path.
"""

import ctypes
import json
import os
import threading
from typing import NamedTuple, Optional

import numpy as np

from .errors import LoadError, RunError
from .host import check_target

ABI_VERSION = 1
ALIGNMENT = 64

# numpy dtype of each manifest dtype (bfloat16 as its bits).
_DTYPES = {
    "float16": np.float16, "bfloat16": np.uint16, "float32": np.float32,
    "float64": np.float64, "bool": np.bool_, "int8": np.int8,
    "int16": np.int16, "int32": np.int32, "int64": np.int64,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32,
    "uint64": np.uint64,
}

# The status codes of NAME_run and NAME_run_packed (docs/abi.md).
STATUS_CODES = {
    1: ("QMLIR_ERR_NULL_BUFFER",
        "an input or output pointer (or array) is NULL"),
    2: ("QMLIR_ERR_MISALIGNED_BUFFER",
        "an input or output is not 64-byte aligned"),
    3: ("QMLIR_ERR_NULL_WORKSPACE",
        "the workspace is NULL but the model needs one"),
    4: ("QMLIR_ERR_MISALIGNED_WORKSPACE",
        "the workspace is not 64-byte aligned"),
}


class TensorInfo(NamedTuple):
    """An input or output of a compiled model, from its manifest."""
    name: str
    shape: tuple
    dtype: np.dtype        # of the numpy arrays passed (uint16 for bfloat16)
    element_type: str      # the manifest's dtype: "float32", "bfloat16", ...
    nbytes: int
    quantization: Optional[dict]  # scale, zero_point, ... or None

    def __str__(self):
        dims = "x".join(str(d) for d in self.shape)
        return f"'{self.name}' {self.element_type}[{dims}]"


def aligned_empty(shape, dtype, alignment=ALIGNMENT):
    """An uninitialized C-order array whose data is `alignment`-aligned."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(nbytes + alignment, dtype=np.uint8)
    offset = -raw.ctypes.data % alignment
    return raw[offset:offset + nbytes].view(dtype).reshape(shape)


def _tensor_info(entry):
    shape = tuple(int(d) for d in entry["shape"])
    element_type = entry["dtype"]
    if element_type not in _DTYPES:
        raise ValueError(f"unknown dtype '{element_type}' of "
                         f"'{entry['name']}'")
    dtype = np.dtype(_DTYPES[element_type])
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if entry["bytes"] != nbytes:
        raise ValueError(f"'{entry['name']}' is {entry['bytes']} bytes, but "
                         f"{element_type}{list(shape)} is {nbytes}")
    return TensorInfo(entry["name"], shape, dtype, element_type, nbytes,
                      entry.get("quantization"))


def _read_manifest(library, manifest):
    try:
        with open(manifest) as f:
            text = f.read()
    except OSError as e:
        raise LoadError(
            f"cannot read the manifest '{manifest}' of '{library}': "
            f"{e.strerror} (qcompile writes NAME.json next to the library; "
            "compile with -o NAME.so or pass manifest=)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(f"'{manifest}' is not valid JSON: {e}") from None
    try:
        if data["abi_version"] != ABI_VERSION:
            raise LoadError(
                f"'{manifest}' is for ABI version {data['abi_version']}; "
                f"this qmlir package runs {ABI_VERSION}")
        inputs = tuple(_tensor_info(t) for t in data["inputs"])
        outputs = tuple(_tensor_info(t) for t in data["outputs"])
        symbols = {k: str(data["symbols"][k])
                   for k in ("run", "run_packed", "workspace_size")}
        return (data, inputs, outputs, symbols, int(data["workspace_size"]),
                dict(data["target"]))
    except (KeyError, TypeError, ValueError) as e:
        what = f"no {e}" if isinstance(e, KeyError) else str(e)
        raise LoadError(f"'{manifest}' is not a qmlir manifest: {what}") \
            from None


# Identity of each library file this process has loaded, by absolute path:
# the dynamic loader hands back the first library loaded from a path for as
# long as the process lives, even when the file has been replaced since.
_loaded = {}
_loaded_lock = threading.Lock()


def _file_identity(path):
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Model:
    """A compiled model; see the module's description. Made by load()."""

    def __init__(self, library, manifest):
        (self.manifest, self.inputs, self.outputs, symbols,
         self.workspace_size, self.target) = _read_manifest(library, manifest)
        self.name = str(self.manifest["name"])
        self.path = library
        self.manifest_path = manifest
        check_target(self.target, library)
        # An absolute path: dlopen searches the library path for a bare name.
        absolute = os.path.abspath(library)
        with _loaded_lock:
            identity = _file_identity(absolute)
            if _loaded.get(absolute, identity) != identity:
                raise LoadError(
                    f"'{library}' has been replaced since this process loaded "
                    "it, and the dynamic loader would return the old library: "
                    "compile the new one to another path (qmlir.compile's "
                    "default, a new temporary directory, does)")
            try:
                self._library = ctypes.CDLL(absolute,
                                            mode=os.RTLD_NOW | os.RTLD_LOCAL)
            except OSError as e:
                raise LoadError(f"cannot load '{library}': {e}") from None
            _loaded[absolute] = identity
        functions = {}
        for key, symbol in symbols.items():
            try:
                functions[key] = self._library[symbol]
            except AttributeError:
                raise LoadError(
                    f"'{library}' does not define {symbol}, which "
                    f"'{manifest}' names: they are not from the same "
                    "compilation") from None
        self._run_packed = functions["run_packed"]
        self._run_packed.argtypes = [ctypes.c_void_p] * 3
        self._run_packed.restype = ctypes.c_int
        size = functions["workspace_size"]
        size.argtypes = []
        size.restype = ctypes.c_size_t
        if size() != self.workspace_size:
            raise LoadError(
                f"'{library}' needs a workspace of {size()} bytes but "
                f"'{manifest}' says {self.workspace_size}: they are not from "
                "the same compilation")
        self._local = threading.local()

    def __repr__(self):
        ins = ", ".join(str(t) for t in self.inputs)
        outs = ", ".join(str(t) for t in self.outputs)
        return f"<qmlir.Model {self.name}: {ins} -> {outs}>"

    def __call__(self, *args, **kwargs):
        """Runs the model on inputs given in order or by name; returns the
        output array, or a tuple of them in the manifest's order."""
        outputs = self._run(self._bind(args, kwargs))
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def run(self, inputs):
        """Runs the model on {input name: array}; returns {output name:
        array}."""
        outputs = self._run(self._bind((), dict(inputs)))
        return {t.name: a for t, a in zip(self.outputs, outputs)}

    def _bind(self, args, kwargs):
        names = ", ".join(f"'{t.name}'" for t in self.inputs)
        if len(args) > len(self.inputs):
            raise TypeError(f"model '{self.name}' takes {len(self.inputs)} "
                            f"input(s) ({names}) but {len(args)} were given")
        values = dict(zip((t.name for t in self.inputs), args))
        known = {t.name for t in self.inputs}
        for key, value in kwargs.items():
            if key not in known:
                raise TypeError(f"model '{self.name}' has no input '{key}'; "
                                f"its inputs are {names}")
            if key in values:
                raise TypeError(f"model '{self.name}' got two values for "
                                f"input '{key}'")
            values[key] = value
        missing = [f"'{t.name}'" for t in self.inputs if t.name not in values]
        if missing:
            raise TypeError(f"model '{self.name}' is missing input(s) "
                            f"{', '.join(missing)}")
        return [self._prepare(t, values[t.name]) for t in self.inputs]

    def _prepare(self, info, value):
        array = np.asarray(value)
        if array.dtype != info.dtype:
            bits = (" (bfloat16 is passed as its bits, in uint16)"
                    if info.element_type == "bfloat16" else "")
            raise TypeError(f"input '{info.name}' of model '{self.name}' is "
                            f"{array.dtype} but must be {info.dtype}{bits}")
        if array.shape != info.shape:
            raise ValueError(f"input '{info.name}' of model '{self.name}' has "
                             f"shape {array.shape} but must have "
                             f"{info.shape}")
        if array.flags.c_contiguous and array.ctypes.data % ALIGNMENT == 0:
            return array
        copy = aligned_empty(info.shape, info.dtype)
        copy[...] = array
        return copy

    def _workspace(self):
        """This thread's workspace (a pointer), made on its first call."""
        if self.workspace_size == 0:
            return None
        buffer = getattr(self._local, "workspace", None)
        if buffer is None:
            buffer = aligned_empty((self.workspace_size,), np.uint8)
            self._local.workspace = buffer
        return buffer.ctypes.data

    def _run(self, inputs):
        outputs = [aligned_empty(t.shape, t.dtype) for t in self.outputs]
        in_ptrs = (ctypes.c_void_p * len(inputs))(
            *(a.ctypes.data for a in inputs))
        out_ptrs = (ctypes.c_void_p * len(outputs))(
            *(a.ctypes.data for a in outputs))
        self._call(in_ptrs, out_ptrs, self._workspace())
        return outputs

    def _call(self, in_ptrs, out_ptrs, workspace):
        status = self._run_packed(in_ptrs, out_ptrs, workspace)
        if status != 0:
            code_name, meaning = STATUS_CODES.get(
                status, ("unknown", f"a status ABI version {ABI_VERSION} does "
                         "not define"))
            raise RunError(f"model '{self.name}' ('{self.path}') returned "
                           f"{status} ({code_name}: {meaning})", status,
                           code_name)


def load(path, manifest=None):
    """Loads the shared library `path` written by qcompile --emit=shared
    (or qmlir.compile) with its manifest: by default the library's path with
    the extension .json (NAME.so -> NAME.json)."""
    library = os.fspath(path)
    if not os.path.isfile(library):
        raise LoadError(f"cannot read '{library}': No such file")
    if manifest is None:
        manifest = os.path.splitext(library)[0] + ".json"
    return Model(library, os.fspath(manifest))
