//===- Constant.cpp - ONNX Constant ---------------------------------------===//
//
// Part of qmlir. Constant nodes import to q.constant, and q.constant
// exports to an initializer.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

static LogicalResult importConstant(NodeImporter &n) {
  onnx::TensorProto t;
  if (const onnx::TensorProto *value = n.attrTensor("value")) {
    t = *value;
  } else if (n.hasAttr("value_float")) {
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_float_data(static_cast<float>(n.attrFloat("value_float", 0)));
  } else if (n.hasAttr("value_floats")) {
    t.set_data_type(onnx::TensorProto::FLOAT);
    SmallVector<double> v = n.attrFloats("value_floats");
    t.add_dims(v.size());
    for (double f : v)
      t.add_float_data(static_cast<float>(f));
  } else if (n.hasAttr("value_int")) {
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_int64_data(n.attrInt("value_int", 0));
  } else if (n.hasAttr("value_ints")) {
    t.set_data_type(onnx::TensorProto::INT64);
    SmallVector<int64_t> v = n.attrInts("value_ints");
    t.add_dims(v.size());
    for (int64_t i : v)
      t.add_int64_data(i);
  } else {
    std::string form = n.proto().attribute_size()
                           ? n.proto().attribute(0).name()
                           : std::string("<no attribute>");
    return n.emitError() << "the '" << form
                         << "' form is unsupported (supported: value, "
                            "value_float, value_floats, value_int, "
                            "value_ints)";
  }
  return n.setConstantOutput(0, std::move(t));
}

void registerConstantOps(ImporterRegistry &r) {
  r.add("", "Constant", importConstant);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

void registerConstantExporters(ExporterRegistry &r) {
  r.add<q::ConstantOp>([](q::ConstantOp op, NodeExporter &e) {
    return e.setInitializer(op.getValue());
  });
}

} // namespace qmlir::onnx_export
