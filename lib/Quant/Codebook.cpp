//===- Codebook.cpp - table-based low-bit formats (NF4, FP4) --------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Quant/Codebook.h"

#include <cmath>

using namespace qmlir;

int64_t quant::nearestCode(llvm::ArrayRef<double> table, double x) {
  int64_t best = 0;
  double bestDistance = INFINITY;
  for (int64_t i = 0, e = table.size(); i < e; ++i) {
    double d = std::fabs(x - table[i]);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}

int64_t quant::encodeInBlock(llvm::ArrayRef<double> table, float x,
                             float absmax) {
  if (absmax == 0.0f)
    return nearestCode(table, 0.0);
  // The division in f32, as bitsandbytes' kernels compute it.
  return nearestCode(table, static_cast<double>(x / absmax));
}
