//===- Cast.cpp - ONNX Cast, CastLike, Identity and Dropout ---------------===//
//
// Part of qmlir. Ops that convert or pass values on: Identity and Dropout
// (qmlir compiles inference, where Dropout passes its input on) produce no
// q op. q.cast exports to Cast.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Target/ONNX/TensorProto.h"

using namespace mlir;

namespace qmlir::onnx_import {

/// `x` converted to the element type `elem` (`x` itself when it has it).
static LogicalResult castTo(NodeImporter &n, Value x, int32_t dataType) {
  Type elem = onnxElementType(dataType, n.b().getContext());
  if (!elem)
    return n.emitError() << "casting to " << onnxTypeName(dataType)
                         << " is unsupported (qmlir compiles numeric and "
                            "bool tensors)";
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getElementType() == elem) {
    n.setOutput(0, x);
    return success();
  }
  n.setOutput(0, q::CastOp::create(n.b(), n.getLoc(), type.clone(elem), x));
  return success();
}

static LogicalResult importCast(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  // Before opset 6 `to` was the type's name.
  int32_t to = onnx::TensorProto::UNDEFINED;
  if (n.getOpset() < 6) {
    std::string name = n.attrString("to", "");
    onnx::TensorProto::DataType parsed;
    if (!onnx::TensorProto::DataType_Parse(name, &parsed))
      return n.emitError() << "unknown type '" << name << "' in 'to'";
    to = parsed;
  } else {
    to = static_cast<int32_t>(n.attrInt("to", onnx::TensorProto::UNDEFINED));
  }
  return castTo(n, x, to);
}

static LogicalResult importCastLike(NodeImporter &n) {
  Value x = n.input(0), like = n.input(1);
  if (!x || !like)
    return failure();
  Type elem = cast<RankedTensorType>(like.getType()).getElementType();
  auto type = cast<RankedTensorType>(x.getType());
  n.setOutput(0, type.getElementType() == elem
                     ? x
                     : Value(q::CastOp::create(n.b(), n.getLoc(),
                                               type.clone(elem), x)));
  return success();
}

/// Passes input 0 on as output 0. (Shapes computed through Identity are
/// folded to initializers before import: see ShapeFolding.cpp.)
static LogicalResult passOn(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  n.setOutput(0, x);
  return success();
}

static LogicalResult importDropout(NodeImporter &n) {
  // Opset 12+: a training_mode input other than a constant false would
  // drop at random (opset < 7 had is_test, and ONNX Runtime runs such
  // models as inference too).
  if (n.hasInput(2)) {
    const onnx::TensorProto *mode = n.constantInput(2);
    DecodedTensor decoded;
    std::string error;
    bool training = true;
    if (mode && decodeTensorProto(*mode, "", decoded, error) &&
        decoded.dataType == onnx::TensorProto::BOOL)
      training = llvm::any_of(decoded.bytes, [](char c) { return c != 0; });
    if (training)
      return n.emitError()
             << "training mode (a training_mode input other than a constant "
                "false) is unsupported: qmlir compiles inference, where "
                "Dropout passes its input on";
  }
  if (failed(passOn(n)))
    return failure();
  if (!n.hasOutput(1))
    return success();
  // The mask keeps everything: bool since opset 10, the input's type before.
  Value x = n.input(0);
  if (!x)
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  Type elem = type.getElementType();
  Attribute one;
  if (n.getOpset() >= 10) {
    elem = n.b().getI1Type();
    one = n.b().getBoolAttr(true);
  } else {
    one = FloatAttr::get(elem, 1.0);
  }
  auto maskType = type.clone(elem);
  auto mask = q::ConstantOp::create(
      n.b(), n.getLoc(), maskType,
      DenseElementsAttr::get(maskType, cast<TypedAttr>(one)));
  n.setOutput(1, mask);
  return success();
}

/// Version `since` of `opType`, which libonnx 1.12 lacks: its version
/// `before` plus the `saturate` attribute (opset 19), which only float8
/// targets read and qmlir has none; opset 19+ models pass the schema check.
static void addSaturateSchema(ImporterRegistry &r, StringRef opType, int before,
                              int since) {
  const onnx::OpSchema *old =
      onnx::OpSchemaRegistry::Schema(opType.str(), before, "");
  if (!old || old->SinceVersion() >= since)
    return;
  // A finalized schema cannot be finalized again: rebuild it.
  onnx::OpSchema schema(old->Name(), __FILE__, __LINE__);
  schema.SetDomain(old->domain()).SinceVersion(since);
  for (const auto &entry : old->attributes())
    schema.Attr(entry.second);
  schema.Attr("saturate", "Float8 targets only: saturate out-of-range values.",
              onnx::AttributeProto::INT, static_cast<int64_t>(1));
  for (auto [i, p] : llvm::enumerate(old->inputs()))
    schema.Input(i, p.GetName(), p.GetDescription(), p.GetTypeStr(),
                 p.GetOption(), p.GetIsHomogeneous(), p.GetMinArity(),
                 p.GetDifferentiationCategory());
  for (auto [i, p] : llvm::enumerate(old->outputs()))
    schema.Output(i, p.GetName(), p.GetDescription(), p.GetTypeStr(),
                  p.GetOption(), p.GetIsHomogeneous(), p.GetMinArity(),
                  p.GetDifferentiationCategory());
  for (const auto &c : old->typeConstraintParams())
    schema.TypeConstraint(c.type_param_str, c.allowed_type_strs, c.description);
  schema.TypeAndShapeInferenceFunction(old->GetTypeAndShapeInferenceFunction());
  r.addSchema(std::move(schema));
}

void registerCastOps(ImporterRegistry &r) {
  r.add("", "Cast", importCast);
  addSaturateSchema(r, "Cast", 13, 19);
  r.add("", "CastLike", importCastLike);
  addSaturateSchema(r, "CastLike", 15, 19);
  r.add("", "Identity", passOn);
  r.add("", "Dropout", importDropout);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

void registerCastExporters(ExporterRegistry &r) {
  r.add<q::CastOp>([](q::CastOp op, NodeExporter &e) {
    setIntAttr(e.addNodeOfOperands("Cast"), "to",
               onnxDataType(op.getType().getElementType()));
    return success();
  });
}

} // namespace qmlir::onnx_export
