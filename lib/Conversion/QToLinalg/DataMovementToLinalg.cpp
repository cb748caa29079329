//===- DataMovementToLinalg.cpp - data movement q ops to linalg -----------===//
//
// Part of qmlir. Constants, reshapes, transpose and concat; slices become
// tensor.extract_slice, constant pads tensor.pad, and what reads elements
// at computed positions (gathers, reflect/edge pads) a linalg.generic over
// the result that extracts them.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

struct ConstantLowering : OpConversionPattern<q::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Attribute value = op.getValue();
    TypedAttr converted;
    // 4-bit values (integers or a quantized type's storage) are held in i8
    // below q, extended as their type says.
    Type storage = op.getType().getElementType();
    bool isSigned = !storage.isUnsignedInteger();
    if (auto quantized = dyn_cast<quant::QuantizedType>(storage)) {
      storage = quantized.getStorageType();
      isSigned = quantized.isSigned();
    }
    bool fourBit = storage.isInteger(4);
    if (auto dense = dyn_cast<DenseElementsAttr>(value); dense && fourBit) {
      SmallVector<APInt> values;
      for (const APInt &v : dense.getValues<APInt>())
        values.push_back(isSigned ? v.sext(8) : v.zext(8));
      converted = DenseElementsAttr::get(type, values);
    } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      converted = dense.getType() == type ? dense
                                          : dense.bitcast(type.getElementType());
    } else if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
      converted = DenseResourceElementsAttr::get(type, res.getRawHandle());
    } else {
      return rewriter.notifyMatchFailure(op, "unsupported constant attribute");
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, converted);
    return success();
  }
};

template <typename OpTy>
struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(op, buildReshape(rewriter, op.getLoc(),
                                        adaptor.getInput(), type));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<q::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(),
                                         type.getShape(),
                                         type.getElementType());
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(),
                                         adaptor.getInput(), init,
                                         op.getPerm());
    rewriter.replaceOp(op, t.getResult());
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<q::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    Value result = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
    int64_t offset = 0;
    for (Value in : adaptor.getInputs()) {
      auto inType = cast<RankedTensorType>(in.getType());
      if (inType.getDimSize(axis) == 0)
        continue;
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t s : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(s));
      offsets[axis] = rewriter.getIndexAttr(offset);
      result = tensor::InsertSliceOp::create(rewriter, loc, in, result,
                                             offsets, sizes, strides);
      offset += inType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The converted result type of `op`'s single result.
static RankedTensorType convertedResultType(const TypeConverter *converter,
                                            Operation *op) {
  return cast<RankedTensorType>(
      converter->convertType(op->getResult(0).getType()));
}

/// A result with no elements needs no computation.
static bool replaceIfEmpty(ConversionPatternRewriter &rewriter, Operation *op,
                           RankedTensorType type) {
  if (type.getNumElements() != 0)
    return false;
  rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(),
                                               type.getElementType());
  return true;
}

/// The storage value of zero for the q-level element type `qElem` stored as
/// `elem`: the zero point of a quantized type, else 0.
static TypedAttr zeroValue(Type qElem, Type elem) {
  if (auto q = dyn_cast<quant::UniformQuantizedType>(qElem))
    return IntegerAttr::get(elem, q.getZeroPoint());
  if (isa<FloatType>(elem))
    return FloatAttr::get(elem, 0.0);
  return IntegerAttr::get(elem, 0);
}

/// A linalg.generic over `type` (all loops parallel) whose body computes each
/// element from its position; `inputs` are read with `inputMaps`.
static Value
buildFromIndices(OpBuilder &b, Location loc, RankedTensorType type,
                 ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                 function_ref<Value(OpBuilder &, Location, ValueRange args,
                                    ArrayRef<Value> indices)>
                     body) {
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<Value> indices;
               for (int64_t d = 0; d < rank; ++d)
                 indices.push_back(linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(nb, l,
                                       body(nb, l, args.drop_back(), indices));
             })
      .getResult(0);
}

/// An index value read from an integer tensor element, wrapped once if
/// negative (ONNX's indices count from the end) and clamped to [0, size).
static Value wrapIndex(OpBuilder &b, Location loc, Value raw, int64_t size) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value n = arith::ConstantIndexOp::create(b, loc, size);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  i = arith::SelectOp::create(b, loc, negative,
                              arith::AddIOp::create(b, loc, i, n), i);
  Value last =
      arith::ConstantIndexOp::create(b, loc, std::max<int64_t>(0, size - 1));
  i = arith::MaxSIOp::create(b, loc, i, zero);
  return arith::MinSIOp::create(b, loc, i, last);
}

struct SliceLowering : OpConversionPattern<q::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op);
    if (replaceIfEmpty(rewriter, op, type))
      return success();
    // The elements read, in increasing order, then reversed along the
    // dimensions with a negative step.
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<bool> reversed;
    for (auto [d, start, step] :
         llvm::enumerate(op.getStarts(), op.getSteps())) {
      int64_t n = type.getDimSize(d);
      int64_t first = step > 0 ? start : start + (n - 1) * step;
      offsets.push_back(rewriter.getIndexAttr(first));
      sizes.push_back(rewriter.getIndexAttr(n));
      strides.push_back(rewriter.getIndexAttr(n == 1 ? 1 : std::abs(step)));
      reversed.push_back(step < 0 && n > 1);
    }
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, type, adaptor.getInput(), offsets, sizes, strides);
    if (llvm::is_contained(reversed, true)) {
      Value forward = slice;
      // Element i of a reversed dimension is element n - 1 - i.
      slice = buildFromIndices(
          rewriter, loc, type, {}, {},
          [&](OpBuilder &b, Location l, ValueRange,
              ArrayRef<Value> indices) -> Value {
            SmallVector<Value> src(indices);
            for (int64_t d = 0; d < type.getRank(); ++d)
              if (reversed[d])
                src[d] =
                    arith::SubIOp::create(b, l,
                                          arith::ConstantIndexOp::create(
                                              b, l, type.getDimSize(d) - 1),
                                          indices[d]);
            return tensor::ExtractOp::create(b, l, forward, src);
          });
    }
    rewriter.replaceOp(op, slice);
    return success();
  }
};

struct PadLowering : OpConversionPattern<q::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op);
    if (replaceIfEmpty(rewriter, op, type))
      return success();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Value input = adaptor.getInput();
    if (op.getMode() == "constant") {
      Value value = adaptor.getValue()
                        ? Value(tensor::ExtractOp::create(
                              rewriter, loc, adaptor.getValue(), ValueRange{}))
                        : Value(arith::ConstantOp::create(
                              rewriter, loc,
                              zeroValue(op.getType().getElementType(),
                                        type.getElementType())));
      SmallVector<OpFoldResult> low, high;
      for (int64_t d = 0; d < rank; ++d) {
        low.push_back(rewriter.getIndexAttr(pads[d]));
        high.push_back(rewriter.getIndexAttr(pads[rank + d]));
      }
      rewriter.replaceOpWithNewOp<tensor::PadOp>(op, type, input, low, high,
                                                 value);
      return success();
    }
    // reflect and edge: each result element reads one input element.
    bool reflect = op.getMode() == "reflect";
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    Value r = buildFromIndices(
        rewriter, loc, type, {}, {},
        [&](OpBuilder &b, Location l, ValueRange, ArrayRef<Value> indices) {
          SmallVector<Value> src;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = indices[d];
            if (pads[d] == 0 && pads[rank + d] == 0) {
              src.push_back(i);
              continue;
            }
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value last = arith::ConstantIndexOp::create(b, l, inShape[d] - 1);
            i = arith::SubIOp::create(
                b, l, i, arith::ConstantIndexOp::create(b, l, pads[d]));
            if (reflect) {
              // last - |last - |i||: mirrors once at each end (pads are
              // smaller than the dimension).
              auto abs = [&](Value v) -> Value {
                return arith::MaxSIOp::create(
                    b, l, v, arith::SubIOp::create(b, l, zero, v));
              };
              i = arith::SubIOp::create(
                  b, l, last, abs(arith::SubIOp::create(b, l, last, abs(i))));
            } else {
              i = arith::MinSIOp::create(
                  b, l, arith::MaxSIOp::create(b, l, i, zero), last);
            }
            src.push_back(i);
          }
          return tensor::ExtractOp::create(b, l, input, src);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct GatherLowering : OpConversionPattern<q::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op);
    if (replaceIfEmpty(rewriter, op, type))
      return success();
    int64_t axis = op.getAxis();
    int64_t idxRank = op.getIndices().getType().getRank();
    auto inType = op.getInput().getType();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < idxRank; ++i)
      idxExprs.push_back(rewriter.getAffineDimExpr(axis + i));
    AffineMap idxMap =
        AffineMap::get(type.getRank(), 0, idxExprs, rewriter.getContext());
    Value input = adaptor.getInput();
    Value r = buildFromIndices(
        rewriter, loc, type, adaptor.getIndices(), idxMap,
        [&](OpBuilder &b, Location l, ValueRange args,
            ArrayRef<Value> indices) {
          SmallVector<Value> src(indices.take_front(axis));
          src.push_back(wrapIndex(b, l, args[0], inType.getDimSize(axis)));
          llvm::append_range(src, indices.drop_front(axis + idxRank));
          return tensor::ExtractOp::create(b, l, input, src);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct GatherElementsLowering : OpConversionPattern<q::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op);
    if (replaceIfEmpty(rewriter, op, type))
      return success();
    int64_t axis = op.getAxis();
    int64_t size = op.getInput().getType().getDimSize(axis);
    Value input = adaptor.getInput();
    Value r =
        buildFromIndices(rewriter, loc, type, adaptor.getIndices(),
                         rewriter.getMultiDimIdentityMap(type.getRank()),
                         [&](OpBuilder &b, Location l, ValueRange args,
                             ArrayRef<Value> indices) {
                           SmallVector<Value> src(indices);
                           src[axis] = wrapIndex(b, l, args[0], size);
                           return tensor::ExtractOp::create(b, l, input, src);
                         });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<q::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = convertedResultType(getTypeConverter(), op);
    if (replaceIfEmpty(rewriter, op, type))
      return success();
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), type, adaptor.getInput(),
                             [](OpBuilder &, Location, ValueRange args) {
                               return args[0];
                             }));
    return success();
  }
};

struct TriluLowering : OpConversionPattern<q::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op);
    if (replaceIfEmpty(rewriter, op, type))
      return success();
    int64_t rank = type.getRank();
    SmallVector<Value> inputs = {adaptor.getInput()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    if (adaptor.getK()) {
      inputs.push_back(adaptor.getK());
      maps.push_back(AffineMap::get(rank, 0, {}, rewriter.getContext()));
    }
    bool upper = op.getUpper();
    Value r = buildFromIndices(
        rewriter, loc, type, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange args,
            ArrayRef<Value> indices) -> Value {
          Value diff = arith::IndexCastOp::create(
              b, l, b.getI64Type(),
              arith::SubIOp::create(b, l, indices[rank - 1],
                                    indices[rank - 2]));
          Value k = args.size() > 1 ? args[1]
                                    : Value(arith::ConstantOp::create(
                                          b, l, b.getI64IntegerAttr(0)));
          Value keep = arith::CmpIOp::create(b, l,
                                             upper ? arith::CmpIPredicate::sge
                                                   : arith::CmpIPredicate::sle,
                                             diff, k);
          Value zero = arith::ConstantOp::create(
              b, l,
              zeroValue(op.getType().getElementType(), type.getElementType()));
          return arith::SelectOp::create(b, l, keep, args[0], zero);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void qmlir::lowering::populateDataMovementPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLikeLowering<q::ReshapeOp>,
               ReshapeLikeLowering<q::FlattenOp>, TransposeLowering,
               ConcatLowering, SliceLowering, PadLowering, GatherLowering,
               GatherElementsLowering, ExpandLowering, TriluLowering>(
      converter, patterns.getContext());
}
