//===- ModelSignature.cpp - a compiled model's interface ------------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/Object/ModelSignature.h"
#include "qmlir/Target/ONNX/Import.h"
#include "qmlir/Target/Object/CInterface.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace qmlir {

namespace {
struct DType {
  llvm::StringLiteral name;
  size_t size;
  llvm::StringLiteral cType;
};
} // namespace

// f16 and bf16 cross the C ABI as their bits.
static constexpr DType kDTypes[] = {
    {"float16", 2, "uint16_t"}, {"bfloat16", 2, "uint16_t"},
    {"float32", 4, "float"},    {"float64", 8, "double"},
    {"bool", 1, "bool"},        {"int8", 1, "int8_t"},
    {"int16", 2, "int16_t"},    {"int32", 4, "int32_t"},
    {"int64", 8, "int64_t"},    {"uint8", 1, "uint8_t"},
    {"uint16", 2, "uint16_t"},  {"uint32", 4, "uint32_t"},
    {"uint64", 8, "uint64_t"},
};

static const DType *findDType(StringRef name) {
  for (const DType &d : kDTypes)
    if (d.name == name)
      return &d;
  return nullptr;
}

size_t dtypeSize(StringRef dtype) {
  const DType *d = findDType(dtype);
  return d ? d->size : 0;
}

StringRef dtypeCType(StringRef dtype) {
  const DType *d = findDType(dtype);
  return d ? StringRef(d->cType) : StringRef();
}

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t TensorInfo::byteSize() const {
  return numElements() * static_cast<int64_t>(dtypeSize(dtype));
}

StringRef TensorInfo::cType() const { return dtypeCType(dtype); }

std::string TensorInfo::describe() const {
  std::string s = dtype + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

/// numpy's name of a float or integer element type; "" if the ABI has none.
static std::string dtypeOf(Type type) {
  if (type.isF16())
    return "float16";
  if (type.isBF16())
    return "bfloat16";
  if (type.isF32())
    return "float32";
  if (type.isF64())
    return "float64";
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return "";
  unsigned w = it.getWidth();
  if (w == 1)
    return "bool";
  if (w != 8 && w != 16 && w != 32 && w != 64)
    return "";
  return (it.isUnsigned() ? "uint" : "int") + std::to_string(w);
}

/// Fills `info`'s dtype (and quantization) from an element type; false if
/// the C ABI cannot carry it.
static bool describeElement(Type type, TensorInfo &info) {
  auto q = dyn_cast<quant::QuantizedType>(type);
  if (!q) {
    info.dtype = dtypeOf(type);
    return !info.dtype.empty();
  }
  unsigned width = q.getStorageTypeIntegralWidth();
  if (width != 8 && width != 16 && width != 32)
    return false;
  info.dtype = (q.isSigned() ? "int" : "uint") + std::to_string(width);
  QuantInfo quant;
  quant.expressedDType = dtypeOf(q.getExpressedType());
  quant.storageMin = q.getStorageTypeMin();
  quant.storageMax = q.getStorageTypeMax();
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q)) {
    quant.scales = {u.getScale()};
    quant.zeroPoints = {u.getZeroPoint()};
  } else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    quant.scales.assign(a.getScales().begin(), a.getScales().end());
    quant.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    quant.axis = a.getQuantizedDimension();
  } else {
    return false;
  }
  if (quant.expressedDType.empty())
    return false;
  info.quant = std::move(quant);
  return true;
}

LogicalResult readSignature(func::FuncOp func, ModelSignature &signature) {
  auto read = [&](bool results, std::vector<TensorInfo> &out) -> LogicalResult {
    ArrayRef<Type> types =
        results ? func.getResultTypes() : func.getArgumentTypes();
    for (auto [i, type] : llvm::enumerate(types)) {
      TensorInfo info;
      auto name = results
                      ? func.getResultAttrOfType<StringAttr>(i, kONNXNameAttr)
                      : func.getArgAttrOfType<StringAttr>(i, kONNXNameAttr);
      info.name = name ? name.str()
                       : (results ? "output_" : "input_") + std::to_string(i);
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          !describeElement(tensor.getElementType(), info))
        return func.emitError()
               << (results ? "output '" : "input '") << info.name
               << "' has type " << type
               << "; a compiled model takes statically shaped tensors of "
                  "float (f16, bf16, f32, f64), integer (8 to 64 bits), "
                  "bool or 8/16/32-bit affine quantized elements";
      info.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
      out.push_back(std::move(info));
    }
    return success();
  };
  return success(succeeded(read(false, signature.inputs)) &&
                 succeeded(read(true, signature.outputs)));
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

static llvm::json::Value toJSON(const QuantInfo &q) {
  llvm::json::Object o;
  o["expressed_dtype"] = q.expressedDType;
  if (q.axis) {
    o["scale"] = llvm::json::Array(q.scales);
    o["zero_point"] = llvm::json::Array(q.zeroPoints);
    o["axis"] = *q.axis;
  } else {
    o["scale"] = q.scales.front();
    o["zero_point"] = q.zeroPoints.front();
    o["axis"] = nullptr;
  }
  o["storage_min"] = q.storageMin;
  o["storage_max"] = q.storageMax;
  return o;
}

static llvm::json::Value toJSON(const TensorInfo &t) {
  llvm::json::Object o;
  o["name"] = t.name;
  o["dtype"] = t.dtype;
  o["c_type"] = t.cType();
  o["shape"] = llvm::json::Array(t.shape);
  o["bytes"] = t.byteSize();
  o["quantization"] = t.quant ? toJSON(*t.quant) : llvm::json::Value(nullptr);
  return o;
}

llvm::json::Value toJSON(const ModelSignature &s) {
  llvm::json::Object target;
  target["triple"] = s.target.triple;
  target["cpu"] = s.target.cpu;
  target["features"] = s.target.features;
  llvm::json::Object symbols;
  symbols["run"] = runSymbol(s.name);
  symbols["run_packed"] = runPackedSymbol(s.name);
  symbols["workspace_size"] = workspaceSizeSymbol(s.name);
  llvm::json::Array inputs, outputs;
  for (const TensorInfo &t : s.inputs)
    inputs.push_back(toJSON(t));
  for (const TensorInfo &t : s.outputs)
    outputs.push_back(toJSON(t));
  return llvm::json::Object{
      {"name", s.name},
      {"abi_version", s.abiVersion},
      {"target", std::move(target)},
      {"workspace_size", s.workspaceSize},
      {"alignment", kBufferAlignment},
      {"symbols", std::move(symbols)},
      {"inputs", std::move(inputs)},
      {"outputs", std::move(outputs)},
  };
}

/// A number or, per axis, an array of numbers.
template <typename T>
static bool readScalarOrArray(const llvm::json::Value *v, bool perAxis,
                              std::vector<T> &out, llvm::json::Path path) {
  if (!v) {
    path.report("missing value");
    return false;
  }
  if (perAxis)
    return llvm::json::fromJSON(*v, out, path);
  T x;
  if (!llvm::json::fromJSON(*v, x, path))
    return false;
  out = {x};
  return true;
}

static bool fromJSON(const llvm::json::Value &v, QuantInfo &q,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(v, path);
  const llvm::json::Object *obj = v.getAsObject();
  if (!o || !o.map("expressed_dtype", q.expressedDType) ||
      !o.map("axis", q.axis) || !o.map("storage_min", q.storageMin) ||
      !o.map("storage_max", q.storageMax))
    return false;
  bool perAxis = q.axis.has_value();
  return readScalarOrArray(obj->get("scale"), perAxis, q.scales,
                           path.field("scale")) &&
         readScalarOrArray(obj->get("zero_point"), perAxis, q.zeroPoints,
                           path.field("zero_point"));
}

static bool fromJSON(const llvm::json::Value &v, TensorInfo &t,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(v, path);
  std::vector<int64_t> shape;
  if (!o || !o.map("name", t.name) || !o.map("dtype", t.dtype) ||
      !o.map("shape", shape) || !o.map("quantization", t.quant))
    return false;
  if (!dtypeSize(t.dtype)) {
    path.field("dtype").report("not a dtype of the qmlir C ABI");
    return false;
  }
  for (int64_t d : shape)
    if (d < 0) {
      path.field("shape").report("negative dimension");
      return false;
    }
  t.shape.assign(shape.begin(), shape.end());
  return true;
}

static bool fromJSON(const llvm::json::Value &v, TargetInfo &t,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(v, path);
  return o && o.map("triple", t.triple) && o.map("cpu", t.cpu) &&
         o.map("features", t.features);
}

bool fromJSON(const llvm::json::Value &v, ModelSignature &s,
              llvm::json::Path path) {
  llvm::json::ObjectMapper o(v, path);
  if (!o || !o.map("name", s.name) || !o.map("abi_version", s.abiVersion) ||
      !o.map("target", s.target) || !o.map("workspace_size", s.workspaceSize) ||
      !o.map("inputs", s.inputs) || !o.map("outputs", s.outputs))
    return false;
  if (!isCIdentifier(s.name)) {
    path.field("name").report("not a C identifier");
    return false;
  }
  if (s.workspaceSize < 0) {
    path.field("workspace_size").report("negative size");
    return false;
  }
  return true;
}

} // namespace qmlir
