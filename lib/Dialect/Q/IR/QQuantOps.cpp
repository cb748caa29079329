//===- QQuantOps.cpp - verifiers of the integer quantization forms --------===//
//
// Part of qmlir. q.storage_cast and the ONNX forms with run-time scales:
// q.quantize_linear, q.dequantize_linear, q.requantize_linear.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qmlir::q;

//===----------------------------------------------------------------------===//
// Storage cast
//===----------------------------------------------------------------------===//

LogicalResult StorageCastOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  auto qin = dyn_cast<quant::QuantizedType>(in.getElementType());
  auto qout = dyn_cast<quant::QuantizedType>(out.getElementType());
  if ((qin != nullptr) == (qout != nullptr))
    return emitOpError("expects one quantized and one integer tensor, got ")
           << in << " and " << out;
  if (in.getShape() != out.getShape())
    return emitOpError("input and output shapes differ: ")
           << formatShape(in.getShape()) << " vs "
           << formatShape(out.getShape());
  auto qtype = qin ? qin : qout;
  auto itype =
      cast<IntegerType>(qin ? out.getElementType() : in.getElementType());
  // ONNX's uint8 is `ui8` and its int8 the signless `i8`.
  if (itype.getWidth() != qtype.getStorageTypeIntegralWidth() ||
      itype.isUnsigned() == qtype.isSigned())
    return emitOpError("integer type ")
           << itype << " does not hold the storage values of " << qtype;
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis >= in.getRank() ||
        static_cast<int64_t>(perAxis.getScales().size()) != in.getDimSize(axis))
      return emitOpError("per-axis type ")
             << qtype << " does not fit the shape "
             << formatShape(in.getShape());
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Run-time scales and zero points
//===----------------------------------------------------------------------===//

/// Checks `axis` against `shape` and the shape of a scale, multiplier or zero
/// point (`what`): one element, or with `axis` one per index of that
/// dimension, or with `blockSize` too one per block of that dimension (the
/// input's rank, `ceil(dim / blockSize)` along `axis`, the input's size
/// elsewhere).
static LogicalResult verifyQuantParam(Operation *op, StringRef what,
                                      Value param, ArrayRef<int64_t> shape,
                                      std::optional<uint64_t> axis,
                                      std::optional<uint64_t> blockSize) {
  int64_t rank = shape.size();
  if (axis && static_cast<int64_t>(*axis) >= rank)
    return op->emitOpError("axis ")
           << *axis << " out of range for rank " << rank;
  if (blockSize && !axis)
    return op->emitOpError("block_size needs an axis");
  if (!param)
    return success();
  auto type = cast<RankedTensorType>(param.getType());
  if (blockSize) {
    SmallVector<int64_t> expected(shape);
    expected[*axis] = llvm::divideCeil(shape[*axis], *blockSize);
    if (type.getShape() == ArrayRef<int64_t>(expected))
      return success();
    return op->emitOpError()
           << what << " of blocks of " << *blockSize << " along dimension "
           << *axis << " must have shape " << formatShape(expected) << ", got "
           << type;
  }
  if (type.getRank() <= 1 && type.getNumElements() == 1)
    return success();
  if (axis && type.getRank() == 1 && type.getDimSize(0) == shape[*axis])
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << what << " must have one element";
  if (axis)
    diag << " or one per index of dimension " << *axis << " (" << shape[*axis]
         << ")";
  return diag << ", got " << type;
}

/// The checks q.quantize_linear, q.dequantize_linear and
/// q.requantize_linear share; `intType` is the element type of their
/// integer side, which the zero point must have.
static LogicalResult verifyLinearQuantOp(Operation *op, ShapedType in,
                                         ShapedType out, Value scale,
                                         StringRef scaleName, Value zeroPoint,
                                         Type intType,
                                         std::optional<uint64_t> axis,
                                         std::optional<uint64_t> blockSize) {
  if (in.getShape() != out.getShape())
    return op->emitOpError("input and output shapes differ: ")
           << formatShape(in.getShape()) << " vs "
           << formatShape(out.getShape());
  if (zeroPoint) {
    Type zpType = cast<ShapedType>(zeroPoint.getType()).getElementType();
    if (zpType != intType)
      return op->emitOpError("zero point element type ")
             << zpType << " differs from the integer element type " << intType;
  }
  if (failed(verifyQuantParam(op, scaleName, scale, in.getShape(), axis,
                              blockSize)) ||
      failed(verifyQuantParam(op, "zero point", zeroPoint, in.getShape(), axis,
                              blockSize)))
    return failure();
  return success();
}

LogicalResult QuantizeLinearOp::verify() {
  return verifyLinearQuantOp(*this, getInput().getType(), getType(), getScale(),
                             "scale", getZeroPoint(),
                             getType().getElementType(), getAxis(),
                             getBlockSize());
}

LogicalResult DequantizeLinearOp::verify() {
  return verifyLinearQuantOp(*this, getInput().getType(), getType(), getScale(),
                             "scale", getZeroPoint(),
                             getInput().getType().getElementType(), getAxis(),
                             getBlockSize());
}

LogicalResult RequantizeLinearOp::verify() {
  return verifyLinearQuantOp(*this, getInput().getType(), getType(),
                             getMultiplier(), "multiplier", getZeroPoint(),
                             getType().getElementType(), getAxis(),
                             std::nullopt);
}

//===----------------------------------------------------------------------===//
// Codebook dequantization
//===----------------------------------------------------------------------===//

LogicalResult DequantizeCodebookOp::verify() {
  auto codes = getCodes().getType();
  auto codebook = cast<CodebookType>(getCodebook());
  if (codes.getShape() != getType().getShape())
    return emitOpError("codes and output shapes differ: ")
           << formatShape(codes.getShape()) << " vs "
           << formatShape(getType().getShape());
  unsigned width = codebook.getStorageType().getWidth();
  if (codes.getElementType().getIntOrFloatBitWidth() != width)
    return emitOpError("codes of type ")
           << codes.getElementType() << " do not index the " << (1u << width)
           << "-entry table of " << codebook;
  if (codebook.getExpressedType() != getType().getElementType())
    return emitOpError("result element type ")
           << getType().getElementType() << " differs from the codebook's "
           << codebook.getExpressedType();
  return verifyQuantParam(*this, "absmax", getAbsmax(), codes.getShape(),
                          getAxis(),
                          static_cast<uint64_t>(codebook.getBlockSize()));
}
