//===- AffineQuant.h - affine quantization parameters and rounding -*- C++
//-*-===//
//
// Part of qmlir. The numerics contract of DESIGN.md §4 in one place, shared
// by the passes that choose scales and the checks that verify them:
//   q = clamp(round_half_even(x / s) + zp, qmin, qmax),  x' = (q - zp) * s.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_AFFINEQUANT_H
#define QMLIR_QUANT_AFFINEQUANT_H

#include <cstdint>

namespace qmlir::quant {

/// The integer range of a storage type.
struct IntRange {
  int64_t qmin = 0, qmax = 255;
  static IntRange uint8() { return {0, 255}; }
  static IntRange int8() { return {-128, 127}; }
  /// Symmetric int8 leaves -128 out so that -x is representable.
  static IntRange int8Symmetric() { return {-127, 127}; }
};

struct AffineParams {
  float scale = 1.0f;
  int64_t zeroPoint = 0;
  IntRange range;
};

/// Asymmetric parameters covering [rmin, rmax] extended to include 0:
/// s = (rmax - rmin) / (qmax - qmin), zp = clamp(round(qmin - rmin / s)).
/// An empty range (all zeros) gives s = 1 so that 0 maps to zp.
AffineParams asymmetricFromRange(float rmin, float rmax, IntRange range);

/// Symmetric parameters: zp = 0, s = max(|rmin|, |rmax|) / qmax.
AffineParams symmetricFromRange(float rmin, float rmax, IntRange range);

/// Round half to even, as ONNX QuantizeLinear rounds.
float roundHalfEven(float x);

int64_t quantize(float x, const AffineParams &p);
float dequantize(int64_t q, const AffineParams &p);

} // namespace qmlir::quant

#endif // QMLIR_QUANT_AFFINEQUANT_H
