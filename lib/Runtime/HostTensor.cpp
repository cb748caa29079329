//===- HostTensor.cpp - tensors in host memory for qrun -------------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/HostTensor.h"
#include "qmlir/Target/ONNX/TensorProto.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace mlir;

namespace qmlir {

size_t elementSize(ElementKind kind) {
  switch (kind) {
  case ElementKind::F64:
  case ElementKind::I64:
  case ElementKind::U64:
    return 8;
  case ElementKind::F32:
  case ElementKind::I32:
  case ElementKind::U32:
    return 4;
  case ElementKind::F16:
  case ElementKind::BF16:
  case ElementKind::I16:
  case ElementKind::U16:
    return 2;
  case ElementKind::Bool:
  case ElementKind::I8:
  case ElementKind::U8:
    return 1;
  }
  return 0;
}

StringRef elementName(ElementKind kind) {
  switch (kind) {
  case ElementKind::F16: return "f16";
  case ElementKind::BF16: return "bf16";
  case ElementKind::F32: return "f32";
  case ElementKind::F64: return "f64";
  case ElementKind::Bool: return "bool";
  case ElementKind::I8: return "i8";
  case ElementKind::I16: return "i16";
  case ElementKind::I32: return "i32";
  case ElementKind::I64: return "i64";
  case ElementKind::U8: return "u8";
  case ElementKind::U16: return "u16";
  case ElementKind::U32: return "u32";
  case ElementKind::U64: return "u64";
  }
  return "?";
}

/// numpy's dtype.str of each kind; bf16 has none and is written as <u2.
static StringRef npyDescr(ElementKind kind) {
  switch (kind) {
  case ElementKind::F16: return "<f2";
  case ElementKind::BF16: return "<u2";
  case ElementKind::F32: return "<f4";
  case ElementKind::F64: return "<f8";
  case ElementKind::Bool: return "|b1";
  case ElementKind::I8: return "|i1";
  case ElementKind::I16: return "<i2";
  case ElementKind::I32: return "<i4";
  case ElementKind::I64: return "<i8";
  case ElementKind::U8: return "|u1";
  case ElementKind::U16: return "<u2";
  case ElementKind::U32: return "<u4";
  case ElementKind::U64: return "<u8";
  }
  return "";
}

std::optional<ElementKind> elementKindOf(Type type) {
  // Quantized tensors travel as their storage integers.
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    type = IntegerType::get(type.getContext(), q.getStorageTypeIntegralWidth(),
                            q.isSigned() ? IntegerType::Signless
                                         : IntegerType::Unsigned);
  if (type.isF16()) return ElementKind::F16;
  if (type.isBF16()) return ElementKind::BF16;
  if (type.isF32()) return ElementKind::F32;
  if (type.isF64()) return ElementKind::F64;
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return std::nullopt;
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
  case 1: return ElementKind::Bool;
  case 8: return u ? ElementKind::U8 : ElementKind::I8;
  case 16: return u ? ElementKind::U16 : ElementKind::I16;
  case 32: return u ? ElementKind::U32 : ElementKind::I32;
  case 64: return u ? ElementKind::U64 : ElementKind::I64;
  default: return std::nullopt;
  }
}

void HostTensor::Free::operator()(void *p) const { std::free(p); }

HostTensor::HostTensor(ElementKind kind, ArrayRef<int64_t> shape)
    : kind(kind), shape(shape) {
  // 64-byte aligned, as the C ABI of compiled models asks of callers.
  size_t bytes = std::max<size_t>(byteSize(), 1);
  bytes = (bytes + 63) / 64 * 64;
  storage.reset(std::aligned_alloc(64, bytes));
  std::memset(storage.get(), 0, bytes);
}

void HostTensor::reinterpretAs(ElementKind other) {
  assert(elementSize(other) == elementSize(kind) && "width must not change");
  kind = other;
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static double halfToDouble(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0)
    v = std::ldexp(static_cast<double>(mant), -24);
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = std::ldexp(static_cast<double>(mant | 0x400), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

double HostTensor::at(int64_t i) const {
  const char *p = static_cast<const char *>(data());
  switch (kind) {
  case ElementKind::F16:
    return halfToDouble(reinterpret_cast<const uint16_t *>(p)[i]);
  case ElementKind::BF16: {
    uint32_t bits = uint32_t(reinterpret_cast<const uint16_t *>(p)[i]) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  case ElementKind::F32: return reinterpret_cast<const float *>(p)[i];
  case ElementKind::F64: return reinterpret_cast<const double *>(p)[i];
  case ElementKind::Bool: return p[i] != 0;
  case ElementKind::I8: return reinterpret_cast<const int8_t *>(p)[i];
  case ElementKind::I16: return reinterpret_cast<const int16_t *>(p)[i];
  case ElementKind::I32: return reinterpret_cast<const int32_t *>(p)[i];
  case ElementKind::I64: return static_cast<double>(reinterpret_cast<const int64_t *>(p)[i]);
  case ElementKind::U8: return reinterpret_cast<const uint8_t *>(p)[i];
  case ElementKind::U16: return reinterpret_cast<const uint16_t *>(p)[i];
  case ElementKind::U32: return reinterpret_cast<const uint32_t *>(p)[i];
  case ElementKind::U64: return static_cast<double>(reinterpret_cast<const uint64_t *>(p)[i]);
  }
  return 0;
}

std::string HostTensor::describe() const {
  std::string s = elementName(kind).str() + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

static std::optional<ElementKind> kindOfOnnx(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT16: return ElementKind::F16;
  case onnx::TensorProto::BFLOAT16: return ElementKind::BF16;
  case onnx::TensorProto::FLOAT: return ElementKind::F32;
  case onnx::TensorProto::DOUBLE: return ElementKind::F64;
  case onnx::TensorProto::BOOL: return ElementKind::Bool;
  case onnx::TensorProto::INT8: return ElementKind::I8;
  case onnx::TensorProto::INT16: return ElementKind::I16;
  case onnx::TensorProto::INT32: return ElementKind::I32;
  case onnx::TensorProto::INT64: return ElementKind::I64;
  case onnx::TensorProto::UINT8: return ElementKind::U8;
  case onnx::TensorProto::UINT16: return ElementKind::U16;
  case onnx::TensorProto::UINT32: return ElementKind::U32;
  case onnx::TensorProto::UINT64: return ElementKind::U64;
  default: return std::nullopt;
  }
}

static std::optional<ElementKind> kindOfNpy(StringRef descr) {
  for (ElementKind k :
       {ElementKind::F16, ElementKind::F32, ElementKind::F64, ElementKind::Bool,
        ElementKind::I8, ElementKind::I16, ElementKind::I32, ElementKind::I64,
        ElementKind::U8, ElementKind::U16, ElementKind::U32, ElementKind::U64})
    if (npyDescr(k) == descr ||
        (descr.size() == 3 && descr[0] == '|' && npyDescr(k).drop_front() ==
                                                     descr.drop_front()))
      return k;
  return std::nullopt;
}

/// Reads the value of `'key':` in a .npy header dict.
static StringRef npyField(StringRef header, StringRef key) {
  size_t pos = header.find(("'" + key + "'").str());
  if (pos == StringRef::npos)
    return {};
  StringRef rest = header.drop_front(pos + key.size() + 2).ltrim(" :");
  if (rest.starts_with("'"))
    return rest.drop_front().take_until([](char c) { return c == '\''; });
  if (rest.starts_with("("))
    return rest.drop_front().take_until([](char c) { return c == ')'; });
  return rest.take_until([](char c) { return c == ',' || c == '}'; }).trim();
}

static bool loadNpy(StringRef path, HostTensor &out, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return false;
  }
  StringRef all = (*buffer)->getBuffer();
  auto bad = [&](StringRef why) {
    error = "'" + path.str() + "' is not a valid .npy file: " + why.str();
    return false;
  };
  if (all.size() < 10 || !all.starts_with("\x93NUMPY"))
    return bad("missing magic");
  uint8_t major = all[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = uint8_t(all[8]) | (uint8_t(all[9]) << 8);
    offset = 10;
  } else {
    if (all.size() < 12)
      return bad("truncated header");
    headerLen = uint8_t(all[8]) | (uint8_t(all[9]) << 8) |
                (uint8_t(all[10]) << 16) | (size_t(uint8_t(all[11])) << 24);
    offset = 12;
  }
  if (offset + headerLen > all.size())
    return bad("truncated header");
  StringRef header = all.substr(offset, headerLen);
  if (npyField(header, "fortran_order") != "False")
    return bad("Fortran order is not supported");
  StringRef descr = npyField(header, "descr");
  std::optional<ElementKind> kind = kindOfNpy(descr);
  if (!kind)
    return bad("unsupported dtype '" + descr.str() + "'");
  SmallVector<int64_t> shape;
  SmallVector<StringRef> dims;
  npyField(header, "shape").split(dims, ',', -1, false);
  for (StringRef d : dims) {
    int64_t v;
    if (d.trim().empty())
      continue;
    if (d.trim().getAsInteger(10, v))
      return bad("bad shape");
    shape.push_back(v);
  }
  out = HostTensor(*kind, shape);
  StringRef payload = all.drop_front(offset + headerLen);
  if (payload.size() != out.byteSize())
    return bad("holds " + std::to_string(payload.size()) + " bytes of data, " +
               out.describe() + " needs " + std::to_string(out.byteSize()));
  std::memcpy(out.data(), payload.data(), payload.size());
  return true;
}

bool HostTensor::load(StringRef path, HostTensor &out, std::string &error) {
  if (path.ends_with(".npy"))
    return loadNpy(path, out, error);
  if (!path.ends_with(".pb")) {
    error = "'" + path.str() + "': expected a .npy or .pb file";
    return false;
  }
  onnx::TensorProto proto;
  if (!readTensorProtoFile(path, proto, error))
    return false;
  DecodedTensor decoded;
  if (!decodeTensorProto(proto, llvm::sys::path::parent_path(path), decoded,
                         error)) {
    error = "'" + path.str() + "': " + error;
    return false;
  }
  std::optional<ElementKind> kind = kindOfOnnx(decoded.dataType);
  if (!kind) {
    error = "'" + path.str() + "': unsupported element type " +
            onnxTypeName(decoded.dataType).str();
    return false;
  }
  out = HostTensor(*kind, decoded.dims);
  std::memcpy(out.data(), decoded.bytes.data(), decoded.bytes.size());
  return true;
}

bool HostTensor::saveNpy(StringRef path, std::string &error) const {
  std::string header = "{'descr': '" + npyDescr(kind).str() +
                       "', 'fortran_order': False, 'shape': (";
  for (int64_t d : shape)
    header += std::to_string(d) + ", ";
  if (shape.size() > 1)
    header.erase(header.size() - 1);
  else if (shape.size() == 1)
    header.erase(header.size() - 1);
  header += "), }";
  // Pad so the data starts 64-byte aligned, ending the header with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return false;
  }
  os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
     << char((header.size() >> 8) & 0xff) << header;
  os.write(static_cast<const char *>(data()), byteSize());
  return true;
}

Comparison compareTensors(const HostTensor &actual, const HostTensor &expected,
                          double atol, double rtol) {
  Comparison c;
  bool exact = actual.getKind() != ElementKind::F16 &&
               actual.getKind() != ElementKind::BF16 &&
               actual.getKind() != ElementKind::F32 &&
               actual.getKind() != ElementKind::F64;
  for (int64_t i = 0, e = actual.numElements(); i < e; ++i) {
    double a = actual.at(i), x = expected.at(i);
    bool same;
    double err = 0;
    if (std::isnan(a) || std::isnan(x)) {
      same = std::isnan(a) && std::isnan(x);
      err = same ? 0 : INFINITY;
    } else if (std::isinf(a) || std::isinf(x)) {
      same = a == x;
      err = same ? 0 : INFINITY;
    } else {
      err = std::fabs(a - x);
      same = exact ? a == x : err <= atol + rtol * std::fabs(x);
    }
    if (!same) {
      ++c.mismatches;
      c.ok = false;
    }
    if (err > c.maxAbsError || (!same && c.worstIndex < 0)) {
      c.maxAbsError = std::max(c.maxAbsError, err);
      c.worstIndex = i;
      c.worstActual = a;
      c.worstExpected = x;
    }
  }
  return c;
}

} // namespace qmlir
