//===- Logic.cpp - ONNX comparisons, logic and selection ------------------===//
//
// Part of qmlir. Equal Less LessOrEqual Greater GreaterOrEqual And Or Xor
// Not Where, and back.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "LegacyBroadcast.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

/// Comparisons and And/Or/Xor: two broadcasting inputs, a bool result.
template <typename OpTy>
static LogicalResult importBinary(NodeImporter &n) {
  Value lhs = n.input(0), rhs = n.input(1);
  RankedTensorType type = n.outputType();
  if (!lhs || !rhs || !type || failed(checkLegacyBroadcast(n, lhs, rhs)))
    return failure();
  Type a = cast<RankedTensorType>(lhs.getType()).getElementType();
  Type b = cast<RankedTensorType>(rhs.getType()).getElementType();
  if (a != b)
    return n.emitError() << "inputs have different element types " << a
                         << " and " << b;
  n.setOutput(0, OpTy::create(n.b(), n.getLoc(), type, lhs, rhs));
  return success();
}

static LogicalResult importNot(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  n.setOutput(0, q::NotOp::create(n.b(), n.getLoc(), x));
  return success();
}

static LogicalResult importWhere(NodeImporter &n) {
  Value cond = n.input(0), x = n.input(1), y = n.input(2);
  RankedTensorType type = n.outputType();
  if (!cond || !x || !y || !type)
    return failure();
  n.setOutput(0, q::WhereOp::create(n.b(), n.getLoc(), type, cond, x, y));
  return success();
}

void registerLogicOps(ImporterRegistry &r) {
  r.add("", "Equal", importBinary<q::EqualOp>);
  r.add("", "Less", importBinary<q::LessOp>);
  r.add("", "LessOrEqual", importBinary<q::LessOrEqualOp>);
  r.add("", "Greater", importBinary<q::GreaterOp>);
  r.add("", "GreaterOrEqual", importBinary<q::GreaterOrEqualOp>);
  r.add("", "And", importBinary<q::AndOp>);
  r.add("", "Or", importBinary<q::OrOp>);
  r.add("", "Xor", importBinary<q::XorOp>);
  r.add("", "Not", importNot);
  r.add("", "Where", importWhere);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

void registerLogicExporters(ExporterRegistry &r) {
  r.addNodeOfOperands<q::EqualOp>("Equal");
  r.addNodeOfOperands<q::LessOp>("Less");
  r.addNodeOfOperands<q::LessOrEqualOp>("LessOrEqual");
  r.addNodeOfOperands<q::GreaterOp>("Greater");
  r.addNodeOfOperands<q::GreaterOrEqualOp>("GreaterOrEqual");
  r.addNodeOfOperands<q::AndOp>("And");
  r.addNodeOfOperands<q::OrOp>("Or");
  r.addNodeOfOperands<q::XorOp>("Xor");
  r.addNodeOfOperands<q::NotOp>("Not");
  r.addNodeOfOperands<q::WhereOp>("Where");
}

} // namespace qmlir::onnx_export
