//===- QuantizeWeights.cpp - the q-quantize-weights pass ------------------===//
//
// Part of qmlir. Weight-only quantization: int8 / int4 weights with one
// scale (and zero point) per block along K, or NF4 codes with one absmax per
// block; activations and accumulation stay f32.
//
//===----------------------------------------------------------------------===//

#include "LinearOpSelection.h"
#include "NodeNames.h"
#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"
#include "qmlir/Quant/AffineQuant.h"
#include "qmlir/Quant/Codebook.h"

#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>

namespace qmlir {
#define GEN_PASS_DEF_QQUANTIZEWEIGHTS
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

/// A weight matrix viewed as N columns of K values: element (k, n) is at
/// `data[k * kStride + n * nStride]`.
struct WeightView {
  const std::vector<float> &data;
  int64_t k, n, kStride, nStride;
  float at(int64_t i, int64_t j) const {
    return data[i * kStride + j * nStride];
  }
  int64_t index(int64_t i, int64_t j) const { return i * kStride + j * nStride; }
};

/// Quantized weights in the layout of the f32 ones, and the per-block
/// parameters in the blocked shape (`[G, N]` or `[N, G]` when K is
/// dimension 1; `[N]` per channel).
struct QuantizedWeight {
  std::vector<int64_t> codes;
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints; // empty when symmetric or a codebook
  SmallVector<int64_t> paramShape;
  int64_t axis = 0;            // the dimension the parameters index
  std::optional<int64_t> block; // nullopt: per channel
};

struct QQuantizeWeightsPass
    : qmlir::impl::QQuantizeWeightsBase<QQuantizeWeightsPass> {
  using Base::Base;

  int64_t group = 0;

  /// The parameter index of block `b` of column `j`.
  int64_t paramIndex(const QuantizedWeight &q, int64_t kAxis, int64_t j,
                     int64_t b, int64_t blocks) const {
    if (!q.block)
      return j;
    return kAxis == 0 ? b * (q.paramShape[1]) + j : j * blocks + b;
  }

  QuantizedWeight quantize(const WeightView &w, int64_t kAxis) const {
    QuantizedWeight q;
    q.codes.assign(w.data.size(), 0);
    int64_t blockLen = group == 0 ? w.k : group;
    int64_t blocks = (w.k + blockLen - 1) / blockLen;
    if (group == 0) {
      q.paramShape = {w.n};
      q.axis = 1 - kAxis;
    } else {
      q.block = group;
      q.axis = kAxis;
      q.paramShape = kAxis == 0 ? SmallVector<int64_t>{blocks, w.n}
                                : SmallVector<int64_t>{w.n, blocks};
    }
    int64_t params = group == 0 ? w.n : blocks * w.n;
    q.scales.assign(params, 1.0f);
    bool codebook = weights == "nf4";
    bool withZp = !codebook && !symmetric;
    if (withZp)
      q.zeroPoints.assign(params, 0);
    ArrayRef<double> table = q::CodebookType::getNamedTable("nf4");
    int64_t qmax = weights == "int8" ? 127 : 7;
    qmlir::quant::IntRange range =
        symmetric ? qmlir::quant::IntRange{-qmax, qmax}
                  : (weights == "int8" ? qmlir::quant::IntRange::uint8()
                                       : qmlir::quant::IntRange{0, 15});
    for (int64_t j = 0; j < w.n; ++j)
      for (int64_t b = 0; b < blocks; ++b) {
        int64_t begin = b * blockLen, end = std::min(w.k, begin + blockLen);
        float lo = 0.0f, hi = 0.0f;
        for (int64_t i = begin; i < end; ++i) {
          lo = std::min(lo, w.at(i, j));
          hi = std::max(hi, w.at(i, j));
        }
        int64_t p = paramIndex(q, kAxis, j, b, blocks);
        if (codebook) {
          float absmax = std::max(-lo, hi);
          q.scales[p] = absmax;
          for (int64_t i = begin; i < end; ++i)
            q.codes[w.index(i, j)] =
                qmlir::quant::encodeInBlock(table, w.at(i, j), absmax);
          continue;
        }
        qmlir::quant::AffineParams ap = symmetric
                                     ? qmlir::quant::symmetricFromRange(lo, hi, range)
                                     : qmlir::quant::asymmetricFromRange(lo, hi, range);
        q.scales[p] = ap.scale;
        if (withZp)
          q.zeroPoints[p] = ap.zeroPoint;
        for (int64_t i = begin; i < end; ++i)
          q.codes[w.index(i, j)] = qmlir::quant::quantize(w.at(i, j), ap);
      }
    return q;
  }

  /// The dequantized replacement of the constant weight `weight` whose
  /// contraction dimension is `kAxis`; null when it is not an f32 constant
  /// matrix.
  Value rewriteWeight(OpBuilder &b, Location loc, Value weight,
                      int64_t kAxis) {
    auto type = dyn_cast<RankedTensorType>(weight.getType());
    if (!type || type.getRank() != 2)
      return Value();
    std::optional<std::vector<float>> data = q::readF32Constant(weight);
    if (!data)
      return Value();
    int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
    WeightView view = kAxis == 0 ? WeightView{*data, rows, cols, cols, 1}
                                 : WeightView{*data, cols, rows, 1, cols};
    QuantizedWeight q = quantize(view, kAxis);
    MLIRContext *ctx = b.getContext();
    auto scaleType = RankedTensorType::get(q.paramShape, b.getF32Type());
    if (weights == "nf4") {
      auto codeType = type.clone(
          IntegerType::get(ctx, 4, IntegerType::Unsigned));
      Value codes = q::buildIntConstant(b, loc, codeType, q.codes,
                                        blobName(loc, ".w_nf4"));
      Value absmax = q::buildF32Constant(b, loc, scaleType, q.scales,
                                         blobName(loc, ".w_absmax"));
      auto codebook = q::CodebookType::getNamed(ctx, "nf4", b.getF32Type(),
                                                *q.block);
      return q::DequantizeCodebookOp::create(b, loc, type, codes, absmax,
                                             b.getI64IntegerAttr(kAxis),
                                             TypeAttr::get(codebook));
    }
    unsigned width = weights == "int8" ? 8 : 4;
    auto intType = IntegerType::get(
        ctx, width,
        symmetric ? IntegerType::Signless : IntegerType::Unsigned);
    Value codes = q::buildIntConstant(b, loc, type.clone(intType), q.codes,
                                      blobName(loc, ".w_q"));
    Value scales = q::buildF32Constant(b, loc, scaleType, q.scales,
                                       blobName(loc, ".w_scale"));
    Value zps;
    if (!q.zeroPoints.empty())
      zps = q::buildIntConstant(b, loc, scaleType.clone(intType), q.zeroPoints,
                                blobName(loc, ".w_zp"));
    IntegerAttr block =
        q.block ? b.getI64IntegerAttr(*q.block) : IntegerAttr();
    return q::DequantizeLinearOp::create(b, loc, type, codes, scales, zps,
                                         b.getI64IntegerAttr(q.axis), block);
  }

  void runOnOperation() override {
    Operation *root = getOperation();
    if (weights != "int8" && weights != "int4" && weights != "nf4") {
      root->emitError("q-quantize-weights: weights must be int8, int4 or "
                      "nf4, not '")
          << weights << "'";
      return signalPassFailure();
    }
    for (const std::string &kind : ops)
      if (kind != "matmul" && kind != "gemm") {
        root->emitError("q-quantize-weights: unknown op kind '")
            << kind << "' in ops (expected matmul or gemm)";
        return signalPassFailure();
      }
    group = groupSize >= 0 ? static_cast<int64_t>(groupSize)
                           : (weights == "nf4" ? 64 : 128);
    if (group == 0 && weights == "nf4") {
      root->emitError("q-quantize-weights: nf4 needs blocks (group-size > 0)");
      return signalPassFailure();
    }
    if (weights == "nf4" && symmetric) {
      root->emitError("q-quantize-weights: symmetric applies to int8 and "
                      "int4, not nf4");
      return signalPassFailure();
    }
    SmallVector<std::string> kinds(ops.begin(), ops.end());
    if (kinds.empty())
      kinds = {"matmul", "gemm"};
    for (Operation *op : selectLinearOps(root, kinds, exclude)) {
      // LoRA branches (q-lora-merge mode=unmerged) stay f32.
      if (op->hasAttr(q::kLoraAdapterAttr))
        continue;
      OpBuilder b(op);
      if (auto mm = dyn_cast<q::MatMulOp>(op)) {
        if (Value w = rewriteWeight(b, op->getLoc(), mm.getRhs(), 0))
          mm.getRhsMutable().set(w);
      } else if (auto gemm = dyn_cast<q::GemmOp>(op)) {
        if (Value w = rewriteWeight(b, op->getLoc(), gemm.getB(),
                                    gemm.getTransB() ? 1 : 0))
          gemm.getBMutable().set(w);
      }
    }
  }
};
} // namespace
