//===- LinearToLinalg.cpp - matmul, gemm and convolutions to linalg -------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Conversion/QToLinalg/PackedInt8.h"
#include "qmlir/Conversion/QToLinalg/WeightOnly.h"
#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

static SmallVector<utils::IteratorType> iterators(int64_t parallel,
                                                  int64_t reduction) {
  SmallVector<utils::IteratorType> iters(parallel,
                                         utils::IteratorType::parallel);
  iters.append(reduction, utils::IteratorType::reduction);
  return iters;
}

static void multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  Value sum;
  if (isa<FloatType>(args[2].getType())) {
    Value prod = arith::MulFOp::create(b, loc, args[0], args[1]);
    sum = arith::AddFOp::create(b, loc, args[2], prod);
  } else {
    // Integer forms accumulate in i32 (operands already extended).
    Value prod = arith::MulIOp::create(b, loc, args[0], args[1]);
    sum = arith::AddIOp::create(b, loc, args[2], prod);
  }
  linalg::YieldOp::create(b, loc, sum);
}

/// Numpy matmul of `lhs` and `rhs` (same element type as `type`, f* or the
/// i32 of the integer forms) into a zero-initialized `type`.
static Value buildMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  Type elem = type.getElementType();
  Value zero = buildFilled(b, loc, type, b.getZeroAttr(elem));
  ArrayRef<int64_t> a = cast<RankedTensorType>(lhs.getType()).getShape();
  ArrayRef<int64_t> bShape = cast<RankedTensorType>(rhs.getType()).getShape();
  if (a.size() == 2 && bShape.size() == 2)
    return linalg::MatmulOp::create(b, loc, ValueRange{lhs, rhs}, zero)
        .getResult(0);
  // [B..., M, K] x [K, N]: one matmul over the rows of all batches; the
  // same batch dims on both sides: one batch_matmul. Named ops are what the
  // CPU kernels recognize.
  int64_t outRank = type.getRank();
  if (a.size() > 2 && bShape.size() == 2) {
    int64_t rows = 1;
    for (int64_t d : a.drop_back())
      rows *= d;
    SmallVector<ReassociationIndices> lhsRe(1), outRe(1);
    for (int64_t i = 0; i + 1 < static_cast<int64_t>(a.size()); ++i)
      lhsRe[0].push_back(i);
    lhsRe.push_back({static_cast<int64_t>(a.size()) - 1});
    for (int64_t i = 0; i + 1 < outRank; ++i)
      outRe[0].push_back(i);
    outRe.push_back({outRank - 1});
    Value lhs2 = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({rows, a.back()}, elem), lhs, lhsRe);
    auto out2Type = RankedTensorType::get({rows, bShape[1]}, elem);
    Value zero2 = buildFilled(b, loc, out2Type, b.getZeroAttr(elem));
    Value mm =
        linalg::MatmulOp::create(b, loc, ValueRange{lhs2, rhs}, zero2)
            .getResult(0);
    return tensor::ExpandShapeOp::create(b, loc, type, mm, outRe);
  }
  if (a.size() > 2 && a.size() == bShape.size() &&
      a.drop_back(2) == bShape.drop_back(2)) {
    int64_t batchSize = 1;
    for (int64_t d : a.drop_back(2))
      batchSize *= d;
    int64_t rank = a.size();
    SmallVector<ReassociationIndices> re(1);
    for (int64_t i = 0; i < rank - 2; ++i)
      re[0].push_back(i);
    re.push_back({rank - 2});
    re.push_back({rank - 1});
    auto collapse = [&](Value v, ArrayRef<int64_t> s) -> Value {
      return tensor::CollapseShapeOp::create(
          b, loc,
          RankedTensorType::get({batchSize, s[rank - 2], s[rank - 1]}, elem),
          v, re);
    };
    ArrayRef<int64_t> o = type.getShape();
    auto out3Type =
        RankedTensorType::get({batchSize, o[rank - 2], o[rank - 1]}, elem);
    Value zero3 = buildFilled(b, loc, out3Type, b.getZeroAttr(elem));
    Value mm = linalg::BatchMatmulOp::create(
                   b, loc, ValueRange{collapse(lhs, a), collapse(rhs, bShape)},
                   zero3)
                   .getResult(0);
    return tensor::ExpandShapeOp::create(b, loc, type, mm, re);
  }
  // General numpy matmul as one contraction: loops (batch..., m?, n?, k).
  bool aVec = a.size() == 1, bVec = bShape.size() == 1;
  int64_t batch = type.getRank() - (aVec ? 0 : 1) - (bVec ? 0 : 1);
  int64_t nLoops = batch + (aVec ? 0 : 1) + (bVec ? 0 : 1) + 1;
  int64_t mDim = batch, nDim = batch + (aVec ? 0 : 1), kDim = nLoops - 1;
  ArrayRef<int64_t> outShape = type.getShape();
  auto batchExprs = [&](ArrayRef<int64_t> opBatch) {
    SmallVector<AffineExpr> exprs;
    int64_t off = batch - static_cast<int64_t>(opBatch.size());
    for (auto [i, s] : llvm::enumerate(opBatch)) {
      int64_t d = off + static_cast<int64_t>(i);
      exprs.push_back(s == 1 && outShape[d] != 1 ? getAffineConstantExpr(0, ctx)
                                                 : getAffineDimExpr(d, ctx));
    }
    return exprs;
  };
  SmallVector<AffineExpr> aExprs =
      batchExprs(aVec ? ArrayRef<int64_t>() : a.drop_back(2));
  if (!aVec)
    aExprs.push_back(getAffineDimExpr(mDim, ctx));
  aExprs.push_back(getAffineDimExpr(kDim, ctx));
  SmallVector<AffineExpr> bExprs =
      batchExprs(bVec ? ArrayRef<int64_t>() : bShape.drop_back(2));
  bExprs.push_back(getAffineDimExpr(kDim, ctx));
  if (!bVec)
    bExprs.push_back(getAffineDimExpr(nDim, ctx));
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < nLoops - 1; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(nLoops, 0, aExprs, ctx),
                                 AffineMap::get(nLoops, 0, bExprs, ctx),
                                 AffineMap::get(nLoops, 0, outExprs, ctx)};
  return linalg::GenericOp::create(b, loc, type, ValueRange{lhs, rhs}, zero,
                                   maps, iterators(nLoops - 1, 1),
                                   multiplyAccumulate)
      .getResult(0);
}

/// A weight read through a dequantization of constants, as the weight-only
/// kernels take it: unsigned codes [N, K] row-major, f32 scales and zero
/// points (empty: none) [N, ceil(K/group)], a codebook table (empty: the
/// codes are the values).
struct WeightOnlyWeight {
  int64_t n = 0, k = 0, bits = 4, group = 0;
  std::vector<int64_t> codes;
  std::vector<float> scales, zeroPoints;
  SmallVector<float> table;
  std::string name;
};

/// The blob name a q constant derives its packed copies' names from.
static std::string blobNameOf(Value v, StringRef fallback) {
  if (auto cst = v.getDefiningOp<q::ConstantOp>())
    if (auto res = dyn_cast<DenseResourceElementsAttr>(cst.getValue()))
      return res.getRawHandle().getKey().str();
  return fallback.str();
}

/// `weight` (a matmul's B: [K, N], or [N, K] when `transposed`) when it is
/// a q.dequantize_linear of constant 4- or 8-bit codes per block along K,
/// per output channel or per tensor, or a q.dequantize_codebook along K.
static std::optional<WeightOnlyWeight> readWeightOnly(Value weight,
                                                      bool transposed) {
  auto type = dyn_cast<RankedTensorType>(weight.getType());
  if (!type || type.getRank() != 2 || !type.getElementType().isF32())
    return std::nullopt;
  WeightOnlyWeight w;
  int64_t kAxis = transposed ? 1 : 0;
  w.k = type.getDimSize(kAxis);
  w.n = type.getDimSize(1 - kAxis);
  std::optional<std::vector<int64_t>> codes;
  std::optional<std::vector<float>> scales;
  std::optional<std::vector<int64_t>> zps;
  int64_t offset = 0; // added to codes (and zero points) to make them unsigned
  bool perChannel = false, perTensor = false;
  if (auto dq = weight.getDefiningOp<q::DequantizeLinearOp>()) {
    Type elem = dq.getInput().getType().getElementType();
    unsigned width = elem.getIntOrFloatBitWidth();
    if (width != 4 && width != 8)
      return std::nullopt;
    w.bits = width;
    if (!elem.isUnsignedInteger())
      offset = int64_t(1) << (width - 1);
    codes = q::readIntConstant(dq.getInput());
    scales = q::readF32Constant(dq.getScale());
    if (dq.getZeroPoint()) {
      zps = q::readIntConstant(dq.getZeroPoint());
      if (!zps)
        return std::nullopt;
    }
    int64_t scaleCount = cast<RankedTensorType>(dq.getScale().getType())
                             .getNumElements();
    if (std::optional<uint64_t> block = dq.getBlockSize()) {
      if (dq.getAxis() != static_cast<uint64_t>(kAxis))
        return std::nullopt;
      w.group = *block;
    } else if (scaleCount == 1) {
      perTensor = true;
      w.group = w.k;
    } else if (dq.getAxis() == static_cast<uint64_t>(1 - kAxis)) {
      perChannel = true;
      w.group = w.k;
    } else {
      return std::nullopt;
    }
    w.name = blobNameOf(dq.getInput(), "weight");
  } else if (auto cb = weight.getDefiningOp<q::DequantizeCodebookOp>()) {
    auto codebook = cast<q::CodebookType>(cb.getCodebook());
    if (cb.getAxis() != static_cast<uint64_t>(kAxis) ||
        codebook.getStorageType().getWidth() != 4)
      return std::nullopt;
    w.bits = 4;
    w.group = codebook.getBlockSize();
    for (double v : codebook.getValues())
      w.table.push_back(static_cast<float>(v));
    codes = q::readIntConstant(cb.getCodes());
    scales = q::readF32Constant(cb.getAbsmax());
    w.name = blobNameOf(cb.getCodes(), "weight");
  } else {
    return std::nullopt;
  }
  if (!codes || !scales)
    return std::nullopt;
  int64_t groups = llvm::divideCeil(w.k, w.group);
  // Codes as [N, K]; parameters as [N, groups].
  w.codes.assign(w.n * w.k, 0);
  for (int64_t i = 0; i < w.k; ++i)
    for (int64_t j = 0; j < w.n; ++j)
      w.codes[j * w.k + i] =
          (*codes)[transposed ? j * w.k + i : i * w.n + j] + offset;
  auto paramAt = [&](int64_t j, int64_t g) -> int64_t {
    if (perTensor)
      return 0;
    if (perChannel)
      return j;
    return transposed ? j * groups + g : g * w.n + j;
  };
  w.scales.assign(w.n * groups, 0.0f);
  bool anyZp = offset != 0 || (zps && llvm::any_of(*zps, [](int64_t v) {
                                 return v != 0;
                               }));
  if (anyZp)
    w.zeroPoints.assign(w.n * groups, 0.0f);
  for (int64_t j = 0; j < w.n; ++j)
    for (int64_t g = 0; g < groups; ++g) {
      w.scales[j * groups + g] = (*scales)[paramAt(j, g)];
      if (anyZp)
        w.zeroPoints[j * groups + g] = static_cast<float>(
            (zps ? (*zps)[zps->size() == 1 ? 0 : paramAt(j, g)] : 0) +
            offset);
    }
  return w;
}

/// lhs [..., K] times the weight-only `weight` into `type` ([..., N]) on
/// the weight-only kernels (WeightOnly.h); failure when `weight` is not one.
static FailureOr<Value> buildWeightOnlyProduct(OpBuilder &b, Location loc,
                                               Value lhs, Value weight,
                                               bool transposed,
                                               RankedTensorType type) {
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  if (!lhsType || lhsType.getRank() < 2 || !lhsType.hasStaticShape() ||
      !type.getElementType().isF32())
    return failure();
  std::optional<WeightOnlyWeight> w = readWeightOnly(weight, transposed);
  if (!w || lhsType.getShape().back() != w->k)
    return failure();
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  int64_t groups = llvm::divideCeil(w->k, w->group);
  int64_t m = lhsType.getNumElements() / w->k;
  Value packed = q::buildIntConstant(
      b, loc,
      RankedTensorType::get(weightOnlyPackedShape(w->bits, w->k, w->n), i8),
      llvm::to_vector_of<int64_t>(
          packWeightOnly(w->codes, w->bits, w->k, w->n)),
      w->name + "_packed");
  auto paramType = RankedTensorType::get({w->n, groups}, f32);
  Value scale =
      q::buildF32Constant(b, loc, paramType, w->scales, w->name + "_scales");
  Value zp;
  if (!w->zeroPoints.empty())
    zp = q::buildF32Constant(b, loc, paramType, w->zeroPoints,
                             w->name + "_zero_points");
  Value a = lhs;
  if (lhsType.getRank() > 2)
    a = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({m, w->k}, f32), a,
        SmallVector<ReassociationIndices>{
            llvm::to_vector(llvm::seq<int64_t>(0, lhsType.getRank() - 1)),
            {lhsType.getRank() - 1}});
  auto outType = RankedTensorType::get({m, w->n}, f32);
  Value acc = buildWeightOnlyMatmul(
      b, loc, a, packed, scale, zp, w->table, w->bits, w->group,
      buildFilled(b, loc, outType, b.getF32FloatAttr(0.0f)));
  if (type.getRank() > 2)
    return Value(tensor::ExpandShapeOp::create(
        b, loc, type, acc,
        SmallVector<ReassociationIndices>{
            llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1)),
            {type.getRank() - 1}}));
  return acc;
}

struct MatMulLowering : OpConversionPattern<q::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Value> weightOnly =
        buildWeightOnlyProduct(rewriter, op.getLoc(), adaptor.getLhs(),
                               op.getRhs(), /*transposed=*/false, op.getType());
    if (succeeded(weightOnly)) {
      rewriter.replaceOp(op, *weightOnly);
      return success();
    }
    rewriter.replaceOp(op, buildMatmul(rewriter, op.getLoc(), adaptor.getLhs(),
                                       adaptor.getRhs(), op.getType()));
    return success();
  }
};

struct GemmLowering : OpConversionPattern<q::GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getType();
    Type elem = type.getElementType();
    Value zero = buildFilled(rewriter, loc, type, rewriter.getZeroAttr(elem));
    Value product;
    FailureOr<Value> weightOnly =
        op.getTransA()
            ? FailureOr<Value>(failure())
            : buildWeightOnlyProduct(rewriter, loc, adaptor.getA(), op.getB(),
                                     op.getTransB(), type);
    if (succeeded(weightOnly)) {
      product = *weightOnly;
    } else if (!op.getTransA() && !op.getTransB()) {
      product = linalg::MatmulOp::create(
                    rewriter, loc,
                    ValueRange{adaptor.getA(), adaptor.getB()}, zero)
                    .getResult(0);
    } else {
      AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
                 k = getAffineDimExpr(2, ctx);
      AffineMap aMap = AffineMap::get(
          3, 0, op.getTransA() ? ArrayRef<AffineExpr>{k, m} : ArrayRef<AffineExpr>{m, k},
          ctx);
      AffineMap bMap = AffineMap::get(
          3, 0, op.getTransB() ? ArrayRef<AffineExpr>{n, k} : ArrayRef<AffineExpr>{k, n},
          ctx);
      AffineMap outMap = AffineMap::get(3, 0, {m, n}, ctx);
      product = linalg::GenericOp::create(
                    rewriter, loc, type,
                    ValueRange{adaptor.getA(), adaptor.getB()}, zero,
                    ArrayRef<AffineMap>{aMap, bMap, outMap}, iterators(2, 1),
                    multiplyAccumulate)
                    .getResult(0);
    }
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    bool useC = adaptor.getC() && beta != 0.0;
    if (alpha == 1.0 && !useC) {
      rewriter.replaceOp(op, product);
      return success();
    }
    SmallVector<Value> inputs = {product};
    if (useC)
      inputs.push_back(adaptor.getC());
    Value result = buildElementwise(
        rewriter, loc, type, inputs,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = args[0];
          if (alpha != 1.0)
            v = arith::MulFOp::create(b, l, v,
                                      scalarConstant(b, l, elem, alpha));
          if (useC) {
            Value c = args[1];
            if (beta != 1.0)
              c = arith::MulFOp::create(b, l, c,
                                        scalarConstant(b, l, elem, beta));
            v = arith::AddFOp::create(b, l, v, c);
          }
          return v;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Convolution of an already padded `input` ([N, C, D...]) with `weight`
/// ([M, C / group, K...]) into `outType`, starting from `bias` ([M]) when
/// given; f* or, for the integer forms, i32 throughout. With
/// `transposedWeight` the weight has ConvTranspose's layout
/// ([C, M / group, K...]) and is read with its kernel flipped.
static Value buildConv(OpBuilder &b, Location loc, Value input, Value weight,
                       Value bias, RankedTensorType outType,
                       ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                       int64_t group, bool transposedWeight = false) {
  MLIRContext *ctx = b.getContext();
  Type elem = outType.getElementType();
  int64_t spatial = outType.getRank() - 2;
  auto wType = cast<RankedTensorType>(weight.getType());
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t n = inType.getDimSize(0);
  int64_t m = outType.getDimSize(1), cg = inType.getDimSize(1) / group;
  int64_t mg = m / group;

  // Accumulator initialized with the bias (broadcast over N and space).
  auto initFor = [&](RankedTensorType accType, int64_t chanDims) -> Value {
    if (!bias)
      return buildFilled(b, loc, accType, b.getZeroAttr(elem));
    Value biasView = bias;
    int64_t accRank = accType.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < chanDims; ++i)
      exprs.push_back(getAffineDimExpr(1 + i, ctx));
    if (chanDims == 2) // bias [M] viewed as [G, M/G].
      biasView = tensor::ExpandShapeOp::create(
          b, loc, RankedTensorType::get({group, mg}, elem), bias,
          SmallVector<ReassociationIndices>{{0, 1}});
    AffineMap bmap = AffineMap::get(accRank, 0, exprs, ctx);
    Value empty = tensor::EmptyOp::create(b, loc, accType.getShape(), elem);
    SmallVector<utils::IteratorType> iters(accRank,
                                           utils::IteratorType::parallel);
    return linalg::GenericOp::create(
               b, loc, accType, biasView, empty,
               ArrayRef<AffineMap>{bmap, b.getMultiDimIdentityMap(accRank)},
               iters,
               [](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(nb, l, args[0]);
               })
        .getResult(0);
  };

  if (spatial == 2 && group == 1 && !transposedWeight) {
    Value init = initFor(outType, 1);
    return linalg::Conv2DNchwFchwOp::create(
               b, loc, outType, ValueRange{input, weight}, init,
               b.getI64TensorAttr(strides), b.getI64TensorAttr(dilations))
        .getResult(0);
  }
  // Depthwise (one filter per channel): the named op, which the CPU
  // kernels recognize; weight [C, 1, KH, KW] viewed as [C, KH, KW].
  if (spatial == 2 && group == inType.getDimSize(1) && mg == 1 && cg == 1 &&
      !transposedWeight) {
    Value init = initFor(outType, 1);
    Value w3 = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({m, kernel[0], kernel[1]}, elem),
        weight, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
    return linalg::DepthwiseConv2DNchwChwOp::create(
               b, loc, outType, ValueRange{input, w3}, init,
               b.getI64TensorAttr(strides), b.getI64TensorAttr(dilations))
        .getResult(0);
  }

  // General N-d grouped convolution as one linalg.generic over
  // (n, g, mg, o1..od, cg, k1..kd) on [N, G, Cg, D...] input,
  // [G, Mg, Cg, K...] weight ([G, Cg, Mg, K...] transposed) and
  // [N, G, Mg, O...] output.
  SmallVector<int64_t> inShape = {n, group, cg};
  llvm::append_range(inShape, inType.getShape().drop_front(2));
  SmallVector<ReassociationIndices> inReassoc = {{0}, {1, 2}};
  for (int64_t i = 0; i < spatial; ++i)
    inReassoc.push_back({3 + i});
  Value in5 = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(inShape, elem), input, inReassoc);
  SmallVector<int64_t> wShape = {group, transposedWeight ? cg : mg,
                                 transposedWeight ? mg : cg};
  llvm::append_range(wShape, kernel);
  SmallVector<ReassociationIndices> wReassoc = {{0, 1}, {2}};
  for (int64_t i = 0; i < spatial; ++i)
    wReassoc.push_back({3 + i});
  Value w5 = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(wShape, elem), weight, wReassoc);
  SmallVector<int64_t> accShape = {n, group, mg};
  llvm::append_range(accShape, outType.getShape().drop_front(2));
  auto accType = RankedTensorType::get(accShape, elem);
  Value init = initFor(accType, 2);

  int64_t nLoops = 3 + 2 * spatial + 1;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  int64_t oBase = 3, cgDim = 3 + spatial, kBase = 4 + spatial;
  SmallVector<AffineExpr> inExprs = {d(0), d(1), d(cgDim)};
  SmallVector<AffineExpr> wExprs = {d(1), d(2), d(cgDim)};
  if (transposedWeight)
    std::swap(wExprs[1], wExprs[2]);
  SmallVector<AffineExpr> outExprs = {d(0), d(1), d(2)};
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(d(oBase + i) * strides[i] + d(kBase + i) * dilations[i]);
    wExprs.push_back(transposedWeight ? kernel[i] - 1 - d(kBase + i)
                                      : d(kBase + i));
    outExprs.push_back(d(oBase + i));
  }
  SmallVector<Value> inputs = {in5, w5};
  SmallVector<AffineMap> maps = {AffineMap::get(nLoops, 0, inExprs, ctx),
                                 AffineMap::get(nLoops, 0, wExprs, ctx)};
  if (transposedWeight) {
    // The flipped kernel index says nothing of the loop's range: a window
    // operand (as for pooling) gives it.
    SmallVector<AffineExpr> winExprs;
    for (int64_t i = 0; i < spatial; ++i)
      winExprs.push_back(d(kBase + i));
    inputs.push_back(tensor::EmptyOp::create(b, loc, kernel, elem));
    maps.push_back(AffineMap::get(nLoops, 0, winExprs, ctx));
  }
  maps.push_back(AffineMap::get(nLoops, 0, outExprs, ctx));
  Value acc = linalg::GenericOp::create(
                  b, loc, accType, inputs, init, maps,
                  iterators(3 + spatial, 1 + spatial),
                  [](OpBuilder &nb, Location l, ValueRange args) {
                    multiplyAccumulate(nb, l, {args[0], args[1], args.back()});
                  })
                  .getResult(0);
  SmallVector<ReassociationIndices> outReassoc = {{0}, {1, 2}};
  for (int64_t i = 0; i < spatial; ++i)
    outReassoc.push_back({3 + i});
  return tensor::CollapseShapeOp::create(b, loc, outType, acc, outReassoc);
}

struct ConvLowering : OpConversionPattern<q::ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = op.getType();
    int64_t spatial = outType.getRank() - 2;
    ArrayRef<int64_t> pads = op.getPads();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(),
                             pads.take_front(spatial), pads.drop_front(spatial),
                             rewriter.getZeroAttr(outType.getElementType()));
    rewriter.replaceOp(op,
                       buildConv(rewriter, loc, input, adaptor.getWeight(),
                                 adaptor.getBias(), outType, op.getStrides(),
                                 op.getDilations(), op.getGroup()));
    return success();
  }
};

/// A transposed convolution is the convolution, with stride 1, of the input
/// spread out by the strides (stride - 1 zeros between elements) and padded
/// by dilation * (K - 1) on both sides (+ output_padding at the end), with
/// the kernel flipped and its channel dimensions swapped per group (read so
/// by the convolution's indexing map); the pads then crop the start and the
/// end of that full output.
struct ConvTransposeLowering : OpConversionPattern<q::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = op.getType();
    Type elem = outType.getElementType();
    int64_t spatial = outType.getRank() - 2;
    auto inType = op.getInput().getType();
    auto wType = op.getWeight().getType();
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(), outPad = op.getOutputPadding();
    ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);

    // Kernel equal to the stride (upsampling, as in segmentation heads):
    // every output pixel gets exactly one tap, so the output interleaves
    // KH x KW 1x1 convolutions of the input, one per tap, each a matmul.
    if (spatial == 2 && op.getGroup() == 1 && kernel == strides &&
        llvm::all_of(dilations, [](int64_t d) { return d == 1; }) &&
        llvm::all_of(outPad, [](int64_t p) { return p == 0; })) {
      MLIRContext *ctx = rewriter.getContext();
      int64_t n = inType.getDimSize(0), c = inType.getDimSize(1),
              m = outType.getDimSize(1), ih = inType.getDimSize(2),
              iw = inType.getDimSize(3);
      auto tapType = RankedTensorType::get({n, m, ih, iw}, elem);
      Value full = tensor::EmptyOp::create(
          rewriter, loc,
          SmallVector<int64_t>{n, m, ih * strides[0], iw * strides[1]}, elem);
      auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
      auto k = [&](int64_t v) { return getAffineConstantExpr(v, ctx); };
      for (int64_t py = 0; py < kernel[0]; ++py) {
        for (int64_t px = 0; px < kernel[1]; ++px) {
          // Weight [C, M, KH, KW] at tap (py, px) as a [M, C, 1, 1] filter.
          auto wTapType = RankedTensorType::get({m, c, 1, 1}, elem);
          Value wTap =
              linalg::GenericOp::create(
                  rewriter, loc, wTapType, adaptor.getWeight(),
                  ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                                     wTapType.getShape(), elem)},
                  ArrayRef<AffineMap>{
                      AffineMap::get(4, 0, {d(1), d(0), k(py), k(px)}, ctx),
                      rewriter.getMultiDimIdentityMap(4)},
                  SmallVector<utils::IteratorType>(
                      4, utils::IteratorType::parallel),
                  [](OpBuilder &nb, Location l, ValueRange args) {
                    linalg::YieldOp::create(nb, l, args[0]);
                  })
                  .getResult(0);
          Value tap = buildConv(rewriter, loc, adaptor.getInput(), wTap,
                                adaptor.getBias(), tapType, {1, 1}, {1, 1},
                                /*group=*/1);
          SmallVector<OpFoldResult> offsets = {
              rewriter.getIndexAttr(0), rewriter.getIndexAttr(0),
              rewriter.getIndexAttr(py), rewriter.getIndexAttr(px)};
          SmallVector<OpFoldResult> sizes, steps = {
                                               rewriter.getIndexAttr(1),
                                               rewriter.getIndexAttr(1),
                                               rewriter.getIndexAttr(strides[0]),
                                               rewriter.getIndexAttr(strides[1])};
          for (int64_t size : tapType.getShape())
            sizes.push_back(rewriter.getIndexAttr(size));
          full = tensor::InsertSliceOp::create(rewriter, loc, tap, full,
                                               offsets, sizes, steps);
        }
      }
      SmallVector<OpFoldResult> offsets = {
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(0),
          rewriter.getIndexAttr(pads[0]), rewriter.getIndexAttr(pads[1])};
      SmallVector<OpFoldResult> sizes,
          ones(4, rewriter.getIndexAttr(1));
      for (int64_t size : outType.getShape())
        sizes.push_back(rewriter.getIndexAttr(size));
      rewriter.replaceOp(op, tensor::ExtractSliceOp::create(
                                 rewriter, loc, outType, full, offsets, sizes,
                                 ones));
      return success();
    }

    // The spread input inside its full padding, then the window of it that
    // the cropped output reads.
    SmallVector<int64_t> fullShape(inType.getShape().take_front(2));
    SmallVector<OpFoldResult> insertOffsets(2, rewriter.getIndexAttr(0)),
        insertSizes, insertStrides(2, rewriter.getIndexAttr(1)),
        cropOffsets(2, rewriter.getIndexAttr(0)), cropSizes,
        cropStrides(2 + spatial, rewriter.getIndexAttr(1));
    for (int64_t size : inType.getShape())
      insertSizes.push_back(rewriter.getIndexAttr(size));
    cropSizes.push_back(rewriter.getIndexAttr(inType.getDimSize(0)));
    cropSizes.push_back(rewriter.getIndexAttr(inType.getDimSize(1)));
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t edge = dilations[i] * (kernel[i] - 1);
      fullShape.push_back((inType.getDimSize(2 + i) - 1) * strides[i] + 1 +
                          2 * edge + outPad[i]);
      insertOffsets.push_back(rewriter.getIndexAttr(edge));
      insertStrides.push_back(rewriter.getIndexAttr(strides[i]));
      cropOffsets.push_back(rewriter.getIndexAttr(pads[i]));
      cropSizes.push_back(
          rewriter.getIndexAttr(outType.getDimSize(2 + i) + edge));
    }
    Value zeros =
        buildFilled(rewriter, loc, RankedTensorType::get(fullShape, elem),
                    rewriter.getZeroAttr(elem));
    Value spread = tensor::InsertSliceOp::create(
        rewriter, loc, adaptor.getInput(), zeros, insertOffsets, insertSizes,
        insertStrides);
    Value window = tensor::ExtractSliceOp::create(
        rewriter, loc, spread, cropOffsets, cropSizes, cropStrides);
    SmallVector<int64_t> ones(spatial, 1);
    rewriter.replaceOp(op, buildConv(rewriter, loc, window, adaptor.getWeight(),
                                     adaptor.getBias(), outType, ones,
                                     dilations, op.getGroup(),
                                     /*transposedWeight=*/true));
    return success();
  }
};

/// `x - zp` as i32, x extended by its q-level signedness, with `zp` (same
/// element type, one element or one per index of dimension `axis` of x)
/// null for 0.
static Value subtractZeroPoint(OpBuilder &b, Location loc, Value x, Value zp,
                               int64_t axis, bool isUnsigned) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  Type i32 = b.getI32Type();
  auto extend = [&](OpBuilder &nb, Location l, Value v) -> Value {
    if (isUnsigned)
      return arith::ExtUIOp::create(nb, l, i32, v);
    return arith::ExtSIOp::create(nb, l, i32, v);
  };
  SmallVector<Value> inputs = {x};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (zp) {
    auto zpType = cast<RankedTensorType>(zp.getType());
    SmallVector<AffineExpr> exprs;
    if (zpType.getRank() == 1)
      exprs.push_back(zpType.getNumElements() == 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(axis, ctx));
    inputs.push_back(zp);
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto resultType = RankedTensorType::get(type.getShape(), i32);
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), i32);
  return linalg::GenericOp::create(
             b, loc, resultType, inputs, init, maps, iterators(rank, 0),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v = extend(nb, l, args[0]);
               if (args.size() == 3)
                 v = arith::SubIOp::create(nb, l, v, extend(nb, l, args[1]));
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

/// A zero point (`zp`: one element, or one per index of `axis` of a
/// rank-`rank` iteration space), as an input of a linalg.generic over it.
static AffineMap zeroPointMap(MLIRContext *ctx, Value zp, int64_t rank,
                              int64_t axis) {
  auto type = cast<RankedTensorType>(zp.getType());
  if (type.getRank() == 0)
    return AffineMap::get(rank, 0, {}, ctx);
  return AffineMap::get(rank, 0,
                        type.getNumElements() == 1 && type.getDimSize(0) == 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(axis, ctx));
}

/// An i8 value as its q-level integer, in i32.
static Value extendI8(OpBuilder &b, Location loc, Value v, bool isUnsigned) {
  Type i32 = b.getI32Type();
  if (isUnsigned)
    return arith::ExtUIOp::create(b, loc, i32, v);
  return arith::ExtSIOp::create(b, loc, i32, v);
}

/// The zero points of a packed int8 contraction and what their terms need.
/// With a' the activation as u8 (a signed one plus 128, by flipping its
/// sign bit) and w' the weight as s8 (an unsigned one minus 128), za' and
/// zw' their zero points moved alike:
///   sum_k (a - za)(w - zw) = sum_k a'w' - za' wsum - zw' asum + K za' zw'
/// exactly, in i32 arithmetic as the generic lowering's; wsum (the
/// weight's sums over k, known at compile time) is needed when za' != 0,
/// asum (the activation's, computed at run time) when zw' != 0.
struct ZeroPointTerms {
  int64_t k = 0;
  /// The activation's zero point (null: 0) and signedness.
  Value za;
  bool aUnsigned = true;
  /// The weight's (null: 0, else one or one per index of `zwAxis` of the
  /// accumulator) and signedness.
  Value zw;
  int64_t zwAxis = 0;
  bool wUnsigned = false;

  bool hasZa() const { return za || !aUnsigned; }
  bool hasZw() const { return zw || wUnsigned; }
};

/// `acc` with the zero-point terms applied: `wsum` (read with `wsumMap`)
/// when terms.hasZa(), `asum` (with `asumMap`) when terms.hasZw().
static Value applyZeroPoints(OpBuilder &b, Location loc, Value acc,
                             const ZeroPointTerms &terms, Value wsum,
                             AffineMap wsumMap, Value asum, AffineMap asumMap) {
  bool hasZa = terms.hasZa(), hasZw = terms.hasZw();
  if (!hasZa && !hasZw)
    return acc;
  MLIRContext *ctx = b.getContext();
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t rank = accType.getRank();
  SmallVector<Value> inputs = {acc};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (hasZa) {
    inputs.push_back(wsum);
    maps.push_back(wsumMap);
    if (terms.za) {
      inputs.push_back(terms.za);
      maps.push_back(zeroPointMap(ctx, terms.za, rank, 0));
    }
  }
  if (hasZw) {
    inputs.push_back(asum);
    maps.push_back(asumMap);
    if (terms.zw) {
      inputs.push_back(terms.zw);
      maps.push_back(zeroPointMap(ctx, terms.zw, rank, terms.zwAxis));
    }
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Type i32 = b.getI32Type();
  return linalg::GenericOp::create(
             b, loc, accType, inputs,
             ValueRange{
                 tensor::EmptyOp::create(b, loc, accType.getShape(), i32)},
             maps, iterators(rank, 0),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               auto cst = [&](int64_t v) -> Value {
                 return arith::ConstantOp::create(nb, l,
                                                  nb.getI32IntegerAttr(v));
               };
               unsigned next = 1;
               Value r = args[0], za, zw;
               if (hasZa) {
                 Value ws = args[next++];
                 za = terms.za ? extendI8(nb, l, args[next++], terms.aUnsigned)
                               : cst(0);
                 if (!terms.aUnsigned)
                   za = arith::AddIOp::create(nb, l, za, cst(128));
                 r = arith::SubIOp::create(
                     nb, l, r, arith::MulIOp::create(nb, l, za, ws));
               }
               if (hasZw) {
                 Value as = args[next++];
                 zw = terms.zw ? extendI8(nb, l, args[next++], terms.wUnsigned)
                               : cst(0);
                 if (terms.wUnsigned)
                   zw = arith::SubIOp::create(nb, l, zw, cst(128));
                 r = arith::SubIOp::create(
                     nb, l, r, arith::MulIOp::create(nb, l, zw, as));
               }
               if (hasZa && hasZw)
                 r = arith::AddIOp::create(
                     nb, l, r,
                     arith::MulIOp::create(
                         nb, l, cst(terms.k),
                         arith::MulIOp::create(nb, l, za, zw)));
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

/// Sums over the reduction of the activation a' (zero-extended) into
/// `type`, the activation read with `aMap` and the sum with `sumMap` over
/// loops (parallel..., reduction).
static Value buildActivationSums(OpBuilder &b, Location loc, Value a,
                                 RankedTensorType type, AffineMap aMap,
                                 AffineMap sumMap) {
  Type i32 = b.getI32Type();
  return linalg::GenericOp::create(
             b, loc, type, a, buildFilled(b, loc, type, b.getI32IntegerAttr(0)),
             ArrayRef<AffineMap>{aMap, sumMap}, iterators(type.getRank(), 1),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value x = arith::ExtUIOp::create(nb, l, i32, args[0]);
               linalg::YieldOp::create(
                   nb, l, ValueRange{arith::AddIOp::create(nb, l, args[1], x)});
             })
      .getResult(0);
}

/// A zero point's converted value, or null when it is absent or a constant
/// of zeros (`original` is the q-level value).
static Value nonZero(Value original, Value converted) {
  if (!original)
    return Value();
  if (std::optional<std::vector<int64_t>> values = q::readIntConstant(original))
    if (llvm::all_of(*values, [](int64_t v) { return v == 0; }))
      return Value();
  return converted;
}

/// The weight w as s8 values (an unsigned one minus 128).
static void shiftToSigned(std::vector<int64_t> &w, bool isUnsigned) {
  if (isUnsigned)
    for (int64_t &v : w)
      v -= 128;
}

/// The name of the blob of a constant derived from `weight`'s.
static std::string derivedBlobName(Value weight, StringRef suffix) {
  if (auto cst = weight.getDefiningOp<q::ConstantOp>())
    if (auto res = dyn_cast<DenseResourceElementsAttr>(cst.getValue()))
      return (res.getRawHandle().getKey() + suffix).str();
  return ("int8" + suffix).str();
}

/// a' from the activation (same shape, i8): signed values flipped to u8.
static Value activationAsUnsigned(OpBuilder &b, Location loc, Value a,
                                  bool isUnsigned) {
  if (isUnsigned)
    return a;
  Type i8 = b.getI8Type();
  return buildElementwise(b, loc, cast<RankedTensorType>(a.getType()), a,
                          [&](OpBuilder &nb, Location l, ValueRange args) {
                            Value sign = arith::ConstantOp::create(
                                nb, l, nb.getIntegerAttr(i8, 0x80));
                            return arith::XOrIOp::create(nb, l, args[0], sign);
                          });
}

/// A matmul_integer with a constant 2-D weight and a per-tensor activation
/// zero point on the packed int8 kernels (PackedInt8.h, ZeroPointTerms).
static FailureOr<Value>
lowerPackedMatmulInteger(q::MatMulIntegerOp op,
                         q::MatMulIntegerOp::Adaptor adaptor,
                         ConversionPatternRewriter &rewriter) {
  auto lhsType = op.getLhs().getType(), rhsType = op.getRhs().getType();
  if (rhsType.getRank() != 2 || lhsType.getRank() < 1 ||
      !lhsType.hasStaticShape())
    return failure();
  if (Value zp = op.getLhsZeroPoint())
    if (cast<RankedTensorType>(zp.getType()).getNumElements() != 1)
      return failure(); // one per row: the generic lowering
  std::optional<std::vector<int64_t>> w = q::readIntConstant(op.getRhs());
  if (!w)
    return failure();
  Location loc = op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  int64_t k = rhsType.getDimSize(0), n = rhsType.getDimSize(1);
  int64_t m = lhsType.getNumElements() / k;
  ZeroPointTerms terms;
  terms.k = k;
  terms.za = nonZero(op.getLhsZeroPoint(), adaptor.getLhsZeroPoint());
  terms.aUnsigned = isUnsignedElement(lhsType.getElementType());
  terms.zw = nonZero(op.getRhsZeroPoint(), adaptor.getRhsZeroPoint());
  terms.zwAxis = 1;
  terms.wUnsigned = isUnsignedElement(rhsType.getElementType());

  shiftToSigned(*w, terms.wUnsigned);
  std::string name = derivedBlobName(op.getRhs(), "_packed");
  Value weight = q::buildIntConstant(
      rewriter, loc, RankedTensorType::get(packedInt8RhsShape(k, n), i8),
      llvm::to_vector_of<int64_t>(packInt8Rhs(*w, k, n)), name);

  // a' as [M, K].
  Value a = adaptor.getLhs();
  auto a2Type = RankedTensorType::get({m, k}, i8);
  if (lhsType.getRank() == 1)
    a = tensor::ExpandShapeOp::create(
        rewriter, loc, a2Type, a, SmallVector<ReassociationIndices>{{0, 1}});
  else if (lhsType.getRank() > 2)
    a = tensor::CollapseShapeOp::create(
        rewriter, loc, a2Type, a,
        SmallVector<ReassociationIndices>{
            llvm::to_vector(llvm::seq<int64_t>(0, lhsType.getRank() - 1)),
            {lhsType.getRank() - 1}});
  a = activationAsUnsigned(rewriter, loc, a, terms.aUnsigned);

  auto accType = RankedTensorType::get({m, n}, i32);
  Value acc = buildPackedInt8(
      rewriter, loc, PackedInt8Kind::PackedRhs, a, weight,
      buildFilled(rewriter, loc, accType, rewriter.getI32IntegerAttr(0)));

  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  Value wsum, asum;
  if (terms.hasZa()) {
    std::vector<int64_t> sums(n, 0);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        sums[j] += (*w)[i * n + j];
    wsum = q::buildIntConstant(rewriter, loc, RankedTensorType::get({n}, i32),
                               sums, name + "_sums");
  }
  if (terms.hasZw())
    asum = buildActivationSums(
        rewriter, loc, a, RankedTensorType::get({m}, i32),
        rewriter.getMultiDimIdentityMap(2), AffineMap::get(2, 0, d(0)));
  acc = applyZeroPoints(rewriter, loc, acc, terms, wsum,
                        AffineMap::get(2, 0, d(1)), asum,
                        AffineMap::get(2, 0, d(0)));

  auto outType = cast<RankedTensorType>(op.getType());
  if (outType.getRank() == 1)
    return Value(tensor::CollapseShapeOp::create(
        rewriter, loc, outType, acc,
        SmallVector<ReassociationIndices>{{0, 1}}));
  if (outType.getRank() > 2)
    return Value(tensor::ExpandShapeOp::create(
        rewriter, loc, outType, acc,
        SmallVector<ReassociationIndices>{
            llvm::to_vector(llvm::seq<int64_t>(0, outType.getRank() - 1)),
            {outType.getRank() - 1}}));
  return acc;
}

/// A 2-D conv_integer (NCHW, one group) with a constant weight on the
/// packed int8 kernels: a 1x1 one with stride 1 and no padding per image as
/// W[M, C] x X[C, H*W] (PackedLhs), any other over windows of the input
/// padded with its zero point (PackedConv), the reduction over (c, i, j).
static FailureOr<Value>
lowerPackedConvInteger(q::ConvIntegerOp op, q::ConvIntegerOp::Adaptor adaptor,
                       ConversionPatternRewriter &rewriter) {
  auto inType = op.getInput().getType(), wType = op.getWeight().getType();
  auto outType = cast<RankedTensorType>(op.getType());
  if (inType.getRank() != 4 || !inType.hasStaticShape() || op.getGroup() != 1)
    return failure();
  std::optional<std::vector<int64_t>> w = q::readIntConstant(op.getWeight());
  if (!w)
    return failure();
  Location loc = op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  int64_t batch = inType.getDimSize(0), c = inType.getDimSize(1),
          m = wType.getDimSize(0), kh = wType.getDimSize(2),
          kw = wType.getDimSize(3);
  int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
  ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                    pads = op.getPads();
  bool pointwise = kh == 1 && kw == 1 &&
                   llvm::all_of(strides, [](int64_t v) { return v == 1; }) &&
                   llvm::all_of(pads, [](int64_t v) { return v == 0; });
  int64_t reduction = c * kh * kw;
  ZeroPointTerms terms;
  terms.k = reduction;
  terms.za = nonZero(op.getInputZeroPoint(), adaptor.getInputZeroPoint());
  terms.aUnsigned = isUnsignedElement(inType.getElementType());
  terms.zw = nonZero(op.getWeightZeroPoint(), adaptor.getWeightZeroPoint());
  terms.zwAxis = 1;
  terms.wUnsigned = isUnsignedElement(wType.getElementType());

  // [M, C, KH, KW] row-major is [M, C KH KW] with r = (c KH + i) KW + j.
  shiftToSigned(*w, terms.wUnsigned);
  std::string name = derivedBlobName(op.getWeight(), "_packed");
  Value weight = q::buildIntConstant(
      rewriter, loc,
      RankedTensorType::get(packedInt8LhsShape(m, reduction), i8),
      llvm::to_vector_of<int64_t>(packInt8Lhs(*w, m, reduction)), name);
  Value x =
      activationAsUnsigned(rewriter, loc, adaptor.getInput(), terms.aUnsigned);
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  Value wsum;
  if (terms.hasZa()) {
    std::vector<int64_t> sums(m, 0);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < reduction; ++j)
        sums[i] += (*w)[i * reduction + j];
    wsum = q::buildIntConstant(rewriter, loc, RankedTensorType::get({m}, i32),
                               sums, name + "_sums");
  }

  if (pointwise) {
    int64_t pixels = inType.getDimSize(2) * inType.getDimSize(3);
    Value x3 = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({batch, c, pixels}, i8), x,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    auto accType = RankedTensorType::get({batch, m, pixels}, i32);
    Value acc = buildPackedInt8(
        rewriter, loc, PackedInt8Kind::PackedLhs, x3, weight,
        buildFilled(rewriter, loc, accType, rewriter.getI32IntegerAttr(0)));
    Value asum;
    if (terms.hasZw())
      asum = buildActivationSums(rewriter, loc, x3,
                                 RankedTensorType::get({batch, pixels}, i32),
                                 AffineMap::get(3, 0, {d(0), d(2), d(1)}, ctx),
                                 AffineMap::get(3, 0, {d(0), d(1)}, ctx));
    acc = applyZeroPoints(rewriter, loc, acc, terms, wsum,
                          AffineMap::get(3, 0, d(1)), asum,
                          AffineMap::get(3, 0, {d(0), d(2)}, ctx));
    return Value(tensor::ExpandShapeOp::create(
        rewriter, loc, outType, acc,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}}));
  }

  // Padding with a' = za' contributes (za' - za') w = 0.
  Value padValue;
  if (terms.za) {
    auto zaType = cast<RankedTensorType>(terms.za.getType());
    SmallVector<Value> at(zaType.getRank(),
                          arith::ConstantIndexOp::create(rewriter, loc, 0));
    padValue = tensor::ExtractOp::create(rewriter, loc, terms.za, at);
    if (!terms.aUnsigned)
      padValue = arith::XOrIOp::create(
          rewriter, loc, padValue,
          arith::ConstantOp::create(rewriter, loc,
                                    rewriter.getIntegerAttr(i8, 0x80)));
  } else {
    padValue = arith::ConstantOp::create(
        rewriter, loc, rewriter.getIntegerAttr(i8, terms.aUnsigned ? 0 : 0x80));
  }
  x = padSpatial(rewriter, loc, x, pads.take_front(2), pads.drop_front(2),
                 padValue);
  auto accType = RankedTensorType::get({batch, m, oh, ow}, i32);
  Value acc = buildPackedInt8Conv(
      rewriter, loc, x, weight,
      buildFilled(rewriter, loc, accType, rewriter.getI32IntegerAttr(0)), kh,
      kw, strides, dilations);
  Value asum;
  if (terms.hasZw()) {
    // Window sums of a' per output pixel: loops (b, y, x, c, i, j).
    auto sumType = RankedTensorType::get({batch, oh, ow}, i32);
    Value window =
        tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{kh, kw}, i8);
    asum = linalg::GenericOp::create(
               rewriter, loc, sumType, ValueRange{x, window},
               buildFilled(rewriter, loc, sumType,
                           rewriter.getI32IntegerAttr(0)),
               ArrayRef<AffineMap>{
                   AffineMap::get(6, 0,
                                  {d(0), d(3),
                                   d(1) * strides[0] + d(4) * dilations[0],
                                   d(2) * strides[1] + d(5) * dilations[1]},
                                  ctx),
                   AffineMap::get(6, 0, {d(4), d(5)}, ctx),
                   AffineMap::get(6, 0, {d(0), d(1), d(2)}, ctx)},
               iterators(3, 3),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value v = arith::ExtUIOp::create(nb, l, i32, args[0]);
                 linalg::YieldOp::create(
                     nb, l,
                     ValueRange{arith::AddIOp::create(nb, l, args[2], v)});
               })
               .getResult(0);
  }
  return applyZeroPoints(rewriter, loc, acc, terms, wsum,
                         AffineMap::get(4, 0, d(1)), asum,
                         AffineMap::get(4, 0, {d(0), d(2), d(3)}, ctx));
}

struct MatMulIntegerLowering : OpConversionPattern<q::MatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::MatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<Value> packed = lowerPackedMatmulInteger(op, adaptor, rewriter);
    if (succeeded(packed)) {
      rewriter.replaceOp(op, *packed);
      return success();
    }
    auto lhsType = op.getLhs().getType(), rhsType = op.getRhs().getType();
    // Zero points per row of lhs (dimension -2) or per column of rhs (-1).
    Value lhs = subtractZeroPoint(
        rewriter, loc, adaptor.getLhs(), adaptor.getLhsZeroPoint(),
        lhsType.getRank() - 2, lhsType.getElementType().isUnsignedInteger());
    Value rhs = subtractZeroPoint(
        rewriter, loc, adaptor.getRhs(), adaptor.getRhsZeroPoint(),
        rhsType.getRank() - 1, rhsType.getElementType().isUnsignedInteger());
    rewriter.replaceOp(op, buildMatmul(rewriter, loc, lhs, rhs, op.getType()));
    return success();
  }
};

/// `v` (a static tensor) converted element by element: i32 to f32
/// (`toFloat`) or f32 to i32.
static Value convertElements(OpBuilder &b, Location loc, Value v,
                             bool toFloat) {
  auto type = cast<RankedTensorType>(v.getType());
  Type elem = toFloat ? Type(b.getF32Type()) : Type(b.getI32Type());
  auto resultType = type.clone(elem);
  int64_t rank = type.getRank();
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), elem);
  SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
  return linalg::GenericOp::create(
             b, loc, resultType, v, init, maps, iterators(rank, 0),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value c = toFloat ? Value(arith::SIToFPOp::create(
                                       nb, l, elem, args[0]))
                                 : Value(arith::FPToSIOp::create(
                                       nb, l, elem, args[0]));
               linalg::YieldOp::create(nb, l, c);
             })
      .getResult(0);
}

struct ConvIntegerLowering : OpConversionPattern<q::ConvIntegerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ConvIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<Value> packed = lowerPackedConvInteger(op, adaptor, rewriter);
    if (succeeded(packed)) {
      rewriter.replaceOp(op, *packed);
      return success();
    }
    auto outType = op.getType();
    int64_t spatial = outType.getRank() - 2;
    // Padding x - x_zp with 0 is padding x with its zero point.
    Value input = subtractZeroPoint(
        rewriter, loc, adaptor.getInput(), adaptor.getInputZeroPoint(), 0,
        op.getInput().getType().getElementType().isUnsignedInteger());
    Value weight = subtractZeroPoint(
        rewriter, loc, adaptor.getWeight(), adaptor.getWeightZeroPoint(), 0,
        op.getWeight().getType().getElementType().isUnsignedInteger());
    ArrayRef<int64_t> pads = op.getPads();
    // With few terms per output (a depthwise 3x3 has 9) every product of
    // |x - x_zp| <= 255 and |w - w_zp| <= 255 and every partial sum is an
    // integer below 2^24: f32 holds them exactly, so the f32 kernels give
    // the exact i32 result, and faster than i32 loops.
    auto wType = cast<RankedTensorType>(weight.getType());
    int64_t terms = 1;
    for (int64_t d : wType.getShape().drop_front(1))
      terms *= d;
    if (terms * 255 * 255 < (int64_t(1) << 24)) {
      Value xf = convertElements(rewriter, loc, input, /*toFloat=*/true);
      Value wf = convertElements(rewriter, loc, weight, /*toFloat=*/true);
      xf = padSpatial(rewriter, loc, xf, pads.take_front(spatial),
                      pads.drop_front(spatial), rewriter.getF32FloatAttr(0));
      Value yf = buildConv(rewriter, loc, xf, wf, Value(),
                           outType.clone(rewriter.getF32Type()),
                           op.getStrides(), op.getDilations(), op.getGroup());
      rewriter.replaceOp(op,
                         convertElements(rewriter, loc, yf, /*toFloat=*/false));
      return success();
    }
    input = padSpatial(rewriter, loc, input, pads.take_front(spatial),
                       pads.drop_front(spatial), rewriter.getI32IntegerAttr(0));
    rewriter.replaceOp(op, buildConv(rewriter, loc, input, weight, Value(),
                                     outType, op.getStrides(),
                                     op.getDilations(), op.getGroup()));
    return success();
  }
};

} // namespace

void qmlir::lowering::populateLinearPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns
      .add<MatMulLowering, GemmLowering, ConvLowering, ConvTransposeLowering,
           MatMulIntegerLowering, ConvIntegerLowering>(converter,
                                                       patterns.getContext());
}
