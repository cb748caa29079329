//===- Shape.cpp - ONNX Reshape, Flatten, Transpose, Concat ---------------===//
//
// Part of qmlir. Target shapes come from ONNX shape inference, which folds
// constant shape inputs; a shape known only at run time is an error.
//
//===----------------------------------------------------------------------===//

#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

static LogicalResult importReshape(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  if (n.getOpset() >= 5 && !n.constantInput(1))
    return n.emitError() << "the target shape '" << n.proto().input(1)
                         << "' depends on run-time data; qmlir needs static "
                            "shapes (make it an initializer or a Constant)";
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  n.setOutput(0, q::ReshapeOp::create(n.b(), n.getLoc(), type, x));
  return success();
}

static LogicalResult importFlatten(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  int64_t axis = n.attrInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return n.emitError() << "axis " << n.attrInt("axis", 1)
                         << " out of range for rank " << rank;
  n.setOutput(0, q::FlattenOp::create(n.b(), n.getLoc(), type, x, axis));
  return success();
}

static LogicalResult importTranspose(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> perm = n.attrInts("perm");
  if (!n.hasAttr("perm"))
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  n.setOutput(0, q::TransposeOp::create(n.b(), n.getLoc(), type, x, perm));
  return success();
}

static LogicalResult importConcat(NodeImporter &n) {
  SmallVector<Value> inputs;
  for (int i = 0; i < n.numInputs(); ++i) {
    Value v = n.input(i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  std::optional<int64_t> axis =
      normalizeAxis(n.attrInt("axis", 0), type.getRank());
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", 0)
                         << " out of range for rank " << type.getRank();
  n.setOutput(0, q::ConcatOp::create(n.b(), n.getLoc(), type, inputs, *axis));
  return success();
}

void registerShapeOps(ImporterRegistry &r) {
  r.add("", "Reshape", importReshape);
  r.add("", "Flatten", importFlatten);
  r.add("", "Transpose", importTranspose);
  r.add("", "Concat", importConcat);
}

} // namespace qmlir::onnx_import
