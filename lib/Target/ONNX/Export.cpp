//===- Export.cpp - ONNX model exporter core ------------------------------===//
//
// Part of qmlir. Checks that every op has an exporter and picks the opset,
// names the graph's inputs, outputs, values, nodes and initializers, hands
// each op to its family's exporter, drops nodes nothing reads, and writes
// the ModelProto to a temporary file renamed into place.
//
// Names: inputs and outputs keep their ONNX names (`q.name`); an op's
// results and nodes take the name of its location (a NameLoc: the ONNX node
// it was imported from), initializers the name of their dense_resource blob,
// else of their location. While ops export, tensors get placeholder names;
// they are made unique once the nodes nothing reads are gone, so what
// remains keeps the plain names.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/ONNX/Export.h"
#include "NodeExporter.h"
#include "qmlir/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_export;

/// The opset every export uses at least: per-axis QuantizeLinear and
/// DequantizeLinear, Softmax along one axis, ReduceSum's axes input.
static constexpr int64_t kBaseOpset = 13;

//===----------------------------------------------------------------------===//
// Registry, types, attributes
//===----------------------------------------------------------------------===//

void ExporterRegistry::add(StringRef opName, OpExportFn fn, OpsetFn opset) {
  table[opName] = Entry{std::move(fn), std::move(opset)};
}

const ExporterRegistry::Entry *
ExporterRegistry::lookup(StringRef opName) const {
  auto it = table.find(opName);
  return it == table.end() ? nullptr : &it->second;
}

const ExporterRegistry &ExporterRegistry::get() {
  static const ExporterRegistry registry = [] {
    ExporterRegistry r;
#define QMLIR_ONNX_OP_FAMILY(NAME) register##NAME##Exporters(r);
#include "OpFamilies.def"
#undef QMLIR_ONNX_OP_FAMILY
    return r;
  }();
  return registry;
}

int32_t qmlir::onnx_export::onnxDataType(Type type) {
  if (auto qtype = dyn_cast<quant::QuantizedType>(type)) {
    unsigned width = qtype.getStorageTypeIntegralWidth();
    bool isSigned = qtype.isSigned();
    if (width == 8)
      return isSigned ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8;
    if (width == 32 && isSigned)
      return onnx::TensorProto::INT32;
    return 0;
  }
  if (type.isF32())
    return onnx::TensorProto::FLOAT;
  if (type.isF64())
    return onnx::TensorProto::DOUBLE;
  if (type.isF16())
    return onnx::TensorProto::FLOAT16;
  if (type.isBF16())
    return onnx::TensorProto::BFLOAT16;
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return 0;
  bool isUnsigned = it.isUnsigned();
  switch (it.getWidth()) {
  case 1:
    return isUnsigned ? 0 : onnx::TensorProto::BOOL;
  case 8:
    return isUnsigned ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  case 16:
    return isUnsigned ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
  case 32:
    return isUnsigned ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
  case 64:
    return isUnsigned ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
  default:
    return 0;
  }
}

static onnx::AttributeProto &newAttr(onnx::NodeProto &node, StringRef name,
                                     onnx::AttributeProto::AttributeType type) {
  onnx::AttributeProto &attr = *node.add_attribute();
  attr.set_name(name.str());
  attr.set_type(type);
  return attr;
}

void qmlir::onnx_export::setIntAttr(onnx::NodeProto &node, StringRef name,
                                    int64_t value) {
  newAttr(node, name, onnx::AttributeProto::INT).set_i(value);
}

void qmlir::onnx_export::setFloatAttr(onnx::NodeProto &node, StringRef name,
                                      float value) {
  newAttr(node, name, onnx::AttributeProto::FLOAT).set_f(value);
}

void qmlir::onnx_export::setStringAttr(onnx::NodeProto &node, StringRef name,
                                       StringRef value) {
  newAttr(node, name, onnx::AttributeProto::STRING).set_s(value.str());
}

void qmlir::onnx_export::setIntsAttr(onnx::NodeProto &node, StringRef name,
                                     ArrayRef<int64_t> values) {
  onnx::AttributeProto &attr = newAttr(node, name, onnx::AttributeProto::INTS);
  for (int64_t v : values)
    attr.add_ints(v);
}

void qmlir::onnx_export::setFloatsAttr(onnx::NodeProto &node, StringRef name,
                                       ArrayRef<float> values) {
  onnx::AttributeProto &attr =
      newAttr(node, name, onnx::AttributeProto::FLOATS);
  for (float v : values)
    attr.add_floats(v);
}

/// The name a location gives its ONNX node: a NameLoc's (the first one of
/// a fused location).
static std::optional<std::string> locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations())
      if (std::optional<std::string> name = locationName(l))
        return name;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return locationName(call.getCallee());
  return std::nullopt;
}

/// " (node 'conv1')", or "" for an op whose location names no node.
static std::string nodeRef(Operation *op) {
  std::optional<std::string> name = locationName(op->getLoc());
  return name ? " (node '" + *name + "')" : std::string();
}

/// The IR version ONNX released together with `opset`.
static int64_t irVersionOf(int64_t opset) {
  if (opset <= 14)
    return 7;
  if (opset <= 18)
    return 8;
  if (opset <= 20)
    return 9;
  return 10;
}

//===----------------------------------------------------------------------===//
// GraphExporter
//===----------------------------------------------------------------------===//

namespace qmlir::onnx_export {
class GraphExporter {
public:
  explicit GraphExporter(ModuleOp module) : module(module) {}

  /// Fills `model`, or emits errors and fails.
  LogicalResult run();

  ModuleOp module;
  onnx::ModelProto model;
  onnx::GraphProto *graph = nullptr;
  int64_t opset = kBaseOpset;
  llvm::DenseMap<Value, std::string> names;
  /// The q type of each tensor name given to an op result (for value_info).
  std::map<std::string, Type> valueTypes;
  /// The names of graph inputs and outputs, which no other tensor takes.
  llvm::StringSet<> ioNames;
  llvm::StringSet<> initializerNames;
  /// The name each placeholder stands for, before it is made unique.
  SmallVector<std::string> placeholderBases;
  /// Initializers made by exporters (scales, shapes), by role and content.
  std::map<std::string, std::string> sharedConstants;

  /// A placeholder for the name `base`, made unique by finalizeNames.
  std::string placeholder(StringRef base);
  /// The base of the names of an op's nodes and values.
  std::string baseName(Operation *op, StringRef fallback);
  std::string resultName(Value result);
  void addTensor(onnx::TensorProto tensor) {
    initializerNames.insert(tensor.name());
    *graph->add_initializer() = std::move(tensor);
  }
  std::string sharedConstant(Operation *op, int32_t dataType,
                             ArrayRef<int64_t> dims, std::string bytes,
                             StringRef suffix);

private:
  LogicalResult checkOps(Block &body);
  LogicalResult setGraphOutputs(func::FuncOp func, func::ReturnOp ret);
  void removeDeadNodes();
  void addValueInfo();
  void finalizeNames();
};
} // namespace qmlir::onnx_export

/// `base`, or `base_N` with the first N that is not in `set`; added to it.
static std::string uniqueName(llvm::StringSet<> &set, StringRef base) {
  std::string name = base.empty() ? std::string("t") : base.str();
  for (unsigned i = 1; set.contains(name); ++i)
    name = base.str() + "_" + std::to_string(i);
  set.insert(name);
  return name;
}

/// Placeholders start with a control character no ONNX model names with.
static constexpr char kPlaceholderMark = '\x1f';

static bool isPlaceholder(StringRef name) {
  return name.starts_with(StringRef(&kPlaceholderMark, 1));
}

std::string GraphExporter::placeholder(StringRef base) {
  placeholderBases.push_back(base.str());
  return kPlaceholderMark + std::to_string(placeholderBases.size() - 1);
}

std::string GraphExporter::baseName(Operation *op, StringRef fallback) {
  if (std::optional<std::string> name = locationName(op->getLoc()))
    return *name;
  return fallback.str();
}

std::string GraphExporter::resultName(Value result) {
  auto it = names.find(result);
  if (it != names.end())
    return it->second;
  auto r = cast<OpResult>(result);
  Operation *op = r.getOwner();
  std::string base = baseName(op, op->getName().stripDialect());
  if (r.getResultNumber() > 0)
    base += "_" + std::to_string(r.getResultNumber());
  std::string name = placeholder(base);
  names[result] = name;
  valueTypes[name] = result.getType();
  return name;
}

static void setType(onnx::TypeProto &proto, RankedTensorType type) {
  auto *tensor = proto.mutable_tensor_type();
  tensor->set_elem_type(onnxDataType(type.getElementType()));
  auto *shape = tensor->mutable_shape();
  for (int64_t d : type.getShape())
    shape->add_dim()->set_dim_value(d);
}

/// Whether ONNX can hold a value of `type`: a statically shaped tensor of a
/// type with an ONNX data type.
static bool isExportable(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() &&
         onnxDataType(tensor.getElementType()) != 0;
}

static onnx::TensorProto makeTensor(StringRef name, int32_t dataType,
                                    ArrayRef<int64_t> dims, std::string bytes) {
  onnx::TensorProto t;
  t.set_name(name.str());
  t.set_data_type(dataType);
  for (int64_t d : dims)
    t.add_dims(d);
  t.set_raw_data(std::move(bytes));
  return t;
}

std::string GraphExporter::sharedConstant(Operation *op, int32_t dataType,
                                          ArrayRef<int64_t> dims,
                                          std::string bytes, StringRef suffix) {
  // Shared only in the same role, which the name says.
  std::string key = suffix.str() + "/" + std::to_string(dataType) + "/";
  for (int64_t d : dims)
    key += std::to_string(d) + "x";
  key += "/" + bytes;
  auto it = sharedConstants.find(key);
  if (it != sharedConstants.end())
    return it->second;
  std::string name = placeholder(baseName(op, "const") + "_" + suffix.str());
  addTensor(makeTensor(name, dataType, dims, std::move(bytes)));
  sharedConstants[key] = name;
  return name;
}

LogicalResult GraphExporter::checkOps(Block &body) {
  const ExporterRegistry &registry = ExporterRegistry::get();
  // One error per op kind without an exporter, at its first op, naming the
  // nodes of the others too.
  llvm::MapVector<StringRef, SmallVector<Operation *>> unsupported;
  for (Operation &op : body.without_terminator()) {
    const ExporterRegistry::Entry *entry =
        registry.lookup(op.getName().getStringRef());
    if (!entry) {
      unsupported[op.getName().getStringRef()].push_back(&op);
      continue;
    }
    if (entry->opset)
      opset = std::max(opset, entry->opset(&op));
  }
  for (auto &[name, ops] : unsupported) {
    InFlightDiagnostic diag = emitError(ops.front()->getLoc())
                              << "cannot export " << name
                              << nodeRef(ops.front())
                              << " to ONNX: no ONNX operator corresponds to it";
    if (ops.size() > 1) {
      diag << " (" << ops.size() - 1 << " more " << name << " op"
           << (ops.size() == 2 ? "" : "s");
      SmallVector<std::string> nodes;
      for (Operation *op : ArrayRef<Operation *>(ops).drop_front())
        if (std::optional<std::string> n = locationName(op->getLoc()))
          nodes.push_back("'" + *n + "'");
      constexpr size_t kMaxNodes = 8;
      if (!nodes.empty()) {
        diag << ", at nodes ";
        llvm::interleaveComma(
            ArrayRef<std::string>(nodes).take_front(kMaxNodes), diag);
        if (nodes.size() > kMaxNodes)
          diag << ", ...";
      }
      diag << ")";
    }
  }
  return success(unsupported.empty());
}

LogicalResult GraphExporter::setGraphOutputs(func::FuncOp func,
                                             func::ReturnOp ret) {
  llvm::StringSet<> inputNames;
  for (const auto &in : graph->input())
    inputNames.insert(in.name());
  // The tensor a graph output names is renamed to the output's name where
  // it is a node's output, not yet taken by an earlier graph output; an
  // input, an initializer or a tensor already renamed gets an Identity.
  std::map<std::string, std::string> renamed;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto outName = func.getResultAttrOfType<StringAttr>(i, kONNXNameAttr);
    std::string out = outName ? outName.str() : "output_" + std::to_string(i);
    if (!isExportable(value.getType()))
      return emitError(ret.getLoc())
             << "cannot export graph output '" << out << "' to ONNX: type "
             << value.getType() << " has no ONNX form";
    std::string source = names.lookup(value);
    onnx::ValueInfoProto &info = *graph->add_output();
    info.set_name(out);
    setType(*info.mutable_type(), cast<RankedTensorType>(value.getType()));
    if (source == out)
      continue;
    if (inputNames.contains(out))
      return emitError(ret.getLoc()) << "cannot export graph output '" << out
                                     << "' to ONNX: a graph input has its name";
    if (auto it = renamed.find(source); it != renamed.end())
      source = it->second;
    else if (!inputNames.contains(source) &&
             !initializerNames.contains(source)) {
      for (auto &node : *graph->mutable_node()) {
        for (auto &in : *node.mutable_input())
          if (in == source)
            in = out;
        for (auto &o : *node.mutable_output())
          if (o == source)
            o = out;
      }
      renamed[source] = out;
      continue;
    }
    onnx::NodeProto &node = *graph->add_node();
    node.set_name(out);
    node.set_op_type("Identity");
    node.add_input(source);
    node.add_output(out);
  }
  for (auto &[from, to] : renamed)
    valueTypes.erase(from);
  return success();
}

void GraphExporter::removeDeadNodes() {
  llvm::StringSet<> needed;
  for (const auto &out : graph->output())
    needed.insert(out.name());
  SmallVector<bool> live(graph->node_size(), false);
  for (int i = graph->node_size() - 1; i >= 0; --i) {
    const onnx::NodeProto &node = graph->node(i);
    live[i] = llvm::any_of(node.output(), [&](const std::string &o) {
      return !o.empty() && needed.contains(o);
    });
    if (live[i])
      for (const auto &in : node.input())
        needed.insert(in);
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (int i = 0; i < graph->node_size(); ++i)
    if (live[i])
      *nodes.Add() = std::move(*graph->mutable_node(i));
  graph->mutable_node()->Swap(&nodes);
  google::protobuf::RepeatedPtrField<onnx::TensorProto> inits;
  for (auto &init : *graph->mutable_initializer())
    if (needed.contains(init.name()))
      *inits.Add() = std::move(init);
  graph->mutable_initializer()->Swap(&inits);
}

void GraphExporter::finalizeNames() {
  llvm::StringSet<> used = ioNames;
  std::map<std::string, std::string> final;
  auto resolve = [&](std::string &name) {
    if (!isPlaceholder(name))
      return;
    auto [it, inserted] = final.try_emplace(name);
    if (inserted) {
      unsigned id = std::stoul(name.substr(1));
      it->second = uniqueName(used, placeholderBases[id]);
    }
    name = it->second;
  };
  // Initializers first: they keep the names of the model's weights.
  for (auto &init : *graph->mutable_initializer())
    resolve(*init.mutable_name());
  llvm::StringSet<> nodeNames;
  for (auto &node : *graph->mutable_node()) {
    node.set_name(uniqueName(nodeNames, node.name()));
    for (auto &out : *node.mutable_output())
      resolve(out);
    for (auto &in : *node.mutable_input())
      resolve(in);
  }
  for (auto &info : *graph->mutable_value_info())
    resolve(*info.mutable_name());
}

void GraphExporter::addValueInfo() {
  for (const auto &node : graph->node())
    for (const auto &out : node.output()) {
      auto it = valueTypes.find(out);
      if (it == valueTypes.end())
        continue;
      onnx::ValueInfoProto &info = *graph->add_value_info();
      info.set_name(out);
      setType(*info.mutable_type(), cast<RankedTensorType>(it->second));
    }
}

LogicalResult GraphExporter::run() {
  SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
  if (funcs.size() != 1 || funcs.front().isExternal())
    return emitError(module.getLoc())
           << "cannot export to ONNX: the module must hold one function "
              "with a body (the graph), found "
           << funcs.size() << " function" << (funcs.size() == 1 ? "" : "s");
  func::FuncOp func = funcs.front();
  Block &body = func.getBody().front();
  if (!func.getBody().hasOneBlock())
    return emitError(func.getLoc())
           << "cannot export to ONNX: the function has more than one block";
  if (failed(checkOps(body)))
    return failure();

  graph = model.mutable_graph();
  auto graphName = module->getAttrOfType<StringAttr>("q.graph_name");
  graph->set_name(graphName ? graphName.str() : func.getName().str());
  // Input and output names are taken before any other.
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  for (unsigned i = 0; i < ret.getNumOperands(); ++i)
    if (auto name = func.getResultAttrOfType<StringAttr>(i, kONNXNameAttr))
      ioNames.insert(name.getValue());
  for (unsigned i = 0; i < ret.getNumOperands(); ++i)
    if (!func.getResultAttrOfType<StringAttr>(i, kONNXNameAttr))
      ioNames.insert("output_" + std::to_string(i));
  for (BlockArgument arg : body.getArguments()) {
    auto attr =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), kONNXNameAttr);
    std::string name =
        attr ? attr.str()
             : uniqueName(ioNames,
                          "input_" + std::to_string(arg.getArgNumber()));
    ioNames.insert(name);
    if (!isExportable(arg.getType()))
      return emitError(func.getLoc())
             << "cannot export graph input '" << name << "' to ONNX: type "
             << arg.getType() << " has no ONNX form";
    names[arg] = name;
    onnx::ValueInfoProto &info = *graph->add_input();
    info.set_name(name);
    setType(*info.mutable_type(), cast<RankedTensorType>(arg.getType()));
  }
  const ExporterRegistry &registry = ExporterRegistry::get();
  for (Operation &op : body.without_terminator()) {
    for (Type t : op.getResultTypes())
      if (!isExportable(t))
        return emitError(op.getLoc())
               << "cannot export " << op.getName() << nodeRef(&op)
               << " to ONNX: its result type " << t << " has no ONNX form";
    NodeExporter exporter(*this, &op);
    if (failed(registry.lookup(op.getName().getStringRef())->fn(&op, exporter)))
      return failure();
  }
  if (failed(setGraphOutputs(func, ret)))
    return failure();
  removeDeadNodes();
  addValueInfo();
  finalizeNames();

  model.set_ir_version(irVersionOf(opset));
  model.set_producer_name("qmlir");
  onnx::OperatorSetIdProto &imp = *model.add_opset_import();
  imp.set_domain("");
  imp.set_version(opset);
  return success();
}

//===----------------------------------------------------------------------===//
// NodeExporter
//===----------------------------------------------------------------------===//

int64_t NodeExporter::getOpset() const { return graph.opset; }

std::string NodeExporter::name(Value value) {
  if (!value)
    return "";
  auto it = graph.names.find(value);
  // Operands are defined before their users, in a block of one function.
  assert(it != graph.names.end() && "operand without an ONNX name");
  return it == graph.names.end() ? std::string() : it->second;
}

std::string NodeExporter::output(unsigned i) {
  return graph.resultName(op->getResult(i));
}

std::string NodeExporter::freshName(StringRef suffix) {
  return graph.placeholder(graph.baseName(op, op->getName().stripDialect()) +
                           "_" + suffix.str());
}

onnx::NodeProto &NodeExporter::addNode(StringRef opType,
                                       ArrayRef<std::string> inputs,
                                       ArrayRef<std::string> outputs) {
  onnx::NodeProto &node = *graph.graph->add_node();
  node.set_op_type(opType.str());
  node.set_name(graph.baseName(op, opType));
  while (!inputs.empty() && inputs.back().empty())
    inputs = inputs.drop_back();
  while (!outputs.empty() && outputs.back().empty())
    outputs = outputs.drop_back();
  for (const std::string &in : inputs)
    node.add_input(in);
  for (const std::string &out : outputs)
    node.add_output(out);
  return node;
}

onnx::NodeProto &NodeExporter::addNodeOfOperands(StringRef opType) {
  SmallVector<std::string> inputs, outputs;
  for (Value v : op->getOperands())
    inputs.push_back(name(v));
  for (unsigned i = 0; i < op->getNumResults(); ++i)
    outputs.push_back(output(i));
  return addNode(opType, inputs, outputs);
}

void NodeExporter::alias(unsigned i, Value source) {
  graph.names[op->getResult(i)] = name(source);
}

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// The bytes of `attr` in ONNX's raw_data layout for `count` elements:
/// little-endian, bool as one byte each. Fails with `error`.
static bool rawBytes(ElementsAttr attr, int64_t count, std::string &bytes,
                     std::string &error) {
  Type elem = attr.getElementType();
  if (!elem.isIntOrFloat()) {
    error = "its elements of type " + typeString(elem) + " have no ONNX form";
    return false;
  }
  unsigned width = elem.getIntOrFloatBitWidth();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (width == 1) {
      for (bool b : dense.getValues<bool>())
        bytes.push_back(b ? 1 : 0);
      return true;
    }
    if (width % 8 != 0) {
      error = "its elements of type " + typeString(elem) + " have no ONNX form";
      return false;
    }
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      bytes.reserve(count * raw.size());
      for (int64_t i = 0; i < count; ++i)
        bytes.append(raw.data(), raw.size());
    } else {
      bytes.assign(raw.data(), raw.size());
    }
    return true;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      error = "the data of its dense_resource blob '" +
              resource.getRawHandle().getKey().str() +
              "' is not available (elided?)";
      return false;
    }
    ArrayRef<char> raw = blob->getData();
    size_t expected = count * std::max<size_t>(1, width / 8);
    if (raw.size() != expected) {
      error = "its dense_resource blob holds " + std::to_string(raw.size()) +
              " bytes, not " + std::to_string(expected);
      return false;
    }
    bytes.assign(raw.data(), raw.size());
    return true;
  }
  error = "its value is neither a dense nor a dense_resource attribute";
  return false;
}

LogicalResult NodeExporter::setInitializer(ElementsAttr value) {
  Value result = op->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  std::string bytes, error;
  if (!rawBytes(value, type.getNumElements(), bytes, error))
    return emitError() << error;
  std::string base;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    base = resource.getRawHandle().getKey().str();
  else
    base = graph.baseName(op, "const");
  std::string name = graph.placeholder(base);
  graph.addTensor(makeTensor(name, onnxDataType(type.getElementType()),
                             type.getShape(), std::move(bytes)));
  graph.names[result] = name;
  return success();
}

std::string NodeExporter::intConstant(int32_t dataType,
                                      ArrayRef<int64_t> values,
                                      ArrayRef<int64_t> dims,
                                      StringRef suffix) {
  size_t size;
  switch (dataType) {
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    size = 1;
    break;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    size = 2;
    break;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    size = 4;
    break;
  default:
    size = 8;
    break;
  }
  std::string bytes;
  for (int64_t v : values) {
    uint64_t bits = static_cast<uint64_t>(v);
    bytes.append(reinterpret_cast<const char *>(&bits), size);
  }
  return graph.sharedConstant(op, dataType, dims, std::move(bytes), suffix);
}

std::string NodeExporter::i64Vector(ArrayRef<int64_t> values,
                                    StringRef suffix) {
  return intConstant(onnx::TensorProto::INT64, values,
                     {static_cast<int64_t>(values.size())}, suffix);
}

std::string NodeExporter::f32Constant(ArrayRef<float> values,
                                      ArrayRef<int64_t> dims,
                                      StringRef suffix) {
  std::string bytes(reinterpret_cast<const char *>(values.data()),
                    values.size() * sizeof(float));
  return graph.sharedConstant(op, onnx::TensorProto::FLOAT, dims,
                              std::move(bytes), suffix);
}

InFlightDiagnostic NodeExporter::emitError() {
  return mlir::emitError(op->getLoc())
         << "cannot export " << op->getName() << nodeRef(op) << " to ONNX: ";
}

//===----------------------------------------------------------------------===//
// Writing the file
//===----------------------------------------------------------------------===//

/// Writes `bytes` to a new file beside `path`, then renames it to `path`, so
/// that a failure leaves no partial file.
static LogicalResult writeFile(StringRef path, const std::string &bytes,
                               Location loc) {
  SmallString<256> tmp;
  int fd;
  std::error_code ec =
      llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, tmp);
  if (ec)
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
    }
  }
  if (!ec)
    ec = llvm::sys::fs::rename(tmp, path);
  if (ec) {
    llvm::sys::fs::remove(tmp);
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  }
  return success();
}

LogicalResult qmlir::exportONNXFile(ModuleOp module, StringRef path) {
  GraphExporter exporter(module);
  if (failed(exporter.run()))
    return failure();
  Location fileLoc = FileLineColLoc::get(module.getContext(), path, 0, 0);
  std::string bytes;
  if (!exporter.model.SerializeToString(&bytes))
    return emitError(fileLoc) << "cannot write '" << path
                              << "': the ONNX model does not serialize (ONNX "
                                 "files are limited to 2 GB)";
  return writeFile(path, bytes, fileLoc);
}
