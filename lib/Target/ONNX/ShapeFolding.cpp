//===- ShapeFolding.cpp - fold shape computations of an ONNX graph --------===//
//
// Part of qmlir. Exporters often compute a Reshape's target shape at run
// time: Shape -> Cast -> Slice -> Concat -> Reshape. With static input
// shapes those values are compile-time constants, but ONNX 1.12's data
// propagation does not see through every step. This stage evaluates such
// integer shape computations on the ONNX graph itself and replaces their
// nodes by initializers, so shape inference can then type the rest of the
// graph. Only small integer tensors are evaluated; data never is.
//
//===----------------------------------------------------------------------===//

#include "ShapeFolding.h"
#include "qmlir/Target/ONNX/TensorProto.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <optional>

using namespace llvm;

namespace qmlir::onnx_import {

namespace {
/// A known integer tensor: rank 0 or 1, at most kMaxElements elements.
struct Known {
  SmallVector<int64_t> values;
  bool scalar = false;
  int32_t dataType = onnx::TensorProto::INT64;
};

/// Shape vectors are short; anything larger is data, not a shape.
constexpr size_t kMaxElements = 64;

class Folder {
public:
  explicit Folder(onnx::GraphProto &graph) : graph(graph) {
    for (const auto &vi : graph.input())
      types[vi.name()] = &vi.type();
    for (const auto &vi : graph.value_info())
      types[vi.name()] = &vi.type();
    for (const auto &vi : graph.output())
      types[vi.name()] = &vi.type();
    for (const auto &init : graph.initializer())
      addInitializer(init);
  }

  /// Evaluates what it can, in node order; true if some node was folded.
  bool run(SmallVectorImpl<int> &fileIndex);

private:
  void addInitializer(const onnx::TensorProto &t);
  static std::optional<Known> decode(const onnx::TensorProto &t);
  std::optional<Known> input(const onnx::NodeProto &node, int i) const;
  std::optional<SmallVector<int64_t>> staticShape(const std::string &name) const;
  std::optional<Known> evaluate(const onnx::NodeProto &node) const;
  static int64_t attrInt(const onnx::NodeProto &node, StringRef name,
                         int64_t dflt);
  static std::optional<SmallVector<int64_t>>
  attrInts(const onnx::NodeProto &node, StringRef name);

  onnx::GraphProto &graph;
  StringMap<const onnx::TypeProto *> types;
  StringMap<Known> known;
};
} // namespace

static bool isIntegerType(int32_t t) {
  return t == onnx::TensorProto::INT64 || t == onnx::TensorProto::INT32;
}

void Folder::addInitializer(const onnx::TensorProto &t) {
  if (std::optional<Known> k = decode(t))
    known[t.name()] = std::move(*k);
}

std::optional<Known> Folder::decode(const onnx::TensorProto &t) {
  if (!isIntegerType(t.data_type()) || t.dims_size() > 1)
    return std::nullopt;
  DecodedTensor d;
  std::string error;
  if (!decodeTensorProto(t, "", d, error) ||
      static_cast<size_t>(d.numElements()) > kMaxElements)
    return std::nullopt;
  Known k;
  k.scalar = t.dims_size() == 0;
  k.dataType = t.data_type();
  for (int64_t i = 0; i < d.numElements(); ++i)
    k.values.push_back(t.data_type() == onnx::TensorProto::INT64
                           ? reinterpret_cast<const int64_t *>(d.bytes.data())[i]
                           : reinterpret_cast<const int32_t *>(d.bytes.data())[i]);
  return k;
}

std::optional<Known> Folder::input(const onnx::NodeProto &node, int i) const {
  if (i >= node.input_size() || node.input(i).empty())
    return std::nullopt;
  auto it = known.find(node.input(i));
  if (it == known.end())
    return std::nullopt;
  return it->second;
}

std::optional<SmallVector<int64_t>>
Folder::staticShape(const std::string &name) const {
  auto it = types.find(name);
  if (it == types.end() || !it->second->has_tensor_type() ||
      !it->second->tensor_type().has_shape())
    return std::nullopt;
  SmallVector<int64_t> shape;
  for (const auto &dim : it->second->tensor_type().shape().dim()) {
    if (!dim.has_dim_value())
      return std::nullopt;
    shape.push_back(dim.dim_value());
  }
  return shape;
}

int64_t Folder::attrInt(const onnx::NodeProto &node, StringRef name,
                        int64_t dflt) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}

std::optional<SmallVector<int64_t>>
Folder::attrInts(const onnx::NodeProto &node, StringRef name) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return SmallVector<int64_t>(a.ints().begin(), a.ints().end());
  return std::nullopt;
}

/// Clamps a Slice start or end the way ONNX does for a positive step.
static int64_t clampIndex(int64_t i, int64_t size) {
  if (i < 0)
    i += size;
  return std::clamp<int64_t>(i, 0, size);
}

std::optional<Known> Folder::evaluate(const onnx::NodeProto &node) const {
  if (!node.domain().empty() || node.output_size() != 1)
    return std::nullopt;
  StringRef op = node.op_type();
  Known out;
  if (op == "Constant") {
    for (const auto &a : node.attribute()) {
      if (a.name() == "value_int")
        return Known{{a.i()}, true, onnx::TensorProto::INT64};
      if (a.name() == "value_ints")
        return Known{SmallVector<int64_t>(a.ints().begin(), a.ints().end()),
                     false, onnx::TensorProto::INT64};
      if (a.name() == "value" && a.has_t())
        return decode(a.t());
    }
    return std::nullopt;
  }
  if (op == "Shape") {
    std::optional<SmallVector<int64_t>> shape = staticShape(node.input(0));
    if (!shape)
      return std::nullopt;
    int64_t rank = shape->size();
    int64_t start = attrInt(node, "start", 0), end = attrInt(node, "end", rank);
    start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
    for (int64_t i = start; i < end; ++i)
      out.values.push_back((*shape)[i]);
    return out;
  }
  if (op == "Size") {
    std::optional<SmallVector<int64_t>> shape = staticShape(node.input(0));
    if (!shape)
      return std::nullopt;
    int64_t n = 1;
    for (int64_t d : *shape)
      n *= d;
    out.values = {n};
    out.scalar = true;
    return out;
  }
  if (op == "Identity") {
    return input(node, 0);
  }
  if (op == "Neg") {
    std::optional<Known> x = input(node, 0);
    if (!x)
      return std::nullopt;
    out = *x;
    for (int64_t &v : out.values)
      v = -v;
    return out;
  }
  if (op == "ConstantOfShape") {
    std::optional<Known> shape = input(node, 0);
    std::optional<Known> fill = Known{{0}, true, onnx::TensorProto::FLOAT};
    for (const auto &a : node.attribute())
      if (a.name() == "value" && a.has_t())
        fill = decode(a.t());
    // Only integer fills of rank <= 1 are shape vectors.
    if (!shape || shape->scalar || shape->values.size() > 1 || !fill ||
        !isIntegerType(fill->dataType) || fill->values.size() != 1)
      return std::nullopt;
    int64_t n = shape->values.empty() ? 1 : shape->values[0];
    if (n < 0 || static_cast<size_t>(n) > kMaxElements)
      return std::nullopt;
    out.dataType = fill->dataType;
    out.scalar = shape->values.empty();
    out.values.assign(n, fill->values[0]);
    return out;
  }
  if (op == "Range") {
    std::optional<Known> start = input(node, 0), limit = input(node, 1),
                         delta = input(node, 2);
    if (!start || !limit || !delta || start->values.size() != 1 ||
        limit->values.size() != 1 || delta->values.size() != 1 ||
        delta->values[0] == 0)
      return std::nullopt;
    int64_t s0 = start->values[0], l = limit->values[0], d = delta->values[0];
    // ONNX: max(ceil((limit - start) / delta), 0) elements.
    int64_t n = std::max<int64_t>(0, (l - s0 + d + (d > 0 ? -1 : 1)) / d);
    if (static_cast<size_t>(n) > kMaxElements)
      return std::nullopt;
    out.dataType = start->dataType;
    for (int64_t i = 0; i < n; ++i)
      out.values.push_back(s0 + i * d);
    return out;
  }
  if (op == "Cast") {
    std::optional<Known> x = input(node, 0);
    int64_t to = attrInt(node, "to", 0);
    if (!x || !isIntegerType(static_cast<int32_t>(to)))
      return std::nullopt;
    out = *x;
    out.dataType = static_cast<int32_t>(to);
    if (to == onnx::TensorProto::INT32)
      for (int64_t &v : out.values)
        v = static_cast<int32_t>(v);
    return out;
  }
  if (op == "Concat") {
    for (int i = 0; i < node.input_size(); ++i) {
      std::optional<Known> x = input(node, i);
      if (!x || x->scalar)
        return std::nullopt;
      out.dataType = x->dataType;
      out.values.append(x->values.begin(), x->values.end());
    }
    return out;
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    std::optional<Known> x = input(node, 0);
    if (!x)
      return std::nullopt;
    out = *x;
    // Only the scalar <-> 1-element forms a shape computation uses.
    if (op == "Unsqueeze" && x->scalar)
      out.scalar = false;
    else if (op == "Squeeze" && !x->scalar && x->values.size() == 1)
      out.scalar = true;
    else
      return std::nullopt;
    return out;
  }
  if (op == "Gather") {
    std::optional<Known> data = input(node, 0), idx = input(node, 1);
    if (!data || !idx || data->scalar || attrInt(node, "axis", 0) != 0)
      return std::nullopt;
    int64_t n = data->values.size();
    out.dataType = data->dataType;
    out.scalar = idx->scalar;
    for (int64_t i : idx->values) {
      if (i < -n || i >= n)
        return std::nullopt;
      out.values.push_back(data->values[i < 0 ? i + n : i]);
    }
    return out;
  }
  if (op == "Slice") {
    std::optional<Known> data = input(node, 0);
    if (!data || data->scalar)
      return std::nullopt;
    std::optional<SmallVector<int64_t>> starts, ends, axes, steps;
    if (node.input_size() == 1) { // opset < 10: attributes
      starts = attrInts(node, "starts");
      ends = attrInts(node, "ends");
      axes = attrInts(node, "axes");
    } else {
      auto get = [&](int i) -> std::optional<SmallVector<int64_t>> {
        if (std::optional<Known> k = input(node, i))
          return k->values;
        return std::nullopt;
      };
      starts = get(1);
      ends = get(2);
      if (node.input_size() > 3 && !node.input(3).empty() && !(axes = get(3)))
        return std::nullopt;
      if (node.input_size() > 4 && !node.input(4).empty() && !(steps = get(4)))
        return std::nullopt;
    }
    if (!starts || !ends || starts->size() != 1 || ends->size() != 1 ||
        (axes && (axes->size() != 1 || ((*axes)[0] != 0 && (*axes)[0] != -1))))
      return std::nullopt;
    int64_t step = steps ? (*steps)[0] : 1;
    if (step <= 0)
      return std::nullopt;
    int64_t n = data->values.size();
    int64_t b = clampIndex((*starts)[0], n);
    int64_t e = clampIndex((*ends)[0], n);
    out.dataType = data->dataType;
    for (int64_t i = b; i < e; i += step)
      out.values.push_back(data->values[i]);
    return out;
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    std::optional<Known> a = input(node, 0), b = input(node, 1);
    if (!a || !b)
      return std::nullopt;
    size_t n = std::max(a->values.size(), b->values.size());
    if ((a->values.size() != n && a->values.size() != 1) ||
        (b->values.size() != n && b->values.size() != 1))
      return std::nullopt;
    out.dataType = a->dataType;
    out.scalar = a->scalar && b->scalar;
    for (size_t i = 0; i < n; ++i) {
      int64_t x = a->values[a->values.size() == 1 ? 0 : i];
      int64_t y = b->values[b->values.size() == 1 ? 0 : i];
      if (op == "Div" && y == 0)
        return std::nullopt;
      // ONNX integer division truncates toward zero, as C++ does.
      out.values.push_back(op == "Add"   ? x + y
                           : op == "Sub" ? x - y
                           : op == "Mul" ? x * y
                                         : x / y);
    }
    return out;
  }
  return std::nullopt;
}

bool Folder::run(SmallVectorImpl<int> &fileIndex) {
  SmallVector<int> folded;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    std::optional<Known> value = evaluate(node);
    if (!value || value->values.size() > kMaxElements)
      continue;
    known[node.output(0)] = *value;
    // Constant nodes are sources of known values; they import as they are.
    if (node.op_type() != "Constant")
      folded.push_back(i);
  }
  if (folded.empty())
    return false;

  // Folded outputs still read by an unfolded node or the graph become
  // initializers; the folded nodes go.
  DenseSet<int> gone(folded.begin(), folded.end());
  StringMap<bool> readLater;
  for (int i = 0; i < graph.node_size(); ++i)
    if (!gone.contains(i))
      for (const auto &in : graph.node(i).input())
        readLater[in] = true;
  for (const auto &out : graph.output())
    readLater[out.name()] = true;
  for (int i : folded) {
    const std::string &name = graph.node(i).output(0);
    if (!readLater.count(name))
      continue;
    const Known &k = known[name];
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(name);
    t->set_data_type(k.dataType);
    if (!k.scalar)
      t->add_dims(k.values.size());
    for (int64_t v : k.values) {
      if (k.dataType == onnx::TensorProto::INT64)
        t->add_int64_data(v);
      else
        t->add_int32_data(static_cast<int32_t>(v));
    }
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  SmallVector<int> keptIndex;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (gone.contains(i))
      continue;
    *kept.Add() = std::move(*graph.mutable_node(i));
    keptIndex.push_back(fileIndex[i]);
  }
  graph.mutable_node()->Swap(&kept);
  fileIndex.assign(keptIndex.begin(), keptIndex.end());
  return true;
}

bool isShapeFoldingOp(StringRef opType) {
  return llvm::is_contained({"Shape", "Size", "Identity", "Cast", "Concat",
                             "Unsqueeze", "Squeeze", "Gather", "Slice", "Add",
                             "Sub", "Mul", "Div", "Neg", "ConstantOfShape",
                             "Range"},
                            opType);
}

bool foldShapeComputations(onnx::ModelProto &model,
                           SmallVectorImpl<int> &fileIndex) {
  Folder folder(*model.mutable_graph());
  return folder.run(fileIndex);
}

} // namespace qmlir::onnx_import
