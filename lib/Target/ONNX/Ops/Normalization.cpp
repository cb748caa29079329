//===- Normalization.cpp - ONNX normalizations and Softmax ----------------===//
//
// Part of qmlir. BatchNormalization LayerNormalization InstanceNormalization
// Softmax LogSoftmax. q.layer_norm exports to InstanceNormalization when it
// has that form, else to LayerNormalization (opset 17).
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Target/ONNX/TensorProto.h"

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

/// Softmax and LogSoftmax share their opset history: before opset 13 the
/// input is coerced to 2-D at `axis` (default 1), from 13 on the op runs
/// along `axis` (default -1).
template <typename OpTy>
static LogicalResult importSoftmaxLike(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  if (!isa<FloatType>(type.getElementType()))
    return n.emitError() << "elements of type " << type.getElementType()
                         << " are unsupported (float tensors only)";
  int64_t rank = type.getRank();
  if (rank == 0) {
    n.setOutput(0, OpTy::create(n.b(), n.getLoc(), x, 0));
    return success();
  }
  int64_t dflt = n.getOpset() < 13 ? 1 : -1;
  std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", dflt), rank);
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", dflt)
                         << " out of range for rank " << rank;
  if (n.getOpset() >= 13 || *axis == rank - 1) {
    n.setOutput(0, OpTy::create(n.b(), n.getLoc(), x, *axis));
    return success();
  }
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *axis ? outer : inner) *= type.getDimSize(i);
  auto flatType = RankedTensorType::get({outer, inner}, type.getElementType());
  Value flat = q::ReshapeOp::create(n.b(), n.getLoc(), flatType, x);
  Value sm = OpTy::create(n.b(), n.getLoc(), flat, 1);
  n.setOutput(0, q::ReshapeOp::create(n.b(), n.getLoc(), type, sm));
  return success();
}

/// The shape of LayerNormalization's Mean and InvStdDev outputs: the
/// input's dimensions before `axis`, then 1s.
static RankedTensorType statisticsType(RankedTensorType in, int64_t axis,
                                       Type elem) {
  SmallVector<int64_t> shape(in.getShape().take_front(axis));
  shape.append(in.getRank() - axis, 1);
  return RankedTensorType::get(shape, elem);
}

static LogicalResult importLayerNorm(NodeImporter &n) {
  Value x = n.input(0), scale = n.input(1);
  Value bias = n.hasInput(2) ? n.input(2) : Value();
  if (!x || !scale || (n.hasInput(2) && !bias))
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", -1), rank);
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", -1)
                         << " out of range for rank " << rank;
  // stash_type is the type of Mean and InvStdDev and of their computation.
  int64_t stash = n.attrInt("stash_type", onnx::TensorProto::FLOAT);
  Type statElem =
      onnxElementType(static_cast<int32_t>(stash), n.b().getContext());
  if (!statElem || !isa<FloatType>(statElem))
    return n.emitError() << "stash_type " << stash
                         << " is unsupported (expected a float type)";
  RankedTensorType statType = statisticsType(type, *axis, statElem);
  auto ln = q::LayerNormOp::create(
      n.b(), n.getLoc(), TypeRange{type, statType, statType}, x, scale, bias,
      n.b().getI64IntegerAttr(*axis),
      n.b().getF32FloatAttr(static_cast<float>(n.attrFloat("epsilon", 1e-5))));
  for (int i = 0; i < 3; ++i)
    n.setOutput(i, ln.getResult(i));
  return success();
}

/// InstanceNormalization is q.layer_norm over the spatial dimensions
/// (axis 2) with the per-channel scale and bias viewed as [C, 1, ...].
static LogicalResult importInstanceNorm(NodeImporter &n) {
  Value x = n.input(0), scale = n.input(1), bias = n.input(2);
  if (!x || !scale || !bias)
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (rank < 3)
    return n.emitError() << "input must be [N, C, D1, ...], got rank " << rank;
  SmallVector<int64_t> chanShape = {type.getDimSize(1)};
  chanShape.append(rank - 2, 1);
  auto reshape = [&](Value v) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != type.getDimSize(1)) {
      n.emitError() << "scale and B must be [" << type.getDimSize(1)
                    << "], got " << t;
      return {};
    }
    return q::ReshapeOp::create(n.b(), n.getLoc(), t.clone(chanShape), v);
  };
  Value s = reshape(scale);
  Value b = s ? reshape(bias) : Value();
  if (!s || !b)
    return failure();
  // The statistics in f32 at least, as ONNX Runtime computes them.
  Type elem = type.getElementType();
  Type statElem = elem.getIntOrFloatBitWidth() < 32 ? n.b().getF32Type() : elem;
  RankedTensorType statType = statisticsType(type, 2, statElem);
  auto ln = q::LayerNormOp::create(
      n.b(), n.getLoc(), TypeRange{type, statType, statType}, x, s, b,
      n.b().getI64IntegerAttr(2),
      n.b().getF32FloatAttr(static_cast<float>(n.attrFloat("epsilon", 1e-5))));
  n.setOutput(0, ln.getOutput());
  return success();
}

void registerNormalizationOps(ImporterRegistry &r) {
  r.add("", "BatchNormalization", importBatchNorm);
  r.add("", "InstanceNormalization", importInstanceNorm);
  r.add("", "LayerNormalization", importLayerNorm);
  r.add("", "Softmax", importSoftmaxLike<q::SoftmaxOp>);
  r.add("", "LogSoftmax", importSoftmaxLike<q::LogSoftmaxOp>);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

/// Whether `op` is an InstanceNormalization: over the spatial dimensions
/// (axis 2), scale and bias [C, 1, ...], no statistics used.
static bool isInstanceNorm(q::LayerNormOp op) {
  RankedTensorType type = op.getInput().getType();
  if (op.getAxis() != 2 || type.getRank() < 3 || !op.getBias() ||
      !op.getMean().use_empty() || !op.getInvStdDev().use_empty())
    return false;
  SmallVector<int64_t> channelShape = {type.getDimSize(1)};
  channelShape.append(type.getRank() - 2, 1);
  auto hasChannelShape = [&](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape() ==
           ArrayRef<int64_t>(channelShape);
  };
  return hasChannelShape(op.getScale()) && hasChannelShape(op.getBias());
}

/// `v` ([C, 1, ...]) as a [C] vector: the value it was reshaped from, or a
/// Reshape.
static std::string channelVector(NodeExporter &e, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (auto reshape = v.getDefiningOp<q::ReshapeOp>())
    if (cast<RankedTensorType>(reshape.getInput().getType()).getShape() ==
        type.getShape().take_front())
      return e.name(reshape.getInput());
  std::string out = e.freshName("channels");
  e.addNode("Reshape",
            {e.name(v), e.i64Vector(type.getShape().take_front(), "channels")},
            {out});
  return out;
}

void registerNormalizationExporters(ExporterRegistry &r) {
  r.add<q::BatchNormOp>([](q::BatchNormOp op, NodeExporter &e) {
    setFloatAttr(e.addNodeOfOperands("BatchNormalization"), "epsilon",
                 op.getEpsilon().convertToFloat());
    return success();
  });
  r.add<q::LayerNormOp>(
      [](q::LayerNormOp op, NodeExporter &e) {
        if (isInstanceNorm(op)) {
          std::string scale = channelVector(e, op.getScale());
          std::string bias = channelVector(e, op.getBias());
          onnx::NodeProto &node =
              e.addNode("InstanceNormalization",
                        {e.name(op.getInput()), scale, bias}, {e.output(0)});
          setFloatAttr(node, "epsilon", op.getEpsilon().convertToFloat());
          return success();
        }
        // Unused statistics are left out.
        auto statistic = [&](unsigned i) {
          return op->getResult(i).use_empty() ? std::string() : e.output(i);
        };
        onnx::NodeProto &node =
            e.addNode("LayerNormalization",
                      {e.name(op.getInput()), e.name(op.getScale()),
                       e.name(op.getBias())},
                      {e.output(0), statistic(1), statistic(2)});
        setIntAttr(node, "axis", op.getAxis());
        setFloatAttr(node, "epsilon", op.getEpsilon().convertToFloat());
        setIntAttr(node, "stash_type",
                   onnxDataType(op.getMean().getType().getElementType()));
        return success();
      },
      [](Operation *op) -> int64_t {
        return isInstanceNorm(cast<q::LayerNormOp>(op)) ? 13 : 17;
      });
  r.add<q::SoftmaxOp>([](q::SoftmaxOp op, NodeExporter &e) {
    setIntAttr(e.addNodeOfOperands("Softmax"), "axis", op.getAxis());
    return success();
  });
  r.add<q::LogSoftmaxOp>([](q::LogSoftmaxOp op, NodeExporter &e) {
    setIntAttr(e.addNodeOfOperands("LogSoftmax"), "axis", op.getAxis());
    return success();
  });
}

} // namespace qmlir::onnx_export
