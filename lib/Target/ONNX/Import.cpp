//===- Import.cpp - ONNX model importer core ------------------------------===//
//
// Part of qmlir. Loads the model (binary or textual), resolves --input-shape,
// runs ONNX shape inference, sorts the nodes, checks that every op is known,
// and hands each node to its op family's importer.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/ONNX/Import.h"
#include "NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Target/ONNX/TensorProto.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <deque>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

/// Constants of at most this many elements stay dense attributes (shapes,
/// scalars) so folders can read them; larger ones become dense_resource.
static constexpr int64_t kSmallConstantElements = 16;

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

std::optional<int64_t> qmlir::onnx_import::normalizeAxis(int64_t axis,
                                                         int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
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

  /// One diagnostic listing every op no importer is registered for.
  LogicalResult checkSupported();
  OwningOpRef<ModuleOp> run();

  MLIRContext *ctx;
  onnx::ModelProto &model;
  std::string path, baseDir;
  llvm::StringMap<int64_t> opsets;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> constants;
  llvm::StringMap<const onnx::TypeProto *> types;
  std::deque<onnx::TensorProto> ownedConstants;

  Location fileLoc() { return FileLineColLoc::get(ctx, path, 0, 0); }
  Location nodeLoc(const onnx::NodeProto &node, size_t index);
  Value makeConstant(OpBuilder &b, Location loc,
                     const onnx::TensorProto &tensor);
  std::optional<RankedTensorType> tensorType(const onnx::TypeProto &type,
                                             StringRef name,
                                             std::string &error);
  LogicalResult sortNodes(SmallVectorImpl<const onnx::NodeProto *> &order);
};
} // namespace qmlir::onnx_import

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  return NameLoc::get(StringAttr::get(ctx, name), fileLoc());
}

std::optional<RankedTensorType>
GraphImporter::tensorType(const onnx::TypeProto &type, StringRef name,
                          std::string &error) {
  if (!type.has_tensor_type()) {
    error = "'" + name.str() + "' is not a tensor (sequence, map and optional "
            "values are not supported)";
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
    error = "the rank of '" + name.str() + "' is unknown";
    return std::nullopt;
  }
  SmallVector<int64_t> shape;
  for (const auto &dim : tt.shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0) {
      std::string dimName =
          dim.has_dim_param() ? "'" + dim.dim_param() + "'" : "?";
      std::string dims;
      for (const auto &d : tt.shape().dim())
        dims += (dims.empty() ? "" : "x") +
                (d.has_dim_value() ? std::to_string(d.dim_value())
                                   : (d.has_dim_param() ? d.dim_param()
                                                        : std::string("?")));
      error = "'" + name.str() + "' has a symbolic or unknown dimension " +
              dimName + " (shape " + dims +
              "); pin the model's input dimensions with --input-shape "
              "NAME=D1xD2x...";
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
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
        ArrayRef<char>(decoded.bytes.data(), decoded.bytes.size()));
    attr = DenseResourceElementsAttr::get(storageType, name, std::move(blob));
  }
  return q::ConstantOp::create(b, loc, type, attr);
}

LogicalResult
GraphImporter::sortNodes(SmallVectorImpl<const onnx::NodeProto *> &order) {
  const auto &graph = model.graph();
  llvm::StringMap<int> producer;
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto &out : graph.node(i).output())
      if (!out.empty())
        producer[out] = i;
  // Kahn's algorithm, stable with respect to the file's order.
  std::vector<int> pending(graph.node_size(), 0);
  std::vector<SmallVector<int>> users(graph.node_size());
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto &in : graph.node(i).input()) {
      auto it = producer.find(in);
      if (in.empty() || it == producer.end())
        continue;
      ++pending[i];
      users[it->second].push_back(i);
    }
  SmallVector<int> ready;
  for (int i = graph.node_size() - 1; i >= 0; --i)
    if (pending[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.pop_back_val();
    order.push_back(&graph.node(i));
    SmallVector<int> next;
    for (int u : users[i])
      if (--pending[u] == 0)
        next.push_back(u);
    llvm::sort(next, std::greater<int>());
    ready.append(next.begin(), next.end());
  }
  if (static_cast<int>(order.size()) != graph.node_size()) {
    for (int i = 0; i < graph.node_size(); ++i)
      if (pending[i] > 0)
        return emitError(nodeLoc(graph.node(i), i))
               << graph.node(i).op_type() << " node '" << graph.node(i).name()
               << "' is part of a cycle";
  }
  return success();
}

LogicalResult GraphImporter::checkSupported() {
  const auto &graph = model.graph();
  const ImporterRegistry &registry = ImporterRegistry::get();
  std::string unsupported;
  int numUnsupported = 0;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto &node = graph.node(i);
    if (registry.lookup(node.domain(), node.op_type()))
      continue;
    ++numUnsupported;
    unsupported += "\n  (" +
                   (node.domain().empty() ? std::string("ai.onnx")
                                          : node.domain()) +
                   ", " + node.op_type() + ", node '" + node.name() + "')";
  }
  if (numUnsupported)
    return emitError(fileLoc())
           << numUnsupported << " unsupported ONNX op"
           << (numUnsupported > 1 ? "s" : "")
           << " (domain, op type, node):" << unsupported;
  return success();
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
  std::string stem = llvm::sys::path::stem(path).str();
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
      emitError(fileLoc()) << "graph input " << error;
      return {};
    }
    argTypes.push_back(*type);
    realInputs.push_back(&in);
  }
  SmallVector<Type> resultTypes;
  for (const auto &out : graph.output()) {
    std::string error;
    auto type = tensorType(out.type(), out.name(), error);
    if (!type) {
      emitError(fileLoc()) << "graph output " << error;
      return {};
    }
    resultTypes.push_back(*type);
  }
  auto func = func::FuncOp::create(b, fileLoc(), "main",
                                   FunctionType::get(ctx, argTypes, resultTypes));
  module->push_back(func);
  for (auto [i, in] : llvm::enumerate(realInputs))
    func.setArgAttr(i, kONNXNameAttr, StringAttr::get(ctx, in->name()));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, kONNXNameAttr, StringAttr::get(ctx, out.name()));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  for (auto [i, in] : llvm::enumerate(realInputs))
    values[in->name()] = body->getArgument(i);

  SmallVector<const onnx::NodeProto *> order;
  if (failed(sortNodes(order)))
    return {};
  for (auto [index, node] : llvm::enumerate(order)) {
    std::string domain = node->domain() == "ai.onnx" ? "" : node->domain();
    auto opsetIt = opsets.find(domain);
    if (opsetIt == opsets.end()) {
      emitError(nodeLoc(*node, index))
          << node->op_type() << " node '" << node->name()
          << "' uses domain '" << domain
          << "', which the model does not import";
      return {};
    }
    NodeImporter importer(*this, *node, b, nodeLoc(*node, index),
                          opsetIt->second);
    // Inputs must be defined (graph inputs, initializers, earlier nodes).
    for (int i = 0; i < node->input_size(); ++i) {
      const std::string &in = node->input(i);
      if (!in.empty() && !values.count(in) && !constants.count(in)) {
        importer.emitError() << "input '" << in << "' is not defined";
        return {};
      }
    }
    if (failed((*registry.lookup(node->domain(), node->op_type()))(importer)))
      return {};
    for (int i = 0; i < node->output_size(); ++i)
      if (!node->output(i).empty() && !values.count(node->output(i))) {
        importer.emitError() << "output '" << node->output(i)
                             << "' was not produced by the importer";
        return {};
      }
  }

  SmallVector<Value> results;
  for (const auto &out : graph.output()) {
    Value v;
    auto it = values.find(out.name());
    if (it != values.end())
      v = it->second;
    else if (auto c = constants.find(out.name()); c != constants.end())
      v = makeConstant(b, fileLoc(), *c->second);
    if (!v) {
      emitError(fileLoc()) << "graph output '" << out.name()
                           << "' is not produced by any node";
      return {};
    }
    results.push_back(v);
  }
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
    emitError() << "the type of output '" << name
                << "' is unknown: ONNX shape inference could not compute it "
                   "(a shape that depends on run-time data?)";
    return {};
  }
  std::string error;
  auto type = graph.tensorType(*it->second, name, error);
  if (!type) {
    emitError() << "output " << error;
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
  return mlir::emitError(loc)
         << node.op_type() << " node '" << node.name() << "': ";
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
    auto *shape = input->mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() != static_cast<int>(dims.size()))
      return emitError(loc) << "--input-shape gives " << dims.size()
                            << " dimensions for '" << name
                            << "', which has rank " << shape->dim_size();
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
                   << (model.has_graph() ? "no opset_import" : "no graph");
    return {};
  }
  if (failed(applyInputShapes(model, options, loc)))
    return {};
  GraphImporter importer(ctx, model, path);
  if (failed(importer.checkSupported()))
    return {};
  try {
    onnx::ShapeInferenceOptions inference(/*check_type=*/false,
                                          /*error_mode=*/1,
                                          /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception &e) {
    emitError(loc) << "ONNX shape inference failed: " << e.what();
    return {};
  }
  return importer.run();
}
