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
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}
