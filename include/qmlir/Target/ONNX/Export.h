//===- Export.h - ONNX model exporter ---------------------------*- C++ -*-===//
//
// Part of qmlir. Writes a module holding one function in the q dialect (as
// the importer makes it, and as q's passes leave it, quantized or not) as a
// standard ONNX model: quantized values as QuantizeLinear/DequantizeLinear
// pairs, the integer compute forms as ConvInteger/MatMulInteger, weights as
// initializers. ONNX Runtime runs the result.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_ONNX_EXPORT_H
#define QMLIR_TARGET_ONNX_EXPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

namespace qmlir {

/// Writes `module` as an ONNX model (binary protobuf) at `path`. The opset
/// is 13, or the lowest newer one an exported op needs. Graph inputs and
/// outputs keep their ONNX names (the `q.name` argument and result
/// attributes), nodes take the names of the ops' locations. On failure,
/// diagnostics naming each op that has no ONNX form (and its ONNX node) or
/// the file have been emitted, and `path` is left untouched (the model is
/// written to a temporary file renamed into place).
mlir::LogicalResult exportONNXFile(mlir::ModuleOp module, llvm::StringRef path);

} // namespace qmlir

#endif // QMLIR_TARGET_ONNX_EXPORT_H
