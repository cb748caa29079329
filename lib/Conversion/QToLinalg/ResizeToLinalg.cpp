//===- ResizeToLinalg.cpp - q.resize to linalg ----------------------------===//
//
// Part of qmlir. Shapes are static, so where each output element reads from
// and with which weights is computed here, at compile time, following ONNX's
// reference implementation step by step (coordinate transformation, the n
// nearest neighbours in the edge-padded input, coefficients, exclude_outside).
// The tables become constants:
//
// - nearest: one linalg.generic over the output reads the input at the
//   tabulated index of every dimension;
// - linear / cubic: one weighted-sum linalg.generic per resized dimension,
//   innermost first (the reference's nesting), with a reduction loop over
//   the taps.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

/// Where the outputs along one dimension read: for output `o`, taps
/// `o * numTaps ...` give an input index (clamped into the input) and a
/// weight; `outside[o]` marks tf_crop_and_resize outputs past the input,
/// which take the extrapolation value.
struct DimTable {
  int64_t numTaps = 0;
  SmallVector<int64_t> index;
  SmallVector<double> weight;
  SmallVector<bool> outside;
  bool anyOutside = false;

  /// Every output reads the input element at its own position.
  bool isIdentity(int64_t inSize) const {
    int64_t outSize = outside.size();
    if (outSize != inSize || anyOutside)
      return false;
    for (int64_t o = 0; o < outSize; ++o)
      for (int64_t t = 0; t < numTaps; ++t) {
        double w = weight[o * numTaps + t];
        if (w != 0 && (index[o * numTaps + t] != o || w != 1))
          return false;
      }
    return true;
  }
};

struct ResizeParams {
  StringRef mode, coordMode, nearestMode;
  double cubicA;
  bool excludeOutside;
};

/// The input coordinate of output coordinate `x` (ONNX's x_original).
static double sourceCoordinate(StringRef coordMode, double x, double scale,
                               int64_t inSize, double roiStart, double roiEnd) {
  double outWidth = scale * static_cast<double>(inSize);
  double in = static_cast<double>(inSize);
  if (coordMode == "align_corners")
    return outWidth == 1 ? 0.0 : x * (in - 1) / (outWidth - 1);
  if (coordMode == "asymmetric")
    return x / scale;
  if (coordMode == "tf_crop_and_resize") {
    double span = roiEnd - roiStart;
    double xo = outWidth == 1 ? span * (in - 1) / 2
                              : x * span * (in - 1) / (outWidth - 1);
    return xo + roiStart * (in - 1);
  }
  if (coordMode == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  if (coordMode == "tf_half_pixel_for_nn")
    return (x + 0.5) / scale;
  return (x + 0.5) / scale - 0.5; // half_pixel
}

/// The interpolation coefficients at `ratio` in (0, 1].
static SmallVector<double> coefficients(const ResizeParams &p, double ratio,
                                        bool integral) {
  if (p.mode == "nearest") {
    if (integral)
      return {0, 1};
    if (p.nearestMode == "round_prefer_ceil")
      return {double(ratio < 0.5), double(ratio >= 0.5)};
    if (p.nearestMode == "floor")
      return {1, 0};
    if (p.nearestMode == "ceil")
      return {0, 1};
    return {double(ratio <= 0.5), double(ratio > 0.5)}; // round_prefer_floor
  }
  if (p.mode == "linear")
    return {1 - ratio, ratio};
  double a = p.cubicA, r = ratio, s = 1 - ratio;
  return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * s - (a + 3)) * s * s + 1,
          ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
}

/// The `n` indices of [0, limit) nearest to `x`, the smaller one first on a
/// tie, in ascending order.
static SmallVector<int64_t> nearestIndices(double x, int64_t n, int64_t limit) {
  int64_t fl = static_cast<int64_t>(std::floor(x));
  int64_t lo = std::max<int64_t>(0, std::min(fl - n, limit - n));
  int64_t hi = std::min(limit - 1, std::max(fl + n, n - 1));
  SmallVector<int64_t> candidates;
  for (int64_t i = lo; i <= hi; ++i)
    candidates.push_back(i);
  llvm::stable_sort(candidates, [&](int64_t a, int64_t b) {
    double da = std::abs(x - a), db = std::abs(x - b);
    return da < db || (da == db && a < b);
  });
  candidates.resize(std::min<size_t>(candidates.size(), n));
  llvm::sort(candidates);
  return candidates;
}

static DimTable buildDimTable(const ResizeParams &p, int64_t inSize,
                              int64_t outSize, double scale, double roiStart,
                              double roiEnd) {
  DimTable table;
  table.numTaps = p.mode == "cubic" ? 4 : 2;
  for (int64_t o = 0; o < outSize; ++o) {
    double x = sourceCoordinate(p.coordMode, static_cast<double>(o), scale,
                                inSize, roiStart, roiEnd);
    bool outside = p.coordMode == "tf_crop_and_resize" &&
                   (x < 0 || x > static_cast<double>(inSize - 1));
    table.outside.push_back(outside);
    table.anyOutside |= outside;
    double fl = std::floor(x);
    bool integral = x == fl;
    SmallVector<double> coeffs =
        coefficients(p, integral ? 1.0 : x - fl, integral);
    int64_t n = coeffs.size();
    // Neighbours in the input padded by ceil(n / 2) edge elements.
    int64_t pad = (n + 1) / 2;
    SmallVector<int64_t> idx = nearestIndices(x + pad, n, inSize + 2 * pad);
    if (p.excludeOutside) {
      double total = 0;
      for (int64_t t = 0; t < n; ++t) {
        int64_t orig = idx[t] - pad;
        if (orig < 0 || orig >= inSize)
          coeffs[t] = 0;
        total += coeffs[t];
      }
      for (double &c : coeffs)
        c /= total;
    }
    for (int64_t t = 0; t < n; ++t) {
      table.index.push_back(std::clamp<int64_t>(
          idx[t] - pad, 0, std::max<int64_t>(inSize - 1, 0)));
      table.weight.push_back(outside ? 0.0 : coeffs[t]);
    }
  }
  return table;
}

static Value indexConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

static TypedAttr scalarAttr(OpBuilder &b, Type type, double value) {
  if (isa<FloatType>(type))
    return b.getFloatAttr(type, value);
  return b.getIntegerAttr(type, static_cast<int64_t>(value));
}

/// Nearest: out[o...] = input[index_0[o_0], index_1[o_1], ...].
static Value buildNearest(OpBuilder &b, Location loc, Value input,
                          RankedTensorType type, ArrayRef<DimTable> tables,
                          ArrayRef<int64_t> inShape, double extrapolation) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> tableOf(rank, -1);
  for (int64_t d = 0; d < rank; ++d) {
    const DimTable &t = tables[d];
    if (t.isIdentity(inShape[d]))
      continue;
    // The tap with weight 1; -1 for outputs past the input.
    SmallVector<int64_t> picked;
    for (int64_t o = 0, e = t.outside.size(); o < e; ++o) {
      int64_t choice = t.index[o * t.numTaps];
      for (int64_t k = 0; k < t.numTaps; ++k)
        if (t.weight[o * t.numTaps + k] != 0)
          choice = t.index[o * t.numTaps + k];
      picked.push_back(t.outside[o] ? -1 : choice);
    }
    tableOf[d] = inputs.size();
    inputs.push_back(indexConstant(b, loc, type.getDimSize(d), picked));
    maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(d, ctx), ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<Value> src;
               Value outside;
               Value zero = arith::ConstantIndexOp::create(nb, l, 0);
               for (int64_t d = 0; d < rank; ++d) {
                 if (tableOf[d] < 0) {
                   src.push_back(linalg::IndexOp::create(nb, l, d));
                   continue;
                 }
                 Value i = arith::IndexCastOp::create(nb, l, nb.getIndexType(),
                                                      args[tableOf[d]]);
                 if (tables[d].anyOutside) {
                   Value o = arith::CmpIOp::create(
                       nb, l, arith::CmpIPredicate::slt, i, zero);
                   outside =
                       outside ? Value(arith::OrIOp::create(nb, l, outside, o))
                               : o;
                   i = arith::MaxSIOp::create(nb, l, i, zero);
                 }
                 src.push_back(i);
               }
               Value v = tensor::ExtractOp::create(nb, l, input, src);
               if (outside)
                 v = arith::SelectOp::create(
                     nb, l, outside,
                     arith::ConstantOp::create(
                         nb, l, scalarAttr(nb, v.getType(), extrapolation)),
                     v);
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

/// One linear/cubic pass along dimension `dim`: out[..., o, ...] =
/// sum_t weight[o, t] * input[..., index[o, t], ...], or the extrapolation
/// value where the table marks the output as outside.
static Value buildInterpolationPass(OpBuilder &b, Location loc, Value input,
                                    int64_t dim, int64_t outSize,
                                    const DimTable &t, double extrapolation) {
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  Type elem = inType.getElementType();
  int64_t rank = inType.getRank();
  SmallVector<int64_t> shape(inType.getShape());
  shape[dim] = outSize;
  auto type = RankedTensorType::get(shape, elem);
  int64_t taps = t.numTaps;

  // The accumulator starts at the extrapolation value where outside (the
  // weights are zero there) and at zero elsewhere.
  Value init;
  AffineMap dimMap = AffineMap::get(rank, 0, getAffineDimExpr(dim, ctx), ctx);
  if (t.anyOutside) {
    SmallVector<Attribute> bias;
    for (bool o : t.outside)
      bias.push_back(b.getFloatAttr(elem, o ? extrapolation : 0.0));
    Value biasTable = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({outSize}, elem), bias));
    Value empty = tensor::EmptyOp::create(b, loc, shape, elem);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    init =
        linalg::GenericOp::create(
            b, loc, type, biasTable, empty,
            ArrayRef<AffineMap>{dimMap, b.getMultiDimIdentityMap(rank)}, iters,
            [](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(nb, l, args[0]);
            })
            .getResult(0);
  } else {
    init = buildFilled(b, loc, type, b.getZeroAttr(elem));
  }

  SmallVector<Attribute> weights;
  for (double w : t.weight)
    weights.push_back(b.getFloatAttr(elem, w));
  Value weightTable = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({outSize, taps}, elem),
                             weights));
  Value indexTable = indexConstant(b, loc, {outSize, taps}, t.index);
  // Loops: the output dimensions, then the taps.
  AffineMap tableMap = AffineMap::get(
      rank + 1, 0, {getAffineDimExpr(dim, ctx), getAffineDimExpr(rank, ctx)},
      ctx);
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  AffineMap outMap = AffineMap::get(rank + 1, 0, outExprs, ctx);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{indexTable, weightTable}, init,
             ArrayRef<AffineMap>{tableMap, tableMap, outMap}, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<Value> src;
               for (int64_t d = 0; d < rank; ++d)
                 src.push_back(linalg::IndexOp::create(nb, l, d));
               src[dim] = arith::IndexCastOp::create(nb, l, nb.getIndexType(),
                                                     args[0]);
               Value x = tensor::ExtractOp::create(nb, l, input, src);
               Value wx = arith::MulFOp::create(nb, l, args[1], x);
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddFOp::create(nb, l, args[2], wx).getResult());
             })
      .getResult(0);
}

struct ResizeLowering : OpConversionPattern<q::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    if (type.getNumElements() == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(),
                                                   type.getElementType());
      return success();
    }
    ResizeParams p{op.getMode(), op.getCoordinateTransformationMode(),
                   op.getNearestMode(), op.getCubicCoeffA().convertToDouble(),
                   op.getExcludeOutside()};
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    int64_t rank = type.getRank();
    ArrayRef<double> scales = op.getScales();
    std::optional<ArrayRef<double>> roi = op.getRoi();
    SmallVector<DimTable> tables;
    for (int64_t d = 0; d < rank; ++d)
      tables.push_back(buildDimTable(p, inShape[d], type.getDimSize(d),
                                     scales[d], roi ? (*roi)[d] : 0.0,
                                     roi ? (*roi)[rank + d] : 1.0));
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    Value result = adaptor.getInput();
    if (p.mode == "nearest") {
      result = buildNearest(rewriter, loc, result, type, tables, inShape,
                            extrapolation);
    } else {
      for (int64_t d = rank - 1; d >= 0; --d)
        if (!tables[d].isIdentity(inShape[d]))
          result = buildInterpolationPass(rewriter, loc, result, d,
                                          type.getDimSize(d), tables[d],
                                          extrapolation);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qmlir::lowering::populateResizePatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(converter, patterns.getContext());
}
