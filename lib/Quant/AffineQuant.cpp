//===- AffineQuant.cpp - affine quantization parameters and rounding ------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Quant/AffineQuant.h"

#include <algorithm>
#include <cmath>

using namespace qmlir::quant;

float qmlir::quant::roundHalfEven(float x) { return std::nearbyintf(x); }

AffineParams qmlir::quant::asymmetricFromRange(float rmin, float rmax,
                                               IntRange range) {
  rmin = std::min(rmin, 0.0f);
  rmax = std::max(rmax, 0.0f);
  AffineParams p;
  p.range = range;
  float span = rmax - rmin;
  if (!(span > 0.0f))
    return p; // scale 1, zero point 0 (qmin when 0 is not representable)
  p.scale = span / static_cast<float>(range.qmax - range.qmin);
  float zp = roundHalfEven(static_cast<float>(range.qmin) - rmin / p.scale);
  p.zeroPoint =
      std::clamp<int64_t>(static_cast<int64_t>(zp), range.qmin, range.qmax);
  return p;
}

AffineParams qmlir::quant::symmetricFromRange(float rmin, float rmax,
                                              IntRange range) {
  AffineParams p;
  p.range = range;
  float absmax = std::max(std::fabs(rmin), std::fabs(rmax));
  if (absmax > 0.0f)
    p.scale = absmax / static_cast<float>(range.qmax);
  return p;
}

int64_t qmlir::quant::quantize(float x, const AffineParams &p) {
  float q = roundHalfEven(x / p.scale) + static_cast<float>(p.zeroPoint);
  q = std::clamp(q, static_cast<float>(p.range.qmin),
                 static_cast<float>(p.range.qmax));
  return static_cast<int64_t>(q);
}

float qmlir::quant::dequantize(int64_t q, const AffineParams &p) {
  return static_cast<float>(q - p.zeroPoint) * p.scale;
}
