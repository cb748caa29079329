//===- QLinearOps.cpp - verifiers of conv_transpose and the integer forms -===//
//
// Part of qmlir. q.conv_transpose, q.matmul_integer and q.conv_integer.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qmlir::q;

/// Checks the window attributes of a convolution over `spatial` dimensions.
static LogicalResult verifyWindowAttrs(Operation *op, int64_t spatial,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> pads,
                                       ArrayRef<int64_t> dilations) {
  if (static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(dilations.size()) != spatial ||
      static_cast<int64_t>(pads.size()) != 2 * spatial)
    return op->emitOpError("expects ")
           << spatial << " strides and dilations and " << 2 * spatial
           << " pads";
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return op->emitOpError("strides and dilations must be positive and pads "
                           "non-negative");
  return success();
}

/// Checks that a zero point has one element or, when `perIndex` is given,
/// optionally one per index (`[perIndex]`).
static LogicalResult verifyZeroPoint(Operation *op, StringRef name, Value zp,
                                     Type elementType,
                                     std::optional<int64_t> perIndex,
                                     StringRef indexName) {
  if (!zp)
    return success();
  auto type = cast<RankedTensorType>(zp.getType());
  if (type.getElementType() != elementType)
    return op->emitOpError()
           << name << " has element type " << type.getElementType()
           << " but its operand " << elementType;
  if (type.getRank() <= 1 && type.getNumElements() == 1)
    return success();
  if (perIndex && type.getRank() == 1 && type.getDimSize(0) == *perIndex)
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << name << " must have one element";
  if (perIndex)
    diag << " or one per " << indexName << " (" << *perIndex << ")";
  return diag << ", got " << type;
}

//===----------------------------------------------------------------------===//
// Transposed convolution
//===----------------------------------------------------------------------===//

LogicalResult ConvTransposeOp::verify() {
  auto in = getInput().getType();
  auto w = getWeight().getType();
  auto out = getOutput().getType();
  int64_t rank = in.getRank();
  if (rank < 3)
    return emitOpError("input must be [N, C, D1, ...], got rank ") << rank;
  if (w.getRank() != rank || out.getRank() != rank)
    return emitOpError("input, weight and output must have the same rank");
  Type elem = in.getElementType();
  if (w.getElementType() != elem || out.getElementType() != elem ||
      (getBias() && getBias().getType().getElementType() != elem))
    return emitOpError("operands and result must share the element type");
  int64_t spatial = rank - 2;
  if (failed(verifyWindowAttrs(*this, spatial, getStrides(), getPads(),
                               getDilations())))
    return failure();
  ArrayRef<int64_t> outputPadding = getOutputPadding();
  if (static_cast<int64_t>(outputPadding.size()) != spatial ||
      llvm::any_of(outputPadding, [](int64_t p) { return p < 0; }))
    return emitOpError("expects ")
           << spatial << " non-negative output_padding values";
  int64_t group = getGroup();
  int64_t c = in.getDimSize(1);
  if (w.getDimSize(0) != c)
    return emitOpError("input has ")
           << c << " channels but the weight is for " << w.getDimSize(0);
  if (c % group != 0)
    return emitOpError("input channels ")
           << c << " are not divisible by group " << group;
  int64_t m = w.getDimSize(1) * group;
  if (Value bias = getBias()) {
    auto bt = cast<RankedTensorType>(bias.getType());
    if (bt.getRank() != 1 || bt.getDimSize(0) != m)
      return emitOpError("bias must be [") << m << "], got " << bt;
  }
  SmallVector<int64_t> expected = {in.getDimSize(0), m};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t full = getStrides()[i] * (in.getDimSize(2 + i) - 1) +
                   getDilations()[i] * (w.getDimSize(2 + i) - 1) + 1 +
                   outputPadding[i];
    int64_t size = full - getPads()[i] - getPads()[spatial + i];
    if (size <= 0)
      return emitOpError("pads crop all ")
             << full << " elements of output dimension " << 2 + i;
    expected.push_back(size);
  }
  if (ArrayRef<int64_t>(expected) != out.getShape())
    return emitOpError("result shape ")
           << formatShape(out.getShape()) << " differs from the expected "
           << formatShape(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// Integer matmul and convolution
//===----------------------------------------------------------------------===//

LogicalResult MatMulIntegerOp::verify() {
  ArrayRef<int64_t> a = getLhs().getType().getShape();
  ArrayRef<int64_t> b = getRhs().getType().getShape();
  if (failed(verifyMatMulShapes(*this, a, b, getResult().getType().getShape())))
    return failure();
  std::optional<int64_t> rows, cols;
  if (a.size() != 1)
    rows = a[a.size() - 2];
  if (b.size() != 1)
    cols = b.back();
  if (failed(verifyZeroPoint(*this, "lhs_zero_point", getLhsZeroPoint(),
                             getLhs().getType().getElementType(), rows,
                             "row of lhs")) ||
      failed(verifyZeroPoint(*this, "rhs_zero_point", getRhsZeroPoint(),
                             getRhs().getType().getElementType(), cols,
                             "column of rhs")))
    return failure();
  return success();
}

LogicalResult ConvIntegerOp::verify() {
  auto in = getInput().getType();
  auto w = getWeight().getType();
  auto out = getOutput().getType();
  int64_t rank = in.getRank();
  if (rank < 3)
    return emitOpError("input must be [N, C, D1, ...], got rank ") << rank;
  if (w.getRank() != rank || out.getRank() != rank)
    return emitOpError("input, weight and output must have the same rank");
  int64_t spatial = rank - 2;
  if (failed(verifyWindowAttrs(*this, spatial, getStrides(), getPads(),
                               getDilations())))
    return failure();
  int64_t group = getGroup();
  int64_t c = in.getDimSize(1), m = w.getDimSize(0);
  if (c != w.getDimSize(1) * group)
    return emitOpError("input has ")
           << c << " channels but weight expects " << w.getDimSize(1)
           << " per group x " << group << " groups";
  if (m % group != 0)
    return emitOpError("output channels ")
           << m << " are not divisible by group " << group;
  if (failed(verifyZeroPoint(*this, "input_zero_point", getInputZeroPoint(),
                             in.getElementType(), std::nullopt, "")) ||
      failed(verifyZeroPoint(*this, "weight_zero_point", getWeightZeroPoint(),
                             w.getElementType(), m, "output channel")))
    return failure();
  SmallVector<int64_t> expected = {in.getDimSize(0), m};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t size = in.getDimSize(2 + i), k = w.getDimSize(2 + i);
    int64_t span = getDilations()[i] * (k - 1) + 1;
    int64_t padded = size + getPads()[i] + getPads()[spatial + i];
    if (span > padded)
      return emitOpError("window of ")
             << span << " elements does not fit in dimension " << 2 + i
             << " of size " << size << " padded to " << padded;
    expected.push_back(windowOutputSize(size, k, getStrides()[i], getPads()[i],
                                        getPads()[spatial + i],
                                        getDilations()[i],
                                        /*ceilMode=*/false));
  }
  if (ArrayRef<int64_t>(expected) != out.getShape())
    return emitOpError("result shape ")
           << formatShape(out.getShape()) << " differs from the expected "
           << formatShape(expected);
  return success();
}
