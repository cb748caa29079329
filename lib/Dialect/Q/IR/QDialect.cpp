//===- QDialect.cpp - the q dialect ---------------------------------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QDialect.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/IR/QTypes.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qmlir::q;

#include "qmlir/Dialect/Q/IR/QDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "qmlir/Dialect/Q/IR/QTypes.cpp.inc"

void QDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qmlir/Dialect/Q/IR/QOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "qmlir/Dialect/Q/IR/QTypes.cpp.inc"
      >();
}

Operation *QDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                         Type type, Location loc) {
  // Folders keep the attribute's own element type (the storage type of a
  // quantized tensor, signless for ui*), so the types may differ.
  if (!ConstantOp::isBuildableWith(value, type))
    return nullptr;
  return ConstantOp::create(builder, loc, type, cast<ElementsAttr>(value));
}
