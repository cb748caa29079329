//===- Activation.cpp - ONNX activation functions -------------------------===//
//
// Part of qmlir. LeakyRelu PRelu HardSigmoid HardSwish Tanh Gelu Softplus
// Elu Selu. (Relu, Sigmoid and Clip are in Elementwise.cpp; LogSoftmax is
// with Softmax in Normalization.cpp.) Their q ops export back to them:
// HardSwish needs opset 14 and Gelu opset 20.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

/// Input 0, or null after an error if its elements are not floats.
static Value floatInput(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return {};
  Type elem = cast<RankedTensorType>(x.getType()).getElementType();
  if (!isa<FloatType>(elem)) {
    n.emitError() << "elements of type " << elem
                  << " are unsupported (float tensors only)";
    return {};
  }
  return x;
}

static FloatAttr f32Attr(NodeImporter &n, StringRef name, double dflt) {
  return n.b().getF32FloatAttr(static_cast<float>(n.attrFloat(name, dflt)));
}

template <typename OpTy>
static LogicalResult importUnaryFloat(NodeImporter &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  n.setOutput(0, OpTy::create(n.b(), n.getLoc(), x));
  return success();
}

static LogicalResult importLeakyRelu(NodeImporter &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  n.setOutput(0, q::LeakyReluOp::create(n.b(), n.getLoc(), x,
                                        f32Attr(n, "alpha", 0.01)));
  return success();
}

static LogicalResult importPRelu(NodeImporter &n) {
  Value x = n.input(0), slope = n.input(1);
  if (!x || !slope)
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  auto slopeType = cast<RankedTensorType>(slope.getType());
  FailureOr<SmallVector<int64_t>> shape =
      q::broadcastShapes(xType.getShape(), slopeType.getShape());
  if (failed(shape) || ArrayRef<int64_t>(*shape) != xType.getShape())
    return n.emitError() << "slope of type " << slopeType
                         << " does not broadcast to the input's " << xType;
  n.setOutput(0, q::PReluOp::create(n.b(), n.getLoc(), xType, x, slope));
  return success();
}

static LogicalResult importHardSigmoid(NodeImporter &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  n.setOutput(0, q::HardSigmoidOp::create(n.b(), n.getLoc(), x,
                                          f32Attr(n, "alpha", 0.2),
                                          f32Attr(n, "beta", 0.5)));
  return success();
}

static LogicalResult importElu(NodeImporter &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  n.setOutput(0,
              q::EluOp::create(n.b(), n.getLoc(), x, f32Attr(n, "alpha", 1.0)));
  return success();
}

static LogicalResult importSelu(NodeImporter &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  // ONNX's defaults, to float precision.
  n.setOutput(
      0, q::SeluOp::create(n.b(), n.getLoc(), x,
                           f32Attr(n, "alpha", 1.67326319217681884765625),
                           f32Attr(n, "gamma", 1.05070102214813232421875)));
  return success();
}

static LogicalResult importGelu(NodeImporter &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  std::string approximate = n.attrString("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return n.emitError() << "approximate must be \"none\" or \"tanh\", got \""
                         << approximate << "\"";
  // The output type is the input's (Gelu is elementwise); inference from
  // the schema below gives the same.
  n.setOutput(0, q::GeluOp::create(n.b(), n.getLoc(), x,
                                   /*approximate_tanh=*/approximate == "tanh"));
  return success();
}

/// ONNX Gelu-20, which libonnx 1.12 lacks: the schema check and shape
/// inference need it (a model with Gelu has types after it).
static onnx::OpSchema geluSchema() {
  onnx::OpSchema schema("Gelu", __FILE__, __LINE__);
  schema.SetDomain("")
      .SinceVersion(20)
      .Attr("approximate",
            "Gelu approximation algorithm: \"tanh\" or \"none\" (default).",
            onnx::AttributeProto::STRING, std::string("none"))
      .Input(0, "X", "Input tensor", "T")
      .Output(0, "Y", "Output tensor", "T")
      .TypeConstraint("T",
                      {"tensor(float16)", "tensor(float)", "tensor(double)",
                       "tensor(bfloat16)"},
                      "Float tensors.")
      .TypeAndShapeInferenceFunction(onnx::propagateShapeAndTypeFromFirstInput);
  return schema;
}

void registerActivationOps(ImporterRegistry &r) {
  r.add("", "LeakyRelu", importLeakyRelu);
  r.add("", "PRelu", importPRelu);
  r.add("", "HardSigmoid", importHardSigmoid);
  r.add("", "HardSwish", importUnaryFloat<q::HardSwishOp>);
  r.add("", "Tanh", importUnaryFloat<q::TanhOp>);
  r.add("", "Softplus", importUnaryFloat<q::SoftplusOp>);
  r.add("", "Elu", importElu);
  r.add("", "Selu", importSelu);
  r.add("", "Gelu", importGelu);
  r.addSchema(geluSchema());
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

static float f32(APFloat value) { return value.convertToFloat(); }

void registerActivationExporters(ExporterRegistry &r) {
  r.addNodeOfOperands<q::PReluOp>("PRelu");
  r.addNodeOfOperands<q::HardSwishOp>("HardSwish", /*since=*/14);
  r.addNodeOfOperands<q::TanhOp>("Tanh");
  r.addNodeOfOperands<q::SoftplusOp>("Softplus");
  r.add<q::LeakyReluOp>([](q::LeakyReluOp op, NodeExporter &e) {
    setFloatAttr(e.addNodeOfOperands("LeakyRelu"), "alpha", f32(op.getAlpha()));
    return success();
  });
  r.add<q::HardSigmoidOp>([](q::HardSigmoidOp op, NodeExporter &e) {
    onnx::NodeProto &node = e.addNodeOfOperands("HardSigmoid");
    setFloatAttr(node, "alpha", f32(op.getAlpha()));
    setFloatAttr(node, "beta", f32(op.getBeta()));
    return success();
  });
  r.add<q::EluOp>([](q::EluOp op, NodeExporter &e) {
    setFloatAttr(e.addNodeOfOperands("Elu"), "alpha", f32(op.getAlpha()));
    return success();
  });
  r.add<q::SeluOp>([](q::SeluOp op, NodeExporter &e) {
    onnx::NodeProto &node = e.addNodeOfOperands("Selu");
    setFloatAttr(node, "alpha", f32(op.getAlpha()));
    setFloatAttr(node, "gamma", f32(op.getGamma()));
    return success();
  });
  r.add<q::GeluOp>(
      [](q::GeluOp op, NodeExporter &e) {
        onnx::NodeProto &node = e.addNodeOfOperands("Gelu");
        if (op.getApproximateTanh())
          setStringAttr(node, "approximate", "tanh");
        return success();
      },
      [](Operation *) -> int64_t { return 20; });
}

} // namespace qmlir::onnx_export
