"""qmlir.compile: an ONNX model to a shared library, through qcompile.

Part of qmlir. Runs `qcompile MODEL --emit=shared -o DIR/NAME.so --name NAME`,
which writes NAME.so, NAME.h and NAME.json (the manifest qmlir.load reads)
into DIR. qcompile is the one found first of: the `qcompile` argument,
$QMLIR_QCOMPILE, the repository's build/bin/qcompile (when the package is
used from a checkout), and `qcompile` on PATH.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import CompileError

# C keywords qcompile refuses as names (lib/Target/Object/CInterface.cpp).
_C_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern "
    "float for goto if inline int long register restrict return short signed "
    "sizeof static struct switch typedef union unsigned void volatile while "
    "bool true false _Bool _Complex _Imaginary".split())


def c_identifier(stem):
    """The model name qcompile derives from a file name: characters that
    cannot be in a C identifier become '_', and a leading '_' is added when
    the result starts with a digit or is a keyword."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", stem)
    if not name or name[0].isdigit() or name in _C_KEYWORDS:
        name = "_" + name
    return name


def _executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def checkout_qcompile():
    """build/bin/qcompile of the checkout this package is in."""
    return Path(__file__).resolve().parents[2] / "build" / "bin" / "qcompile"


def find_qcompile(qcompile=None):
    """The path of the qcompile to run (see the module's description)."""
    if qcompile is not None:
        path = os.fspath(qcompile)
        found = shutil.which(path) if os.sep not in path else path
        if not found or not _executable(found):
            raise CompileError(f"qcompile '{path}' (the qcompile argument) is "
                               "not an executable file")
        return found
    env = os.environ.get("QMLIR_QCOMPILE")
    if env:
        if not _executable(env):
            raise CompileError(f"qcompile '{env}' ($QMLIR_QCOMPILE) is not an "
                               "executable file")
        return env
    checkout = checkout_qcompile()
    if _executable(checkout):
        return str(checkout)
    on_path = shutil.which("qcompile")
    if on_path:
        return on_path
    raise CompileError(
        "cannot find qcompile: pass qcompile=PATH, set $QMLIR_QCOMPILE, build "
        f"it as {checkout} (utils/build.sh), or put it on PATH")


def _shape_spec(name, dims):
    if isinstance(dims, str):
        text = dims
    else:
        try:
            text = "x".join(str(int(d)) for d in dims)
        except (TypeError, ValueError):
            raise ValueError(f"input_shapes['{name}'] must be a sequence of "
                             f"integers or a string like '1x3x48x192', not "
                             f"{dims!r}") from None
    return f"--input-shape={name}={text}"


def _output_path(model, output, name):
    """(library path, name, temporary directory or None)."""
    if output is not None:
        output = Path(output)
        if output.is_dir():
            name = name or c_identifier(Path(model).stem)
            return output / f"{name}.so", name, None
        name = name or c_identifier(output.stem)
        if output.suffix != ".so" or output.stem != name:
            raise ValueError(
                f"output '{output}' must be a directory or be named "
                f"'{name}.so': qcompile writes {name}.h and {name}.json next "
                "to it, and qmlir.load reads the manifest by the library's "
                "name")
        return output, name, None
    name = name or c_identifier(Path(model).stem)
    tmp = tempfile.mkdtemp(prefix=f"qmlir-{name}-")
    return Path(tmp) / f"{name}.so", name, tmp


def compile(model, output=None, *, name=None, input_shapes=None, target=None,
            cpu=None, features=None, opt_level=3, qcompile=None):
    """Compiles `model` (.onnx, .onnxtxt or .mlir) into a shared library and
    returns its path (a str); qmlir.load opens it.

    output: a directory (NAME.so goes there) or the path NAME.so; None makes
        a new temporary directory, which is not removed (the library stays
        usable for the life of the program and after; delete it when done).
    name: the C name of the model (prefix of its symbols; default: the
        library's or else the model's file name made a C identifier).
    input_shapes: {input name: dims} pinning symbolic dimensions, with dims
        a sequence of integers or a string like "1x3x48x192".
    target: "x86_64" or "aarch64" (default: this machine's architecture);
        cpu, features: LLVM's names ("znver4", "+avx2,-avx512f" or a list),
        by default this machine's CPU; opt_level: 0 to 3.
    qcompile: the qcompile to run (default: see the module's description).

    Raises CompileError with qcompile's diagnostics when it fails.
    """
    if not isinstance(opt_level, int) or not 0 <= opt_level <= 3:
        raise ValueError(f"opt_level must be 0, 1, 2 or 3, not {opt_level!r}")
    tool = find_qcompile(qcompile)
    library, name, tmp = _output_path(model, output, name)
    command = [tool, os.fspath(model), "-o", str(library), "--emit=shared",
               f"--name={name}", f"-O{opt_level}"]
    for input_name, dims in (input_shapes or {}).items():
        command.append(_shape_spec(input_name, dims))
    if target is not None:
        command.append(f"--target={target}")
    if cpu is not None:
        command.append(f"--cpu={cpu}")
    if features is not None:
        if not isinstance(features, str):
            features = ",".join(features)
        command.append(f"--features={features}")
    # qcompile rewrites its output in place; a library this process has
    # loaded from that path would change under it. Unlinking the old file
    # first keeps it intact for whoever has it mapped.
    if library.exists():
        library.unlink()
    result = subprocess.run(command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        diagnostics = result.stderr.strip()
        raise CompileError(
            f"qcompile failed on '{os.fspath(model)}' (exit status "
            f"{result.returncode}):\n{diagnostics}",
            diagnostics=diagnostics, command=command,
            returncode=result.returncode)
    return str(library)
