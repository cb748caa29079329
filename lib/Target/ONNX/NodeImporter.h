//===- NodeImporter.h - what an ONNX op importer sees -----------*- C++ -*-===//
//
// Part of qmlir. The importer core builds one NodeImporter per ONNX node and
// hands it to the function registered for the node's (domain, op type). Op
// families register their functions in their own files (Ops/*.cpp, listed
// in OpFamilies.def), so adding an op never touches the core.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_TARGET_ONNX_NODEIMPORTER_H
#define QMLIR_LIB_TARGET_ONNX_NODEIMPORTER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace qmlir::onnx_import {

class GraphImporter;

/// The view of one ONNX node given to an op importer.
class NodeImporter {
public:
  /// `index` is the node's position in the file's node list.
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
               mlir::OpBuilder &builder, mlir::Location loc, int index,
               int64_t opset)
      : graph(graph), node(node), builder(builder), loc(loc), index(index),
        opset(opset) {}

  const onnx::NodeProto &proto() const { return node; }
  mlir::OpBuilder &b() { return builder; }
  mlir::Location getLoc() const { return loc; }
  /// The opset version of the node's domain imported by the model.
  int64_t getOpset() const { return opset; }

  /// Inputs: an optional input left out or given the empty name is absent.
  int numInputs() const { return node.input_size(); }
  bool hasInput(int i) const {
    return i < node.input_size() && !node.input(i).empty();
  }
  /// The value of input `i` (a q.constant for initializers), or null.
  mlir::Value input(int i);
  /// The TensorProto of input `i` if it is an initializer or a Constant
  /// node's output, else null.
  const onnx::TensorProto *constantInput(int i) const;
  /// The values of a constant integer (or bool) input of any width:
  /// shapes, axes, pads, zero points.
  std::optional<llvm::SmallVector<int64_t>> constantInts(int i) const;
  /// The float values of a constant input.
  std::optional<llvm::SmallVector<double>> constantFloats(int i) const;

  /// The statically shaped result type of output `i` as ONNX shape
  /// inference computed it; emits an error and returns null if unknown.
  mlir::RankedTensorType outputType(int i = 0);
  int numOutputs() const { return node.output_size(); }
  bool hasOutput(int i) const {
    return i < node.output_size() && !node.output(i).empty();
  }
  void setOutput(int i, mlir::Value value);
  /// Sets output `i` to a constant (ONNX Constant), which later nodes may
  /// read through constantInput().
  mlir::LogicalResult setConstantOutput(int i, onnx::TensorProto tensor);

  // Attributes.
  bool hasAttr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  double attrFloat(llvm::StringRef name, double dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t> attrInts(llvm::StringRef name) const;
  llvm::SmallVector<double> attrFloats(llvm::StringRef name) const;
  const onnx::TensorProto *attrTensor(llvm::StringRef name) const;

  /// An error prefixed with the node's op type and name (or position).
  mlir::InFlightDiagnostic emitError();

  /// A q.constant holding `tensor` (dense, or a dense_resource blob when
  /// large); null after an error naming the node.
  mlir::Value constant(const onnx::TensorProto &tensor);

  GraphImporter &getGraph() { return graph; }

private:
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;

  GraphImporter &graph;
  const onnx::NodeProto &node;
  mlir::OpBuilder &builder;
  mlir::Location loc;
  int index;
  int64_t opset;
};

/// Imports one node, or emits an error and fails.
using OpImportFn = std::function<mlir::LogicalResult(NodeImporter &)>;

/// Maps (domain, op type) to the function importing it. The default ONNX
/// domain is "" ("ai.onnx" is normalized to it).
class ImporterRegistry {
public:
  void add(llvm::StringRef domain, llvm::StringRef opType, OpImportFn fn);
  const OpImportFn *lookup(llvm::StringRef domain,
                           llvm::StringRef opType) const;
  /// The op types registered for `domain`, sorted.
  llvm::SmallVector<std::string> opTypes(llvm::StringRef domain) const;
  /// The registry with every op family of OpFamilies.def.
  static const ImporterRegistry &get();

  /// Adds the ONNX schema of an op version newer than the libonnx qmlir is
  /// built with (Debian's 1.12 knows opsets up to 17), for the schema check
  /// and shape inference. The op's importer is added with add() as usual.
  void addSchema(onnx::OpSchema schema);
  /// The schema of `opType` at `opset`: the newest version not above
  /// `opset` among libonnx's and those of addSchema; null if none.
  const onnx::OpSchema *schema(llvm::StringRef domain, llvm::StringRef opType,
                               int opset) const;

private:
  llvm::StringMap<OpImportFn> table;
  std::deque<onnx::OpSchema> newerSchemas;
};

// One registration function per op family (Ops/<Family>.cpp).
#define QMLIR_ONNX_OP_FAMILY(NAME) void register##NAME##Ops(ImporterRegistry &);
#include "OpFamilies.def"
#undef QMLIR_ONNX_OP_FAMILY

/// "Conv node 'conv1'", or "Conv node #3" for a node without a name (#3:
/// its position in the file's node list). Diagnostics name nodes this way.
std::string describeNode(const onnx::NodeProto &node, int index);

/// Normalizes an ONNX axis attribute to [0, rank); fails out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

} // namespace qmlir::onnx_import

#endif // QMLIR_LIB_TARGET_ONNX_NODEIMPORTER_H
