"""Whether this machine runs a library compiled for a manifest's target.

Part of qmlir. The same check qrun makes (lib/Runtime/SharedModel.cpp), so
that a library built for another architecture, or using an instruction set
extension this CPU lacks, is refused with a message instead of failing to
load or dying of SIGILL. qrun asks LLVM for the host's features; here they
come from /proc/cpuinfo, through a table from LLVM's feature names to the
kernel's for the extensions compiled code uses. Features outside the table
are not checked.
"""

import platform

from .errors import LoadError

# LLVM feature name -> /proc/cpuinfo flag.
_X86_FLAGS = {
    "sse3": "pni", "ssse3": "ssse3", "sse4.1": "sse4_1", "sse4.2": "sse4_2",
    "sse4a": "sse4a", "popcnt": "popcnt", "lzcnt": "abm", "movbe": "movbe",
    "bmi": "bmi1", "bmi2": "bmi2", "aes": "aes", "pclmul": "pclmulqdq",
    "avx": "avx", "avx2": "avx2", "fma": "fma", "fma4": "fma4", "xop": "xop",
    "f16c": "f16c", "gfni": "gfni", "vaes": "vaes",
    "vpclmulqdq": "vpclmulqdq", "avxvnni": "avx_vnni",
    "avx512f": "avx512f", "avx512bw": "avx512bw", "avx512cd": "avx512cd",
    "avx512dq": "avx512dq", "avx512vl": "avx512vl",
    "avx512ifma": "avx512ifma", "avx512vbmi": "avx512vbmi",
    "avx512vbmi2": "avx512_vbmi2", "avx512vnni": "avx512_vnni",
    "avx512bitalg": "avx512_bitalg", "avx512vpopcntdq": "avx512_vpopcntdq",
    "avx512bf16": "avx512_bf16", "avx512fp16": "avx512_fp16",
    "amx-tile": "amx_tile", "amx-int8": "amx_int8", "amx-bf16": "amx_bf16",
}
_AARCH64_FLAGS = {
    "neon": "asimd", "fp-armv8": "fp", "crc": "crc32", "lse": "atomics",
    "rdm": "asimdrdm", "dotprod": "asimddp", "fullfp16": "asimdhp",
    "i8mm": "i8mm", "bf16": "bf16", "sve": "sve", "sve2": "sve2",
}
_ARCH_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}


def host_arch():
    machine = platform.machine().lower()
    return _ARCH_ALIASES.get(machine, machine)


def _cpuinfo_flags(arch, cpuinfo):
    """The CPU's flags, or None when /proc/cpuinfo does not say them."""
    key = "flags" if arch == "x86_64" else "features"
    try:
        with open(cpuinfo) as f:
            for line in f:
                field, _, value = line.partition(":")
                if field.strip().lower() == key:
                    return set(value.split())
    except OSError:
        pass
    return None


def check_target(target, library, cpuinfo="/proc/cpuinfo"):
    """Raises LoadError unless this machine runs code compiled for `target`
    (the manifest's {"triple", "cpu", "features"})."""
    triple = target.get("triple", "")
    arch = _ARCH_ALIASES.get(triple.split("-")[0], triple.split("-")[0])
    here = host_arch()
    if arch != here:
        raise LoadError(f"'{library}' is compiled for {triple}; this machine "
                        f"is {here}")
    table = _X86_FLAGS if arch == "x86_64" else _AARCH64_FLAGS
    flags = _cpuinfo_flags(arch, cpuinfo)
    if flags is None:
        return
    for feature in target.get("features", "").split(","):
        if not feature.startswith("+"):
            continue
        flag = table.get(feature[1:])
        if flag is not None and flag not in flags:
            raise LoadError(
                f"'{library}' is compiled for the CPU feature '{feature[1:]}', "
                "which this machine lacks (compile it with qmlir.compile's "
                "cpu/features, or qcompile --cpu/--features, for this "
                "machine)")
