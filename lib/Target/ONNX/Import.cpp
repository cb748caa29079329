//===- Import.cpp - ONNX model importer core ------------------------------===//
//
// Part of qmlir. Loads the model (binary or textual), resolves --input-shape,
// runs ONNX shape inference, sorts the nodes, checks that every op is known,
// and hands each node to its op family's importer.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/ONNX/Import.h"
#include "NodeImporter.h"
#include "ShapeFolding.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Target/ONNX/TensorProto.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstddef>
#include <deque>
#include <queue>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

/// Constants of at most this many elements stay dense attributes (shapes,
/// scalars) so folders can read them; larger ones become dense_resource.
static constexpr int64_t kSmallConstantElements = 16;
/// The alignment of dense_resource blobs: a cache line, what vector loads of
/// weights want. (qopt hands modules on as bytecode in a buffer aligned as
/// much, since the reader rejects a blob aligned more than its buffer.)
static constexpr size_t kResourceAlignment = 64;

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

static std::string registryKey(StringRef domain, StringRef opType) {
  if (domain == "ai.onnx")
    domain = "";
  return (domain + "::" + opType).str();
}

void ImporterRegistry::add(StringRef domain, StringRef opType, OpImportFn fn) {
  table[registryKey(domain, opType)] = std::move(fn);
}

const OpImportFn *ImporterRegistry::lookup(StringRef domain,
                                           StringRef opType) const {
  auto it = table.find(registryKey(domain, opType));
  return it == table.end() ? nullptr : &it->second;
}

SmallVector<std::string> ImporterRegistry::opTypes(StringRef domain) const {
  SmallVector<std::string> ops;
  std::string prefix = registryKey(domain, "");
  for (const auto &entry : table)
    if (entry.getKey().starts_with(prefix))
      ops.push_back(entry.getKey().drop_front(prefix.size()).str());
  llvm::sort(ops);
  return ops;
}

const ImporterRegistry &ImporterRegistry::get() {
  static const ImporterRegistry registry = [] {
    ImporterRegistry r;
#define QMLIR_ONNX_OP_FAMILY(NAME) register##NAME##Ops(r);
#include "OpFamilies.def"
#undef QMLIR_ONNX_OP_FAMILY
    return r;
  }();
  return registry;
}

void ImporterRegistry::addSchema(onnx::OpSchema schema) {
  schema.Finalize();
  newerSchemas.push_back(std::move(schema));
}

const onnx::OpSchema *ImporterRegistry::schema(StringRef domain,
                                               StringRef opType,
                                               int opset) const {
  std::string d = domain == "ai.onnx" ? "" : domain.str();
  const onnx::OpSchema *best =
      onnx::OpSchemaRegistry::Schema(opType.str(), opset, d);
  for (const onnx::OpSchema &s : newerSchemas)
    if (s.Name() == opType && s.domain() == d && s.SinceVersion() <= opset &&
        (!best || s.SinceVersion() > best->SinceVersion()))
      best = &s;
  return best;
}

namespace {
/// libonnx's schemas with the newer ones of the op families: what ONNX shape
/// inference is given.
struct SchemaRegistryView : onnx::ISchemaRegistry {
  const onnx::OpSchema *GetSchema(const std::string &key,
                                  const int maxInclusiveVersion,
                                  const std::string &domain) const override {
    return ImporterRegistry::get().schema(domain, key, maxInclusiveVersion);
  }
};
} // namespace

std::optional<int64_t> qmlir::onnx_import::normalizeAxis(int64_t axis,
                                                         int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

/// The domain as users read it: the default domain is "ai.onnx".
static StringRef displayDomain(StringRef domain) {
  return domain.empty() ? StringRef("ai.onnx") : domain;
}

/// 'conv1', or #3 (the node's position in the graph) for a node without a
/// name.
static std::string nodeRef(const onnx::NodeProto &node, int index) {
  if (node.name().empty())
    return "#" + std::to_string(index);
  return "'" + node.name() + "'";
}

std::string qmlir::onnx_import::describeNode(const onnx::NodeProto &node,
                                             int index) {
  return node.op_type() + " node " + nodeRef(node, index);
}

/// `shape` as 1x3xNx? (symbolic dimensions by name, unknown ones as ?).
static std::string formatShape(const onnx::TensorShapeProto &shape) {
  std::string dims;
  for (const auto &d : shape.dim()) {
    if (!dims.empty())
      dims += "x";
    if (d.has_dim_value() && d.dim_value() >= 0)
      dims += std::to_string(d.dim_value());
    else if (d.has_dim_param() && !d.dim_param().empty())
      dims += d.dim_param();
    else
      dims += "?";
  }
  return dims.empty() ? "scalar" : dims;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

namespace qmlir::onnx_import {
class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, onnx::ModelProto &model, StringRef path)
      : ctx(ctx), model(model), path(path.str()),
        baseDir(llvm::sys::path::parent_path(path).str()) {
    for (const auto &opset : model.opset_import()) {
      std::string domain = opset.domain() == "ai.onnx" ? "" : opset.domain();
      opsets[domain] = opset.version();
    }
  }

  /// One diagnostic listing every op no importer is registered for
  /// (`deferFoldable`: except ops shape folding may still remove).
  LogicalResult checkSupported(bool deferFoldable);
  /// checkSupported(true), then checks each node against its ONNX schema
  /// at the model's opset.
  LogicalResult checkNodes();
  /// Puts the nodes in topological order (ONNX shape inference and the
  /// import need producers first); fails on undefined inputs and cycles.
  LogicalResult sortNodes();
  OwningOpRef<ModuleOp> run();

  MLIRContext *ctx;
  onnx::ModelProto &model;
  std::string path, baseDir;
  llvm::StringMap<int64_t> opsets;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> constants;
  llvm::StringMap<const onnx::TypeProto *> types;
  std::deque<onnx::TensorProto> ownedConstants;
  /// The position in the file of each node, once sortNodes reordered them.
  SmallVector<int> fileIndex;

  Location fileLoc() { return FileLineColLoc::get(ctx, path, 0, 0); }
  Location nodeLoc(const onnx::NodeProto &node, int index);
  Value makeConstant(OpBuilder &b, Location loc,
                     const onnx::TensorProto &tensor);
  /// The static type of a value; on failure `error` says why, starting with
  /// the value's name.
  std::optional<RankedTensorType>
  tensorType(const onnx::TypeProto &type, StringRef name, std::string &error);
};
} // namespace qmlir::onnx_import

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "#" + std::to_string(index)
                         : node.name();
  return NameLoc::get(StringAttr::get(ctx, name), fileLoc());
}

std::optional<RankedTensorType>
GraphImporter::tensorType(const onnx::TypeProto &type, StringRef name,
                          std::string &error) {
  if (!type.has_tensor_type()) {
    error = "'" + name.str() +
            "' is not a tensor (sequence, map and optional "
            "values are unsupported)";
    return std::nullopt;
  }
  const auto &tt = type.tensor_type();
  Type elem = onnxElementType(tt.elem_type(), ctx);
  if (!elem) {
    error = "'" + name.str() + "' has unsupported element type " +
            onnxTypeName(tt.elem_type()).str();
    return std::nullopt;
  }
  if (!tt.has_shape()) {
    error = "'" + name.str() + "' has an unknown rank";
    return std::nullopt;
  }
  SmallVector<int64_t> shape;
  for (const auto &dim : tt.shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0) {
      error = "'" + name.str() + "' has " +
              (dim.has_dim_param() && !dim.dim_param().empty()
                   ? "a symbolic dimension '" + dim.dim_param() + "'"
                   : std::string("an unknown dimension")) +
              " (shape " + formatShape(tt.shape()) + ")";
      return std::nullopt;
    }
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, elem);
}

Value GraphImporter::makeConstant(OpBuilder &b, Location loc,
                                  const onnx::TensorProto &tensor) {
  DecodedTensor decoded;
  std::string error;
  if (!decodeTensorProto(tensor, baseDir, decoded, error)) {
    emitError(loc) << error;
    return {};
  }
  Type elem = onnxElementType(decoded.dataType, ctx);
  auto type = RankedTensorType::get(decoded.dims, elem);
  ElementsAttr attr;
  // Attributes store integers signless; q.constant's type carries ui*.
  Type storageElem = elem;
  if (auto it = dyn_cast<IntegerType>(elem); it && !it.isSignless())
    storageElem = IntegerType::get(ctx, it.getWidth());
  auto storageType = RankedTensorType::get(decoded.dims, storageElem);
  if (decoded.numElements() <= kSmallConstantElements ||
      elem.isInteger(1)) {
    if (elem.isInteger(1)) {
      SmallVector<bool> bits;
      for (char c : decoded.bytes)
        bits.push_back(c != 0);
      attr = DenseElementsAttr::get(storageType, bits);
    } else {
      attr = DenseElementsAttr::getFromRawBuffer(
          storageType, ArrayRef<char>(decoded.bytes.data(),
                                      decoded.bytes.size()));
    }
  } else {
    std::string name = tensor.name().empty() ? "constant" : tensor.name();
    for (char &c : name)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    // Inferring the alignment from `char` would give 1.
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(decoded.bytes.data(), decoded.bytes.size()),
        kResourceAlignment);
    attr = DenseResourceElementsAttr::get(storageType, name, std::move(blob));
  }
  return q::ConstantOp::create(b, loc, type, attr);
}

LogicalResult GraphImporter::sortNodes() {
  auto &graph = *model.mutable_graph();
  int numNodes = graph.node_size();
  llvm::StringSet<> defined;
  for (const auto &in : graph.input())
    defined.insert(in.name());
  for (const auto &init : graph.initializer())
    defined.insert(init.name());
  // ONNX graphs are in SSA form: every value has one definition.
  llvm::StringMap<int> producer;
  for (int i = 0; i < numNodes; ++i) {
    const auto &node = graph.node(i);
    for (const auto &out : node.output()) {
      if (out.empty())
        continue;
      auto [it, inserted] = producer.try_emplace(out, i);
      if (!inserted || defined.contains(out)) {
        InFlightDiagnostic diag = emitError(nodeLoc(node, i))
                                  << describeNode(node, i) << ": its output '"
                                  << out << "' is already ";
        if (!inserted)
          diag << "an output of "
               << describeNode(graph.node(it->second), it->second);
        else
          diag << "a graph input or an initializer";
        return diag << " (ONNX values must have exactly one definition)";
      }
    }
  }

  // Kahn's algorithm.
  std::vector<int> pending(numNodes, 0);
  std::vector<SmallVector<int>> users(numNodes);
  bool undefined = false;
  for (int i = 0; i < numNodes; ++i) {
    const auto &node = graph.node(i);
    for (const auto &in : node.input()) {
      if (in.empty())
        continue;
      auto it = producer.find(in);
      if (it != producer.end()) {
        ++pending[i];
        users[it->second].push_back(i);
      } else if (!defined.contains(in)) {
        emitError(nodeLoc(node, i))
            << describeNode(node, i) << ": input '" << in
            << "' is not a graph input, an initializer or the output of "
               "any node";
        undefined = true;
      }
    }
  }
  if (undefined)
    return failure();
  // Taking the first ready node in file order keeps a sorted file as is.
  SmallVector<int> order;
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < numNodes; ++i)
    if (pending[i] == 0)
      ready.push(i);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int u : users[i])
      if (--pending[u] == 0)
        ready.push(u);
  }
  if (static_cast<int>(order.size()) != numNodes) {
    std::string nodes;
    int first = -1;
    for (int i = 0; i < numNodes; ++i)
      if (pending[i] > 0) {
        if (first < 0)
          first = i;
        nodes += (nodes.empty() ? "" : ", ") + describeNode(graph.node(i), i);
      }
    return emitError(nodeLoc(graph.node(first), first))
           << "the graph has a cycle: these nodes depend on each other's "
              "outputs (directly or through others): "
           << nodes;
  }

  google::protobuf::RepeatedPtrField<onnx::NodeProto> sorted;
  for (int i : order)
    *sorted.Add() = std::move(*graph.mutable_node(i));
  graph.mutable_node()->Swap(&sorted);
  fileIndex = std::move(order);
  return success();
}

LogicalResult GraphImporter::checkSupported(bool deferFoldable) {
  const auto &graph = model.graph();
  const ImporterRegistry &registry = ImporterRegistry::get();

  // Every unsupported op at once, grouped by op type in the file's order:
  // a user sees all the work a model needs, not one op per attempt.
  struct Unsupported {
    std::string domain, opType;
    SmallVector<std::string> nodes;
  };
  SmallVector<Unsupported> unsupported;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto &node = graph.node(i);
    if (registry.lookup(node.domain(), node.op_type()))
      continue;
    // Shape computations may still fold away; they are judged after that.
    if (deferFoldable && node.domain().empty() &&
        isShapeFoldingOp(node.op_type()))
      continue;
    std::string domain = displayDomain(node.domain()).str();
    auto *group = llvm::find_if(unsupported, [&](const Unsupported &u) {
      return u.domain == domain && u.opType == node.op_type();
    });
    if (group == unsupported.end()) {
      unsupported.push_back({domain, node.op_type(), {}});
      group = &unsupported.back();
    }
    group->nodes.push_back(nodeRef(node, fileIndex.empty() ? i : fileIndex[i]));
  }
  if (!unsupported.empty()) {
    size_t numNodes = 0;
    for (const Unsupported &u : unsupported)
      numNodes += u.nodes.size();
    // The first line names the op types (what a summary of many runs shows);
    // a line per op type lists its nodes.
    InFlightDiagnostic diag = emitError(fileLoc());
    diag << unsupported.size() << " unsupported ONNX op type"
         << (unsupported.size() == 1 ? "" : "s") << " (" << numNodes << " node"
         << (numNodes == 1 ? "" : "s") << "): ";
    llvm::interleaveComma(unsupported, diag, [&](const Unsupported &u) {
      diag << (u.domain == "ai.onnx" ? "" : u.domain + ".") << u.opType;
    });
    for (const Unsupported &u : unsupported) {
      diag << "\n  " << u.opType << " (domain " << u.domain << "): node"
           << (u.nodes.size() == 1 ? " " : "s ");
      llvm::interleaveComma(u.nodes, diag);
      if (!deferFoldable && u.domain == "ai.onnx" && isShapeFoldingOp(u.opType))
        diag << " (as shape computations these fold away when their inputs "
                "have static shapes and constant values: pin symbolic input "
                "dimensions with --input-shape)";
    }
    diag << "\nsupported ai.onnx ops: "
         << llvm::join(registry.opTypes(""), ", ");
    return diag;
  }
  return success();
}

LogicalResult GraphImporter::checkNodes() {
  if (failed(checkSupported(/*deferFoldable=*/true)))
    return failure();
  const auto &graph = model.graph();

  // The node must be a valid instance of its op at the model's opset:
  // importers rely on the arity and attribute types the schema fixes.
  bool ok = true;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto &node = graph.node(i);
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    auto opset = opsets.find(domain);
    if (opset == opsets.end()) {
      emitError(nodeLoc(node, i))
          << describeNode(node, i) << ": the model's opset_import has no "
          << "version for its domain '" << displayDomain(domain) << "'";
      ok = false;
      continue;
    }
    const onnx::OpSchema *schema = ImporterRegistry::get().schema(
        domain, node.op_type(), static_cast<int>(opset->second));
    if (!schema) {
      emitError(nodeLoc(node, i))
          << describeNode(node, i) << ": " << node.op_type()
          << " does not exist in opset " << opset->second << " of "
          << displayDomain(domain);
      ok = false;
      continue;
    }
    try {
      schema->Verify(node);
    } catch (const std::exception &e) {
      // ONNX says "Node (NAME) has input size ..."; we named the node.
      StringRef why = StringRef(e.what()).trim();
      if (why.starts_with("Node (") && why.contains(") "))
        why = why.split(") ").second;
      emitError(nodeLoc(node, i))
          << describeNode(node, i) << ": violates ONNX's " << node.op_type()
          << "-" << schema->SinceVersion() << " schema: " << why;
      ok = false;
    }
  }
  return success(ok);
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const auto &graph = model.graph();
  const ImporterRegistry &registry = ImporterRegistry::get();

  for (const auto &init : graph.initializer())
    constants[init.name()] = &init;
  for (const auto &vi : graph.value_info())
    types[vi.name()] = &vi.type();
  for (const auto &vi : graph.output())
    types[vi.name()] = &vi.type();

  OpBuilder b(ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  (*module)->setAttr("q.source", StringAttr::get(ctx, path));
  if (!graph.name().empty())
    (*module)->setAttr("q.graph_name", StringAttr::get(ctx, graph.name()));

  // Real inputs: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> realInputs;
  for (const auto &in : graph.input()) {
    if (constants.count(in.name()))
      continue;
    std::string error;
    auto type = tensorType(in.type(), in.name(), error);
    if (!type) {
      InFlightDiagnostic diag = emitError(fileLoc()) << "graph input " << error;
      const auto &tt = in.type().tensor_type();
      if (!in.type().has_tensor_type() || !onnxElementType(tt.elem_type(), ctx))
        return {};
      if (!tt.has_shape()) {
        diag << "; give its shape with --input-shape " << in.name()
             << "=D1xD2x...";
        return {};
      }
      std::string example;
      for (const auto &d : tt.shape().dim())
        example += (example.empty() ? "" : "x") +
                   std::to_string(d.has_dim_value() && d.dim_value() >= 0
                                      ? d.dim_value()
                                      : 1);
      diag << "; qmlir needs static shapes: pin it with --input-shape, e.g. "
              "--input-shape "
           << in.name() << "=" << example;
      return {};
    }
    argTypes.push_back(*type);
    realInputs.push_back(&in);
  }
  // The result types are those of the values the nodes produce: a graph
  // output may be declared with symbolic dimensions that inference fixed.
  auto func = func::FuncOp::create(b, fileLoc(), "main",
                                   FunctionType::get(ctx, argTypes, {}));
  module->push_back(func);
  for (auto [i, in] : llvm::enumerate(realInputs))
    func.setArgAttr(i, kONNXNameAttr, StringAttr::get(ctx, in->name()));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  for (auto [i, in] : llvm::enumerate(realInputs))
    values[in->name()] = body->getArgument(i);

  for (auto [k, node] : llvm::enumerate(graph.node())) {
    int index = fileIndex[k];
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    NodeImporter importer(*this, node, b, nodeLoc(node, index), index,
                          opsets.lookup(domain));
    if (failed((*registry.lookup(node.domain(), node.op_type()))(importer)))
      return {};
    for (int i = 0; i < node.output_size(); ++i)
      if (!node.output(i).empty() && !values.count(node.output(i))) {
        importer.emitError() << "output '" << node.output(i)
                             << "' was not produced by the importer";
        return {};
      }
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &out : graph.output()) {
    Value v;
    auto it = values.find(out.name());
    if (it != values.end())
      v = it->second;
    else if (auto c = constants.find(out.name()); c != constants.end())
      v = makeConstant(b, fileLoc(), *c->second);
    if (!v) {
      emitError(fileLoc()) << "graph output '" << out.name()
                           << "' is not a graph input, an initializer or "
                              "the output of any node";
      return {};
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  func.setType(FunctionType::get(ctx, argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, kONNXNameAttr, StringAttr::get(ctx, out.name()));
  func::ReturnOp::create(b, fileLoc(), results);
  if (failed(verify(*module)))
    return {};
  return module;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

Value NodeImporter::input(int i) {
  if (!hasInput(i))
    return {};
  const std::string &name = node.input(i);
  auto it = graph.values.find(name);
  if (it != graph.values.end())
    return it->second;
  auto c = graph.constants.find(name);
  if (c == graph.constants.end())
    return {};
  // Initializers become q.constant at their first use, at the top of the
  // function, so every later use sees a dominating definition.
  OpBuilder::InsertionGuard guard(builder);
  Block *entry = builder.getInsertionBlock();
  builder.setInsertionPointToStart(entry);
  Location l = NameLoc::get(StringAttr::get(builder.getContext(), name),
                            graph.fileLoc());
  Value v = graph.makeConstant(builder, l, *c->second);
  if (v)
    graph.values[name] = v;
  return v;
}

const onnx::TensorProto *NodeImporter::constantInput(int i) const {
  if (!hasInput(i))
    return nullptr;
  auto c = graph.constants.find(node.input(i));
  return c == graph.constants.end() ? nullptr : c->second;
}

std::optional<SmallVector<int64_t>> NodeImporter::constantInts(int i) const {
  const onnx::TensorProto *t = constantInput(i);
  if (!t)
    return std::nullopt;
  DecodedTensor d;
  std::string error;
  if (!decodeTensorProto(*t, graph.baseDir, d, error))
    return std::nullopt;
  SmallVector<int64_t> out;
  const char *p = d.bytes.data();
  for (int64_t k = 0; k < d.numElements(); ++k) {
    switch (d.dataType) {
    case onnx::TensorProto::INT64:
      out.push_back(reinterpret_cast<const int64_t *>(p)[k]);
      break;
    case onnx::TensorProto::INT32:
      out.push_back(reinterpret_cast<const int32_t *>(p)[k]);
      break;
    case onnx::TensorProto::UINT32:
      out.push_back(reinterpret_cast<const uint32_t *>(p)[k]);
      break;
    case onnx::TensorProto::INT16:
      out.push_back(reinterpret_cast<const int16_t *>(p)[k]);
      break;
    case onnx::TensorProto::UINT16:
      out.push_back(reinterpret_cast<const uint16_t *>(p)[k]);
      break;
    case onnx::TensorProto::INT8:
      out.push_back(reinterpret_cast<const int8_t *>(p)[k]);
      break;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      out.push_back(reinterpret_cast<const uint8_t *>(p)[k]);
      break;
    default:
      return std::nullopt;
    }
  }
  return out;
}

std::optional<SmallVector<double>> NodeImporter::constantFloats(int i) const {
  const onnx::TensorProto *t = constantInput(i);
  if (!t)
    return std::nullopt;
  DecodedTensor d;
  std::string error;
  if (!decodeTensorProto(*t, graph.baseDir, d, error))
    return std::nullopt;
  SmallVector<double> out;
  const char *p = d.bytes.data();
  for (int64_t k = 0; k < d.numElements(); ++k) {
    switch (d.dataType) {
    case onnx::TensorProto::FLOAT:
      out.push_back(reinterpret_cast<const float *>(p)[k]);
      break;
    case onnx::TensorProto::DOUBLE:
      out.push_back(reinterpret_cast<const double *>(p)[k]);
      break;
    default:
      return std::nullopt;
    }
  }
  return out;
}

RankedTensorType NodeImporter::outputType(int i) {
  const std::string &name = node.output(i);
  auto it = graph.types.find(name);
  if (it == graph.types.end()) {
    emitError() << "ONNX shape inference could not compute the type of "
                   "output '"
                << name << "' (does its shape depend on run-time data?)";
    return {};
  }
  std::string error;
  auto type = graph.tensorType(*it->second, name, error);
  if (!type) {
    emitError() << "output " << error
                << " after ONNX shape inference; qmlir needs shapes known "
                   "at compile time (does it depend on run-time data?)";
    return {};
  }
  return *type;
}

void NodeImporter::setOutput(int i, Value value) {
  if (hasOutput(i))
    graph.values[node.output(i)] = value;
}

LogicalResult NodeImporter::setConstantOutput(int i, onnx::TensorProto tensor) {
  if (!hasOutput(i))
    return success();
  tensor.set_name(node.output(i));
  graph.ownedConstants.push_back(std::move(tensor));
  const onnx::TensorProto &stored = graph.ownedConstants.back();
  Value v = graph.makeConstant(builder, loc, stored);
  if (!v)
    return failure();
  graph.constants[node.output(i)] = &stored;
  graph.values[node.output(i)] = v;
  return success();
}

const onnx::AttributeProto *NodeImporter::findAttr(StringRef name) const {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeImporter::hasAttr(StringRef name) const {
  return findAttr(name) != nullptr;
}

int64_t NodeImporter::attrInt(StringRef name, int64_t dflt) const {
  const auto *a = findAttr(name);
  return a ? a->i() : dflt;
}

double NodeImporter::attrFloat(StringRef name, double dflt) const {
  const auto *a = findAttr(name);
  return a ? a->f() : dflt;
}

std::string NodeImporter::attrString(StringRef name, StringRef dflt) const {
  const auto *a = findAttr(name);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t> NodeImporter::attrInts(StringRef name) const {
  const auto *a = findAttr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

SmallVector<double> NodeImporter::attrFloats(StringRef name) const {
  const auto *a = findAttr(name);
  if (!a)
    return {};
  return SmallVector<double>(a->floats().begin(), a->floats().end());
}

const onnx::TensorProto *NodeImporter::attrTensor(StringRef name) const {
  const auto *a = findAttr(name);
  return a && a->has_t() ? &a->t() : nullptr;
}

InFlightDiagnostic NodeImporter::emitError() {
  return mlir::emitError(loc) << describeNode(node, index) << ": ";
}

Value NodeImporter::constant(const onnx::TensorProto &tensor) {
  return graph.makeConstant(builder, loc, tensor);
}

//===----------------------------------------------------------------------===//
// Loading and entry points
//===----------------------------------------------------------------------===//

bool qmlir::parseInputShapeSpec(StringRef spec, ImportOptions &options,
                                std::string &error) {
  auto [name, dims] = spec.rsplit('=');
  auto bad = [&](StringRef why) {
    error = "invalid --input-shape '" + spec.str() + "': " + why.str() +
            " (expected NAME=D1xD2x..., e.g. x=1x3x224x224)";
    return false;
  };
  if (name.empty() || dims.empty() || !spec.contains('='))
    return bad("missing name or dimensions");
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d < 0)
      return bad("'" + p.str() + "' is not a non-negative integer");
    shape.push_back(d);
  }
  if (options.inputShapes.count(name))
    return bad("input '" + name.str() + "' is given twice");
  options.inputShapes[name] = shape;
  return true;
}

static LogicalResult applyInputShapes(onnx::ModelProto &model,
                                      const ImportOptions &options,
                                      Location loc) {
  auto *graph = model.mutable_graph();
  for (const auto &entry : options.inputShapes) {
    StringRef name = entry.getKey();
    ArrayRef<int64_t> dims = entry.getValue();
    onnx::ValueInfoProto *input = nullptr;
    std::string names;
    for (auto &in : *graph->mutable_input()) {
      bool isInit = llvm::any_of(graph->initializer(),
                                 [&](const onnx::TensorProto &t) {
                                   return t.name() == in.name();
                                 });
      if (isInit)
        continue;
      names += (names.empty() ? "" : ", ") + in.name();
      if (in.name() == name)
        input = &in;
    }
    if (!input)
      return emitError(loc) << "--input-shape names '" << name
                            << "', which is not an input of the model "
                               "(inputs: "
                            << names << ")";
    if (!input->type().has_tensor_type())
      return emitError(loc)
             << "--input-shape names '" << name << "', which is not a tensor";
    auto *tensorType = input->mutable_type()->mutable_tensor_type();
    // An input of unknown rank takes the rank given.
    if (!tensorType->has_shape())
      for (size_t i = 0; i < dims.size(); ++i)
        tensorType->mutable_shape()->add_dim();
    auto *shape = tensorType->mutable_shape();
    if (shape->dim_size() != static_cast<int>(dims.size()))
      return emitError(loc)
             << "--input-shape gives " << dims.size() << " dimension"
             << (dims.size() == 1 ? "" : "s") << " for '" << name
             << "', which has rank " << shape->dim_size() << " (shape "
             << formatShape(*shape) << ")";
    for (auto [i, d] : llvm::enumerate(dims)) {
      auto *dim = shape->mutable_dim(i);
      if (dim->has_dim_value() && dim->dim_value() != d)
        return emitError(loc)
               << "--input-shape sets dimension " << i << " of '" << name
               << "' to " << d << ", but the model fixes it to "
               << dim->dim_value();
      dim->clear_dim_param();
      dim->set_dim_value(d);
    }
  }
  return success();
}

OwningOpRef<ModuleOp> qmlir::importONNXFile(StringRef path, MLIRContext *ctx,
                                            const ImportOptions &options) {
  ctx->loadDialect<q::QDialect, func::FuncDialect>();
  Location loc = FileLineColLoc::get(ctx, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/true);
  if (!buffer) {
    emitError(loc) << "cannot read '" << path
                   << "': " << buffer.getError().message();
    return {};
  }
  onnx::ModelProto model;
  if (path.ends_with(".onnxtxt")) {
    auto status = onnx::OnnxParser::Parse(model, (*buffer)->getBufferStart());
    if (!status.IsOK()) {
      emitError(loc) << "not valid ONNX textual syntax: "
                     << status.ErrorMessage();
      return {};
    }
  } else {
    google::protobuf::io::ArrayInputStream raw((*buffer)->getBufferStart(),
                                               (*buffer)->getBufferSize());
    google::protobuf::io::CodedInputStream coded(&raw);
    coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
    if (!model.ParseFromCodedStream(&coded) ||
        !coded.ConsumedEntireMessage()) {
      emitError(loc) << "not a valid ONNX model: the protobuf cannot be "
                        "parsed (truncated or corrupt file?)";
      return {};
    }
  }
  if (!model.has_graph() || model.opset_import_size() == 0) {
    emitError(loc) << "not a valid ONNX model: "
                   << ((*buffer)->getBufferSize() == 0 ? "the file is empty"
                       : model.has_graph()             ? "no opset_import"
                                                       : "no graph");
    return {};
  }
  // "ai.onnx" is another name of the default domain, which ONNX's shape
  // inference knows only as "".
  for (auto &opset : *model.mutable_opset_import())
    if (opset.domain() == "ai.onnx")
      opset.clear_domain();
  for (auto &node : *model.mutable_graph()->mutable_node())
    if (node.domain() == "ai.onnx")
      node.clear_domain();
  if (failed(applyInputShapes(model, options, loc)))
    return {};
  GraphImporter importer(ctx, model, path);
  if (failed(importer.checkNodes()) || failed(importer.sortNodes()))
    return {};
  // ONNX's messages name a node by its name: give unnamed nodes the
  // position our own diagnostics use meanwhile.
  llvm::StringSet<> unnamed;
  for (auto [k, node] : llvm::enumerate(*model.mutable_graph()->mutable_node()))
    if (node.name().empty()) {
      node.set_name("#" + std::to_string(importer.fileIndex[k]));
      unnamed.insert(node.name());
    }
  std::string inferenceError;
  auto inferShapes = [&]() {
    try {
      onnx::ShapeInferenceOptions inference(/*check_type=*/false,
                                            /*error_mode=*/1,
                                            /*data_prop=*/true);
      SchemaRegistryView schemas;
      onnx::shape_inference::InferShapes(model, &schemas, inference);
    } catch (const std::exception &e) {
      inferenceError = StringRef(e.what()).trim().str();
      if (inferenceError.empty())
        inferenceError = "unknown error";
    }
    return inferenceError.empty();
  };
  // Shape computations folded into initializers let inference type what
  // follows them; each round may make more shapes static.
  if (inferShapes())
    while (foldShapeComputations(model, importer.fileIndex) && inferShapes())
      ;
  for (auto &node : *model.mutable_graph()->mutable_node())
    if (unnamed.contains(node.name()))
      node.clear_name();
  if (!inferenceError.empty()) {
    emitError(loc) << "ONNX shape inference failed: " << inferenceError;
    return {};
  }
  if (failed(importer.checkSupported(/*deferFoldable=*/false)))
    return {};
  return importer.run();
}
