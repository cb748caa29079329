//===- NodeExporter.h - what an ONNX op exporter sees -----------*- C++ -*-===//
//
// Part of qmlir. The exporter core (Export.cpp) names values, writes
// initializers and the model; for each op it calls the function registered
// for the op's name, which adds the ONNX nodes. Op families register their
// exporters in their own files (Ops/*.cpp, listed in OpFamilies.def), next
// to their importers, so adding an op stays one file.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_TARGET_ONNX_NODEEXPORTER_H
#define QMLIR_LIB_TARGET_ONNX_NODEEXPORTER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <functional>
#include <string>

namespace qmlir::onnx_export {

class GraphExporter;

/// The view of one op given to its exporter.
class NodeExporter {
public:
  NodeExporter(GraphExporter &graph, mlir::Operation *op)
      : graph(graph), op(op) {}

  mlir::Operation *getOp() const { return op; }
  /// The ai.onnx opset the model is written for (13 or more: see
  /// ExporterRegistry::add).
  int64_t getOpset() const;

  /// The ONNX name of `value` (an argument or a result of an exported op);
  /// "" for a null value, an absent optional input.
  std::string name(mlir::Value value);
  /// The ONNX name of result `i` of the op.
  std::string output(unsigned i = 0);
  /// A new tensor name for an intermediate value of the op's nodes.
  std::string freshName(llvm::StringRef suffix);

  /// Adds a node of `opType` (ai.onnx) named after the op; trailing empty
  /// inputs and outputs are dropped.
  onnx::NodeProto &addNode(llvm::StringRef opType,
                           llvm::ArrayRef<std::string> inputs,
                           llvm::ArrayRef<std::string> outputs);
  /// addNode with the op's operands as inputs and its results as outputs.
  onnx::NodeProto &addNodeOfOperands(llvm::StringRef opType);
  /// Makes result `i` another name of `source`: no node (a change of view
  /// such as q.storage_cast).
  void alias(unsigned i, mlir::Value source);

  /// Makes result 0 the initializer holding `value`; fails after an error.
  mlir::LogicalResult setInitializer(mlir::ElementsAttr value);
  /// An initializer of `dataType` (onnx::TensorProto::DataType) and `dims`
  /// holding `values`, converted to the type; equal ones are shared.
  std::string intConstant(int32_t dataType, llvm::ArrayRef<int64_t> values,
                          llvm::ArrayRef<int64_t> dims, llvm::StringRef suffix);
  /// An INT64 initializer of shape [values.size()].
  std::string i64Vector(llvm::ArrayRef<int64_t> values, llvm::StringRef suffix);
  /// A FLOAT initializer of `dims`.
  std::string f32Constant(llvm::ArrayRef<float> values,
                          llvm::ArrayRef<int64_t> dims, llvm::StringRef suffix);

  /// An error naming the op and its ONNX node:
  /// "cannot export q.foo (node 'n') to ONNX: ...".
  mlir::InFlightDiagnostic emitError();

private:
  GraphExporter &graph;
  mlir::Operation *op;
};

/// Adds the ONNX nodes of one op, or emits an error and fails.
using OpExportFn =
    std::function<mlir::LogicalResult(mlir::Operation *, NodeExporter &)>;
/// The lowest ai.onnx opset the export of an op needs (13 and up).
using OpsetFn = std::function<int64_t(mlir::Operation *)>;

/// Maps op names ("q.conv") to their exporters.
class ExporterRegistry {
public:
  struct Entry {
    OpExportFn fn;
    OpsetFn opset; // null: opset 13
  };
  void add(llvm::StringRef opName, OpExportFn fn, OpsetFn opset = nullptr);
  /// An exporter taking the op's class.
  template <typename OpTy>
  void add(std::function<mlir::LogicalResult(OpTy, NodeExporter &)> fn,
           OpsetFn opset = nullptr) {
    add(
        OpTy::getOperationName(),
        [fn](mlir::Operation *op, NodeExporter &e) {
          return fn(llvm::cast<OpTy>(op), e);
        },
        std::move(opset));
  }
  /// An op whose operands and results are the inputs and outputs of one
  /// ONNX node of `opType` without attributes (q.exp -> Exp); `since` is
  /// the opset that node needs.
  template <typename OpTy>
  void addNodeOfOperands(llvm::StringRef opType, int64_t since = 13) {
    add(
        OpTy::getOperationName(),
        [type = opType.str()](mlir::Operation *, NodeExporter &e) {
          e.addNodeOfOperands(type);
          return mlir::success();
        },
        since > 13 ? OpsetFn([since](mlir::Operation *) { return since; })
                   : OpsetFn());
  }
  const Entry *lookup(llvm::StringRef opName) const;
  /// The registry with the exporters of every op family of OpFamilies.def.
  static const ExporterRegistry &get();

private:
  llvm::StringMap<Entry> table;
};

// One registration function per op family (Ops/<Family>.cpp).
#define QMLIR_ONNX_OP_FAMILY(NAME)                                             \
  void register##NAME##Exporters(ExporterRegistry &);
#include "OpFamilies.def"
#undef QMLIR_ONNX_OP_FAMILY

/// The ONNX data type (onnx::TensorProto::DataType) of a q element type:
/// quantized types give their storage type; 0 when ONNX has none.
int32_t onnxDataType(mlir::Type elementType);

// Attributes of a node.
void setIntAttr(onnx::NodeProto &node, llvm::StringRef name, int64_t value);
void setFloatAttr(onnx::NodeProto &node, llvm::StringRef name, float value);
void setStringAttr(onnx::NodeProto &node, llvm::StringRef name,
                   llvm::StringRef value);
void setIntsAttr(onnx::NodeProto &node, llvm::StringRef name,
                 llvm::ArrayRef<int64_t> values);
void setFloatsAttr(onnx::NodeProto &node, llvm::StringRef name,
                   llvm::ArrayRef<float> values);

} // namespace qmlir::onnx_export

#endif // QMLIR_LIB_TARGET_ONNX_NODEEXPORTER_H
