# -*- Python -*-
# lit configuration of qmlir's regression tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "QMLIR"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qmlir_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%qmlir_src", config.qmlir_src_root))
config.substitutions.append(("%qmlir_tools", config.qmlir_tools_dir))
config.substitutions.append(("%onnx_testdata", config.onnx_testdata_dir))
# Real models fetched by utils/fetch-models.sh (run by utils/setup.sh).
config.substitutions.append(
    ("%models", os.path.join(os.environ.get(
        "QMLIR_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "qmlir")),
        "models")))
# Debian's interpreter has onnx and numpy; another python3 may come first.
config.substitutions.append(("%python", "/usr/bin/python3"))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP", "QMLIR_CACHE"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.qmlir_tools_dir, append_path=True)

tool_dirs = [config.qmlir_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["qcompile", "qopt", "qrun"], tool_dirs)

# AArch64 objects are linked with the cross toolchain and run under
# qemu-user (Debian's gcc-aarch64-linux-gnu and qemu-user, see
# utils/setup.sh); tests that need them say `REQUIRES: aarch64-cross`.
if (shutil.which("aarch64-linux-gnu-gcc") and shutil.which("qemu-aarch64")
        and os.path.isdir("/usr/aarch64-linux-gnu")):
    config.available_features.add("aarch64-cross")
config.substitutions.append(("%harness", os.path.join(
    config.qmlir_src_root, "utils", "harness")))
