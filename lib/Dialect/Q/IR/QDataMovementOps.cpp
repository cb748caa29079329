//===- QDataMovementOps.cpp - slices, pads, gathers, resize ---------------===//
//
// Part of qmlir. Verifiers of the data movement ops of
// QDataMovementOps.td added with the shape family (reshape, flatten,
// transpose and concat are verified in QOps.cpp).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qmlir::q;

static LogicalResult verifyResultShape(Operation *op, ShapedType result,
                                       ArrayRef<int64_t> expected) {
  if (result.getShape() != expected)
    return op->emitOpError("result shape ")
           << formatShape(result.getShape()) << " differs from the expected "
           << formatShape(expected);
  return success();
}

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " out of range for rank " << rank;
  return success();
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  int64_t rank = in.getRank();
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  if (static_cast<int64_t>(starts.size()) != rank ||
      static_cast<int64_t>(steps.size()) != rank)
    return emitOpError("needs one start and one step per dimension (rank ")
           << rank << "), got " << starts.size() << " starts and "
           << steps.size() << " steps";
  if (out.getRank() != rank)
    return emitOpError("result rank ")
           << out.getRank() << " differs from the input rank " << rank;
  for (int64_t d = 0; d < rank; ++d) {
    if (steps[d] == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    int64_t n = out.getDimSize(d);
    if (n == 0)
      continue;
    int64_t last = starts[d] + (n - 1) * steps[d];
    int64_t size = in.getDimSize(d);
    if (std::min(starts[d], last) < 0 || std::max(starts[d], last) >= size)
      return emitOpError("dimension ")
             << d << " reads indices " << starts[d] << " to " << last
             << ", outside [0, " << size << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::verify() {
  auto in = getInput().getType();
  int64_t rank = in.getRank();
  ArrayRef<int64_t> pads = getPads();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOpError("needs a begin and an end pad per dimension (")
           << 2 * rank << " values), got " << pads.size();
  StringRef mode = getMode();
  if (getValue() && mode != "constant")
    return emitOpError("a pad value needs mode \"constant\", not \"")
           << mode << "\"";
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = in.getDimSize(d);
    for (int64_t p : {pads[d], pads[rank + d]}) {
      if (p < 0)
        return emitOpError("pad ") << p << " of dimension " << d
                                   << " is negative (crop with q.slice)";
      if (mode == "reflect" && p > 0 && p >= size)
        return emitOpError("reflect pad ")
               << p << " of dimension " << d
               << " needs a larger dimension, got size " << size;
      if (mode == "edge" && p > 0 && size == 0)
        return emitOpError("edge pad of dimension ") << d << ", which is empty";
    }
    expected.push_back(size + pads[d] + pads[rank + d]);
  }
  return verifyResultShape(*this, getOutput().getType(), expected);
}

//===----------------------------------------------------------------------===//
// Gathers
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::verify() {
  auto in = getInput().getType();
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, axis, in.getRank())))
    return failure();
  SmallVector<int64_t> expected(in.getShape().take_front(axis));
  llvm::append_range(expected, getIndices().getType().getShape());
  llvm::append_range(expected, in.getShape().drop_front(axis + 1));
  return verifyResultShape(*this, getOutput().getType(), expected);
}

LogicalResult GatherElementsOp::verify() {
  auto in = getInput().getType();
  auto indices = getIndices().getType();
  int64_t rank = in.getRank();
  if (failed(verifyAxis(*this, getAxis(), rank)))
    return failure();
  if (indices.getRank() != rank)
    return emitOpError("indices must have the input's rank ")
           << rank << ", got " << indices.getRank();
  for (int64_t d = 0; d < rank; ++d)
    if (d != static_cast<int64_t>(getAxis()) &&
        indices.getDimSize(d) > in.getDimSize(d))
      return emitOpError("indices dimension ")
             << d << " of size " << indices.getDimSize(d)
             << " exceeds the input's " << in.getDimSize(d);
  return success();
}

//===----------------------------------------------------------------------===//
// ExpandOp
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::verify() {
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(in, out);
  if (failed(shape) || ArrayRef<int64_t>(*shape) != out)
    return emitOpError("input shape ")
           << formatShape(in) << " does not broadcast to " << formatShape(out);
  return success();
}

//===----------------------------------------------------------------------===//
// TriluOp
//===----------------------------------------------------------------------===//

LogicalResult TriluOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("needs an input of rank >= 2, got rank ")
           << getInput().getType().getRank();
  return success();
}

//===----------------------------------------------------------------------===//
// ResizeOp
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  int64_t rank = in.getRank();
  if (out.getRank() != rank)
    return emitOpError("result rank ")
           << out.getRank() << " differs from the input rank " << rank;
  ArrayRef<double> scales = getScales();
  if (static_cast<int64_t>(scales.size()) != rank)
    return emitOpError("needs one scale per dimension (rank ")
           << rank << "), got " << scales.size();
  for (auto [d, scale] : llvm::enumerate(scales))
    if (!(scale > 0))
      return emitOpError("scale ")
             << scale << " of dimension " << d << " is not positive";
  for (int64_t d = 0; d < rank; ++d)
    if (in.getDimSize(d) == 0 && out.getDimSize(d) != 0)
      return emitOpError("cannot resize the empty dimension ")
             << d << " to size " << out.getDimSize(d);
  std::optional<ArrayRef<double>> roi = getRoi();
  if (getCoordinateTransformationMode() == "tf_crop_and_resize" && !roi)
    return emitOpError("coordinate_transformation_mode "
                       "\"tf_crop_and_resize\" needs a roi");
  if (roi && static_cast<int64_t>(roi->size()) != 2 * rank)
    return emitOpError("roi needs a start and an end per dimension (")
           << 2 * rank << " values), got " << roi->size();
  Type elem = in.getElementType();
  if (getMode() != "nearest" && !isa<FloatType>(elem))
    return emitOpError("mode \"")
           << getMode() << "\" needs a float element type, got " << elem;
  return success();
}
