//===- QFolds.cpp - folders and canonicalization patterns of q -----------===//
//
// Part of qmlir. Only exact rewrites: a fold never changes a result bit.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Quant/AffineQuant.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cstring>

using namespace mlir;
using namespace qmlir::q;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

/// The storage values of constant `x` quantized to `type` (per tensor or
/// per axis): the constant a QuantizeLinear of an initializer (a QAT
/// model's weights) stands for.
static Attribute quantizeConstant(Attribute x, RankedTensorType type) {
  std::optional<std::vector<float>> values = readF32Elements(x);
  if (!values)
    return {};
  Type elem = type.getElementType();
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1;
  quant::QuantizedType qtype;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(elem)) {
    scales = {u.getScale()};
    zeroPoints = {u.getZeroPoint()};
    qtype = u;
  } else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(elem)) {
    scales.assign(a.getScales().begin(), a.getScales().end());
    zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    axis = a.getQuantizedDimension();
    qtype = a;
  } else {
    return {};
  }
  int64_t inner = 1;
  if (axis >= 0)
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
  int64_t channels = axis >= 0 ? type.getDimSize(axis) : 1;
  unsigned width = qtype.getStorageTypeIntegralWidth();
  std::vector<int64_t> q(values->size());
  for (size_t i = 0; i < values->size(); ++i) {
    int64_t c = axis >= 0 ? (static_cast<int64_t>(i) / inner) % channels : 0;
    qmlir::quant::AffineParams p;
    p.scale = static_cast<float>(scales[c]);
    p.zeroPoint = zeroPoints[c];
    p.range = {qtype.getStorageTypeMin(), qtype.getStorageTypeMax()};
    q[i] = qmlir::quant::quantize((*values)[i], p);
  }
  auto storageType = type.clone(IntegerType::get(type.getContext(), width));
  if (q.size() <= 16) {
    SmallVector<APInt> ints;
    for (int64_t v : q)
      ints.push_back(APInt(width, static_cast<uint64_t>(v), /*isSigned=*/true,
                           /*implicitTrunc=*/true));
    return DenseElementsAttr::get(storageType, ints);
  }
  std::vector<char> bytes(q.size() * (width / 8));
  for (size_t i = 0; i < q.size(); ++i) {
    uint64_t v = static_cast<uint64_t>(q[i]);
    std::memcpy(bytes.data() + i * (width / 8), &v, width / 8);
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(bytes.data(), bytes.size()), 64);
  return DenseResourceElementsAttr::get(storageType, "quantized",
                                        std::move(blob));
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  // quantize(dequantize(x)) is x when the types round-trip.
  if (auto dq = getInput().getDefiningOp<DequantizeOp>())
    if (dq.getInput().getType() == getType())
      return dq.getInput();
  // A constant is quantized here, with the same arithmetic as at run time.
  if (adaptor.getInput() && cast<RankedTensorType>(getType()).hasStaticShape())
    return quantizeConstant(adaptor.getInput(),
                            cast<RankedTensorType>(getType()));
  return {};
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult FakeQuantOp::fold(FoldAdaptor) {
  // Fake quantization is idempotent: its outputs are exactly representable.
  if (auto prev = getInput().getDefiningOp<FakeQuantOp>())
    if (prev.getQuantType() == getQuantType())
      return getInput();
  return {};
}

/// True if `attr` is a splat whose every element equals `value` (0 or 1)
/// exactly; for floats, `negZero` asks for -0.0 rather than +0.0 when value
/// is 0.
static bool isSplatOf(Attribute attr, double value, bool negZero = false) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elem = splat.getElementType();
  if (isa<FloatType>(elem)) {
    APFloat v = splat.getSplatValue<APFloat>();
    if (value == 0.0)
      return v.isZero() && v.isNegative() == negZero;
    bool lost;
    APFloat want(value);
    want.convert(v.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return v.compare(want) == APFloat::cmpEqual;
  }
  // Compared unsigned, so that the i1 `true` is 1.
  if (isa<IntegerType>(elem))
    return splat.getSplatValue<APInt>() == static_cast<uint64_t>(value);
  return false;
}

/// x op c folds to x when c is the identity and broadcasting does not
/// change x's type.
static OpFoldResult foldRightIdentity(Value lhs, Type resultType,
                                      Attribute rhs, double identity,
                                      bool negZero) {
  if (lhs.getType() != resultType)
    return {};
  if (isSplatOf(rhs, identity, negZero))
    return lhs;
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + (-0.0) == x for every float x, including -0.0; x + 0 for integers.
  bool isFloat = isa<FloatType>(getType().getElementType());
  if (OpFoldResult r = foldRightIdentity(getLhs(), getType(), adaptor.getRhs(),
                                         0.0, isFloat))
    return r;
  return foldRightIdentity(getRhs(), getType(), adaptor.getLhs(), 0.0,
                           isFloat);
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  // x - (+0.0) == x for every float x.
  return foldRightIdentity(getLhs(), getType(), adaptor.getRhs(), 0.0, false);
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), getType(), adaptor.getRhs(), 1.0, false))
    return r;
  return foldRightIdentity(getRhs(), getType(), adaptor.getLhs(), 1.0, false);
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(getLhs(), getType(), adaptor.getRhs(), 1.0, false);
}

OpFoldResult ReluOp::fold(FoldAdaptor) {
  if (getInput().getDefiningOp<ReluOp>())
    return getInput();
  return {};
}

OpFoldResult ClipOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax())
    return getInput();
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto prev = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(prev.getInput());
    return getResult();
  }
  // The attribute keeps its element type: a constant of a quantized tensor
  // holds storage values, and the attribute of a ui8 one may be i8.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(dense.getType().clone(getType().getShape()));
  if (auto res = dyn_cast_or_null<DenseResourceElementsAttr>(
          adaptor.getInput()))
    return DenseResourceElementsAttr::get(
        res.getType().clone(getType().getShape()), res.getRawHandle());
  return {};
}

namespace {
struct FlattenToReshape : OpRewritePattern<FlattenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FlattenOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
    return success();
  }
};

struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto prev = op.getInput().getDefiningOp<TransposeOp>();
    if (!prev)
      return failure();
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(prev.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), prev.getInput(),
                                             perm);
    return success();
  }
};
} // namespace

void FlattenOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<FlattenToReshape>(context);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes>(context);
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() != getType() ||
      llvm::any_of(getStarts(), [](int64_t s) { return s != 0; }) ||
      llvm::any_of(getSteps(), [](int64_t s) { return s != 1; }))
    return {};
  return getInput();
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

OpFoldResult ExpandOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ReduceOp::fold(FoldAdaptor) {
  // Reducing only dimensions of size 1 (kept) copies each element, for the
  // kinds whose value of one element is that element.
  StringRef kind = getKind();
  if (getInput().getType() == getType() &&
      llvm::is_contained(
          ArrayRef<StringRef>{"sum", "mean", "max", "min", "prod"}, kind))
    return getInput();
  return {};
}

OpFoldResult ResizeOp::fold(FoldAdaptor) {
  // With scale 1 these transformations map every coordinate to itself
  // exactly, which every mode reads with weight 1.
  if (getInput().getType() != getType() ||
      llvm::any_of(getScales(), [](double s) { return s != 1.0; }) ||
      !llvm::is_contained(
          ArrayRef<StringRef>{"half_pixel", "align_corners", "asymmetric"},
          getCoordinateTransformationMode()))
    return {};
  return getInput();
}

//===----------------------------------------------------------------------===//
// Integer quantization forms
//===----------------------------------------------------------------------===//

OpFoldResult StorageCastOp::fold(FoldAdaptor adaptor) {
  // Casting back is the identity.
  if (auto prev = getInput().getDefiningOp<StorageCastOp>())
    if (prev.getInput().getType() == getType())
      return prev.getInput();
  // The attribute of a constant holds the storage values on both sides.
  if (auto elements = dyn_cast_or_null<ElementsAttr>(adaptor.getInput()))
    return elements;
  return {};
}

namespace {
/// Drops zero points that are constant zeros: x - 0 is x.
template <typename OpTy>
struct DropZeroZeroPoints : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    bool changed = false;
    for (bool first : {true, false}) {
      MutableOperandRange zp = getZeroPointMutable(op, first);
      if (zp.empty())
        continue;
      Attribute attr;
      if (!matchPattern(zp[0].get(), m_Constant(&attr)) ||
          !isSplatOf(attr, 0.0))
        continue;
      rewriter.modifyOpInPlace(op, [&] { zp.clear(); });
      changed = true;
    }
    return success(changed);
  }

  static MutableOperandRange getZeroPointMutable(MatMulIntegerOp op,
                                                 bool first) {
    return first ? op.getLhsZeroPointMutable() : op.getRhsZeroPointMutable();
  }
  static MutableOperandRange getZeroPointMutable(ConvIntegerOp op, bool first) {
    return first ? op.getInputZeroPointMutable()
                 : op.getWeightZeroPointMutable();
  }
};
} // namespace

void MatMulIntegerOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                  MLIRContext *context) {
  results.add<DropZeroZeroPoints<MatMulIntegerOp>>(context);
}

void ConvIntegerOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                MLIRContext *context) {
  results.add<DropZeroZeroPoints<ConvIntegerOp>>(context);
}
