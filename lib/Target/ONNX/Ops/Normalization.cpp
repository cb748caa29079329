//===- Normalization.cpp - ONNX BatchNormalization and Softmax ------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

static LogicalResult importBatchNorm(NodeImporter &n) {
  // Outputs past Y (running or saved mean and variance) exist only in
  // training mode, whatever the opset.
  bool statistics = false;
  for (int i = 1; i < n.numOutputs(); ++i)
    statistics |= n.hasOutput(i);
  if (n.attrInt("training_mode", 0) != 0 || statistics)
    return n.emitError() << "training mode (training_mode=1 or the mean and "
                            "variance outputs) is unsupported; export the "
                            "model for inference";
  if (n.getOpset() < 9 && n.attrInt("spatial", 1) == 0)
    return n.emitError() << "spatial=0 is unsupported";
  Value x = n.input(0), scale = n.input(1), bias = n.input(2),
        mean = n.input(3), var = n.input(4);
  if (!x || !scale || !bias || !mean || !var)
    return failure();
  auto bn = q::BatchNormOp::create(
      n.b(), n.getLoc(), x.getType(), x, scale, bias, mean, var,
      n.b().getF32FloatAttr(static_cast<float>(n.attrFloat("epsilon", 1e-5))));
  n.setOutput(0, bn);
  return success();
}

static LogicalResult importSoftmax(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (rank == 0) {
    n.setOutput(0, q::SoftmaxOp::create(n.b(), n.getLoc(), x, 0));
    return success();
  }
  int64_t dflt = n.getOpset() < 13 ? 1 : -1;
  std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", dflt), rank);
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", dflt)
                         << " out of range for rank " << rank;
  if (n.getOpset() >= 13 || *axis == rank - 1) {
    n.setOutput(0, q::SoftmaxOp::create(n.b(), n.getLoc(), x, *axis));
    return success();
  }
  // Before opset 13 the input is coerced to 2-D at `axis` and the softmax
  // runs over the whole second dimension.
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *axis ? outer : inner) *= type.getDimSize(i);
  auto flatType = RankedTensorType::get({outer, inner}, type.getElementType());
  Value flat = q::ReshapeOp::create(n.b(), n.getLoc(), flatType, x);
  Value sm = q::SoftmaxOp::create(n.b(), n.getLoc(), flat, 1);
  n.setOutput(0, q::ReshapeOp::create(n.b(), n.getLoc(), type, sm));
  return success();
}

void registerNormalizationOps(ImporterRegistry &r) {
  r.add("", "BatchNormalization", importBatchNorm);
  r.add("", "Softmax", importSoftmax);
}

} // namespace qmlir::onnx_import
