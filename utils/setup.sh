#!/usr/bin/env bash
#===- utils/setup.sh - install everything qmlir needs ----------------------===#
#
# Installs the Debian 12 packages qmlir builds and tests against. Idempotent:
# packages already present are not touched, and apt is asked only for the
# missing ones. Run as root (or with sudo available).
#
#===------------------------------------------------------------------------===#
set -euo pipefail

PACKAGES=(
  # Toolchain and build.
  build-essential cmake ninja-build git ca-certificates
  # LLVM/MLIR 22 (bookworm-security).
  llvm-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # ONNX (protobuf) and its backend node tests.
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  # Unit tests of the numerics.
  libgtest-dev
  # JSON of safetensors headers and PEFT adapter configs (LoRA).
  nlohmann-json3-dev
  # Python side: model builders and tests.
  python3 python3-onnx python3-numpy python3-pytest
  # Text lines rendered for PP-OCR (examples/ppocr/text_lines.py).
  python3-pil fonts-dejavu-core
  # ONNX Runtime (npm) is the reference and speed peer; models come from npm.
  nodejs npm
  # oneDNN, the int8 GEMM peer of benchmarks/int8_gemm.py (not linked into
  # qmlir).
  libdnnl-dev
  # AArch64 objects from qcompile: linked with the cross driver, run under
  # qemu-user (test/E2E/aot-aarch64.test).
  gcc-aarch64-linux-gnu qemu-user
  # Fashion-MNIST, the real data of test/E2E/fashion-mnist.test.
  dataset-fashion-mnist
  # PyTorch 1.13 (CPU): quantization-aware training (python/qmlir/qat, its
  # tests in python/tests/test_qat.py, skipped without it) and training
  # the example models (examples/fashion_mnist/train.py, qat.py;
  # examples/llama). Nothing else needs it: `import qmlir` does not.
  python3-torch
  # The fine-tuning text of the LLaMA + LoRA example (examples/llama): the
  # Vim user manual (the base text, /usr/share/common-licenses, comes with
  # base-files).
  vim-runtime
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

root=$(cd "$(dirname "$0")/.." && pwd)
# node may come from elsewhere than Debian (a newer one on PATH is fine).
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]}")
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# LLVM/MLIR 22 come from bookworm-security; make sure it is a source.
if [ ${#missing[@]} -gt 0 ] &&
   ! grep -rqs 'bookworm-security' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian-security bookworm-security main" |
    $SUDO tee /etc/apt/sources.list.d/qmlir-security.list >/dev/null
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime for node, pinned by utils/ort/package-lock.json; the CPU
# library ships inside the package, so no install script has to run.
if [ ! -f "$root/utils/ort/node_modules/onnxruntime-node/package.json" ]; then
  echo "setup: installing onnxruntime-node into utils/ort"
  (cd "$root/utils/ort" && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi

"$root/utils/fetch-models.sh"
