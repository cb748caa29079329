//===- QNormalizationOps.cpp - verifier of q.layer_norm -------------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qmlir::q;

LogicalResult LayerNormOp::verify() {
  auto in = getInput().getType();
  int64_t rank = in.getRank();
  // I64Attr reads back as uint64_t; the verifier wants it signed.
  int64_t axis = getAxis();
  if (axis >= rank)
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  if (getOutput().getType() != in)
    return emitOpError("result type ")
           << getOutput().getType() << " differs from the input type " << in;
  for (Value v : {getScale(), getBias()}) {
    if (!v)
      continue;
    auto t = cast<RankedTensorType>(v.getType());
    FailureOr<SmallVector<int64_t>> shape =
        broadcastShapes(t.getShape(), in.getShape());
    if (t.getElementType() != in.getElementType() || t.getRank() > rank ||
        failed(shape) || ArrayRef<int64_t>(*shape) != in.getShape())
      return emitOpError("scale and bias must be ")
             << in.getElementType() << " tensors that broadcast to "
             << formatShape(in.getShape()) << ", got " << t;
  }
  SmallVector<int64_t> statShape(in.getShape().take_front(axis));
  statShape.append(rank - axis, 1);
  auto mean = getMean().getType(), inv = getInvStdDev().getType();
  if (mean != inv || mean.getShape() != ArrayRef<int64_t>(statShape))
    return emitOpError("mean and inv_std_dev must have one type of shape ")
           << formatShape(statShape) << ", got " << mean << " and " << inv;
  return success();
}
