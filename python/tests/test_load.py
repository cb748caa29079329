"""qmlir.load's checks: the manifest, its agreement with the library, and
this machine."""

import json
import shutil

import pytest

import qmlir
from qmlir.host import check_target, host_arch


def copy_model(so, directory, edit=None, name="cnn"):
    """A copy of the compiled model as DIRECTORY/NAME.so and NAME.json, the
    manifest changed by edit(manifest)."""
    src = so[:-len(".so")]
    shutil.copy(src + ".so", directory / f"{name}.so")
    manifest = json.loads(open(src + ".json").read())
    if edit:
        edit(manifest)
    (directory / f"{name}.json").write_text(json.dumps(manifest))
    return str(directory / f"{name}.so")


def test_missing_manifest(small_cnn_so, tmp_path):
    so = copy_model(small_cnn_so, tmp_path)
    (tmp_path / "cnn.json").unlink()
    with pytest.raises(qmlir.LoadError, match=(
            r"cannot read the manifest '.*/cnn\.json' of '.*/cnn\.so': No "
            r"such file or directory \(qcompile writes NAME\.json next to the "
            r"library; compile with -o NAME\.so or pass manifest=\)")):
        qmlir.load(so)


def test_manifest_elsewhere(small_cnn_so, tmp_path):
    so = copy_model(small_cnn_so, tmp_path)
    (tmp_path / "cnn.json").rename(tmp_path / "other.json")
    model = qmlir.load(so, manifest=tmp_path / "other.json")
    assert model.name == "small_cnn"
    assert model.manifest_path == str(tmp_path / "other.json")


def test_missing_library(tmp_path):
    with pytest.raises(qmlir.LoadError,
                       match=r"cannot read '.*/none\.so': No such file"):
        qmlir.load(tmp_path / "none.so")


def test_not_a_library(small_cnn_so, tmp_path):
    so = copy_model(small_cnn_so, tmp_path)
    (tmp_path / "cnn.so").write_text("not an ELF file")
    with pytest.raises(qmlir.LoadError, match=r"cannot load '.*/cnn\.so': "):
        qmlir.load(so)


def test_invalid_json(small_cnn_so, tmp_path):
    so = copy_model(small_cnn_so, tmp_path)
    (tmp_path / "cnn.json").write_text("{")
    with pytest.raises(qmlir.LoadError,
                       match=r"'.*/cnn\.json' is not valid JSON: "):
        qmlir.load(so)


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.update(abi_version=2),
     r"'.*/cnn\.json' is for ABI version 2; this qmlir package runs 1"),
    (lambda m: m.pop("inputs"),
     r"'.*/cnn\.json' is not a qmlir manifest: no 'inputs'"),
    (lambda m: m["inputs"][0].update(dtype="float8"),
     r"is not a qmlir manifest: unknown dtype 'float8' of 'image'"),
    (lambda m: m["outputs"][0].update(bytes=44),
     r"is not a qmlir manifest: 'probs' is 44 bytes, but float32\[1, 10\] "
     "is 40"),
    (lambda m: m["symbols"].update(run_packed="other_run_packed"),
     r"'.*/cnn\.so' does not define other_run_packed, which '.*/cnn\.json' "
     "names: they are not from the same compilation"),
    (lambda m: m.update(workspace_size=m["workspace_size"] + 64),
     r"'.*/cnn\.so' needs a workspace of (\d+) bytes but '.*/cnn\.json' says "
     r"\d+: they are not from the same compilation"),
])
def test_bad_manifest(small_cnn_so, tmp_path, edit, message):
    so = copy_model(small_cnn_so, tmp_path, edit)
    with pytest.raises(qmlir.LoadError, match=message):
        qmlir.load(so)


def test_library_for_another_architecture(small_cnn_so, tmp_path):
    other = "x86_64" if host_arch() == "aarch64" else "aarch64"

    def edit(m):
        m["target"]["triple"] = f"{other}-unknown-linux-gnu"

    so = copy_model(small_cnn_so, tmp_path, edit)
    with pytest.raises(qmlir.LoadError, match=(
            rf"'.*/cnn\.so' is compiled for {other}-unknown-linux-gnu; this "
            rf"machine is {host_arch()}")):
        qmlir.load(so)


def test_cpu_features_against_cpuinfo(tmp_path):
    # A CPU with AVX2 but not AVX-512 (or NEON but not SVE).
    x86 = host_arch() == "x86_64"
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\n" + (
        "flags\t\t: fpu sse sse2 pni ssse3 sse4_1 sse4_2 avx avx2 fma\n"
        if x86 else "Features\t: fp asimd asimddp\n"))
    has, lacks = ("avx2", "avx512f") if x86 else ("dotprod", "sve")
    target = {"triple": f"{host_arch()}-unknown-linux-gnu", "cpu": "c"}
    # Features it has, features it lacks but that are switched off, and
    # features outside the table pass.
    check_target(dict(target, features=f"+{has},-{lacks},+64bit,+crc32"),
                 "m.so", cpuinfo)
    with pytest.raises(qmlir.LoadError, match=(
            rf"'m\.so' is compiled for the CPU feature '{lacks}', which this "
            r"machine lacks \(compile it with qmlir\.compile's cpu/features, "
            r"or qcompile --cpu/--features, for this machine\)")):
        check_target(dict(target, features=f"+{has},+{lacks}"), "m.so",
                     cpuinfo)
    # No cpuinfo: nothing to check against.
    check_target(dict(target, features=f"+{lacks}"), "m.so",
                 tmp_path / "none")
