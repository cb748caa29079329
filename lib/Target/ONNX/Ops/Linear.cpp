//===- Linear.cpp - ONNX MatMul and Gemm ----------------------------------===//
//
// Part of qmlir. Both ways: q.matmul and q.gemm.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

static LogicalResult importMatMul(NodeImporter &n) {
  Value a = n.input(0), b = n.input(1);
  RankedTensorType type = n.outputType();
  if (!a || !b || !type)
    return failure();
  n.setOutput(0, q::MatMulOp::create(n.b(), n.getLoc(), type, a, b));
  return success();
}

static LogicalResult importGemm(NodeImporter &n) {
  Value a = n.input(0), b = n.input(1);
  Value c = n.hasInput(2) ? n.input(2) : Value();
  RankedTensorType type = n.outputType();
  if (!a || !b || !type || (n.hasInput(2) && !c))
    return failure();
  if (n.getOpset() < 7 && n.hasAttr("broadcast") &&
      n.attrInt("broadcast", 0) == 0 && c &&
      cast<RankedTensorType>(c.getType()).getShape() != type.getShape())
    return n.emitError() << "C must have the output's shape [M, N] when "
                            "broadcast=0 (opset < 7); set broadcast=1";
  auto gemm = q::GemmOp::create(
      n.b(), n.getLoc(), type, a, b, c,
      n.b().getF32FloatAttr(static_cast<float>(n.attrFloat("alpha", 1.0))),
      n.b().getF32FloatAttr(static_cast<float>(n.attrFloat("beta", 1.0))),
      n.attrInt("transA", 0) != 0 ? n.b().getUnitAttr() : UnitAttr(),
      n.attrInt("transB", 0) != 0 ? n.b().getUnitAttr() : UnitAttr());
  n.setOutput(0, gemm);
  return success();
}

void registerLinearOps(ImporterRegistry &r) {
  r.add("", "MatMul", importMatMul);
  r.add("", "Gemm", importGemm);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

void registerLinearExporters(ExporterRegistry &r) {
  r.addNodeOfOperands<q::MatMulOp>("MatMul");
  r.add<q::GemmOp>([](q::GemmOp op, NodeExporter &e) {
    onnx::NodeProto &node = e.addNodeOfOperands("Gemm");
    setFloatAttr(node, "alpha", op.getAlpha().convertToFloat());
    setFloatAttr(node, "beta", op.getBeta().convertToFloat());
    setIntAttr(node, "transA", op.getTransA() ? 1 : 0);
    setIntAttr(node, "transB", op.getTransB() ? 1 : 0);
    return success();
  });
}

} // namespace qmlir::onnx_export
