//===- QOps.td - q dialect operations ----------------------*- tablegen -*-===//
//
// Part of qmlir. Graph ops follow the ONNX operator of the same name; the
// importer resolves defaults and auto_pad so attributes here are explicit.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QOPS_TD
#define QMLIR_DIALECT_Q_IR_QOPS_TD

include "qmlir/Dialect/Q/IR/QDialect.td"
include "qmlir/Dialect/Q/IR/QTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

include "qmlir/Dialect/Q/IR/QBase.td"
include "qmlir/Dialect/Q/IR/QQuantOps.td"
include "qmlir/Dialect/Q/IR/QElementwiseOps.td"
include "qmlir/Dialect/Q/IR/QLinearOps.td"
include "qmlir/Dialect/Q/IR/QPoolingOps.td"
include "qmlir/Dialect/Q/IR/QDataMovementOps.td"
include "qmlir/Dialect/Q/IR/QReductionOps.td"

#endif // QMLIR_DIALECT_Q_IR_QOPS_TD
