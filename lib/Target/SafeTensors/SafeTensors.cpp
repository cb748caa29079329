//===- SafeTensors.cpp - reading safetensors files ------------------------===//
//
// Part of qmlir. The checks follow the format's reference reader
// (huggingface/safetensors, `SafeTensors::read_metadata` and
// `Metadata::validate`): a header of at most 100 MB that starts with `{`,
// tensors sorted by offset covering the data section exactly, each range
// the size its dtype and shape say.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/SafeTensors/SafeTensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"

#include <nlohmann/json.hpp>

#include <cstring>

using namespace llvm;
using json = nlohmann::json;

namespace qmlir::safetensors {

namespace {
struct DTypeEntry {
  DType dtype;
  StringLiteral name;
  unsigned size;
};
} // namespace

static constexpr DTypeEntry kDTypes[] = {
    {DType::BOOL, "BOOL", 1},       {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},           {DType::F8_E5M2, "F8_E5M2", 1},
    {DType::F8_E4M3, "F8_E4M3", 1}, {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},         {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},         {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},         {DType::I64, "I64", 8},
    {DType::U64, "U64", 8},
};

std::optional<DType> parseDType(StringRef name) {
  for (const DTypeEntry &e : kDTypes)
    if (e.name == name)
      return e.dtype;
  return std::nullopt;
}

StringRef dtypeName(DType dtype) {
  for (const DTypeEntry &e : kDTypes)
    if (e.dtype == dtype)
      return e.name;
  llvm_unreachable("every dtype has an entry");
}

unsigned dtypeSize(DType dtype) {
  for (const DTypeEntry &e : kDTypes)
    if (e.dtype == dtype)
      return e.size;
  llvm_unreachable("every dtype has an entry");
}

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string TensorInfo::describe() const {
  std::string s = dtypeName(dtype).str() + "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "x" : "") + std::to_string(d);
  return s + "]";
}

float halfToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  uint32_t out;
  if (exponent == 0x1f) {
    out = sign | 0x7f800000 | (mantissa << 13); // inf, nan (payload kept)
  } else if (exponent != 0) {
    out = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    out = sign; // +-0
  } else {
    // Subnormal: normalize; every f16 subnormal is an f32 normal.
    int shift = 0;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      ++shift;
    }
    mantissa &= 0x3ff;
    out = sign | static_cast<uint32_t>(113 - shift) << 23 | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &out, sizeof(f));
  return f;
}

float bfloat16ToFloat(uint16_t bits) {
  uint32_t out = static_cast<uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &out, sizeof(f));
  return f;
}

namespace {
/// A SAX handler that builds nothing and keeps the parser's error.
struct ErrorRecorder : nlohmann::json_sax<json> {
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t &) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    message = ex.what();
    return false;
  }
};
} // namespace

std::string describeJSONError(StringRef text) {
  ErrorRecorder recorder;
  if (json::sax_parse(text.begin(), text.end(), &recorder))
    return "valid JSON";
  // "[json.exception.parse_error.101] parse error at ..." without the tag.
  StringRef message = recorder.message;
  if (message.starts_with("[json.exception."))
    message = message.drop_until([](char c) { return c == ']'; })
                  .drop_front()
                  .ltrim();
  return message.str();
}

/// "[a, b)".
static std::string range(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

/// A non-negative JSON integer as u64.
static std::optional<uint64_t> asU64(const json &v) {
  if (v.is_number_unsigned())
    return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint64_t>(v.get<int64_t>());
  return std::nullopt;
}

/// Reads the header entry `value` of tensor `name` into `info`; on failure
/// `error` says what is wrong with it (the caller names file and tensor).
static bool parseTensorEntry(const std::string &name, const json &value,
                             TensorInfo &info, std::string &error) {
  info.name = name;
  if (!value.is_object()) {
    error = "is not an object with dtype, shape and data_offsets";
    return false;
  }
  auto dtype = value.find("dtype"), shape = value.find("shape"),
       offsets = value.find("data_offsets");
  if (dtype == value.end() || shape == value.end() || offsets == value.end()) {
    error = "lacks ";
    error += dtype == value.end()   ? "dtype"
             : shape == value.end() ? "shape"
                                    : "data_offsets";
    return false;
  }
  if (!dtype->is_string()) {
    error = "has a dtype that is not a string";
    return false;
  }
  const std::string &dtypeText = dtype->get_ref<const std::string &>();
  std::optional<DType> dt = parseDType(dtypeText);
  if (!dt) {
    error = "has unknown dtype '" + dtypeText + "'";
    return false;
  }
  info.dtype = *dt;
  if (!shape->is_array()) {
    error = "has a shape that is not a list of sizes";
    return false;
  }
  for (const json &d : *shape) {
    std::optional<uint64_t> size = asU64(d);
    if (!size || *size > static_cast<uint64_t>(INT64_MAX)) {
      error = "has a shape that is not a list of non-negative integers";
      return false;
    }
    info.shape.push_back(static_cast<int64_t>(*size));
  }
  // The byte size, which must fit in 64 bits (0 with a 0 dimension).
  uint64_t bytes =
      llvm::is_contained(info.shape, 0) ? 0 : dtypeSize(info.dtype);
  bool overflow = false;
  for (int64_t d : info.shape) {
    if (d != 0 && bytes > UINT64_MAX / static_cast<uint64_t>(d))
      overflow = true;
    bytes *= static_cast<uint64_t>(d);
  }
  if (!offsets->is_array() || offsets->size() != 2 || !asU64((*offsets)[0]) ||
      !asU64((*offsets)[1])) {
    error = "has data_offsets that are not two non-negative integers";
    return false;
  }
  info.begin = *asU64((*offsets)[0]);
  info.end = *asU64((*offsets)[1]);
  if (info.end < info.begin) {
    error = "has data_offsets " + range(info.begin, info.end) +
            " that end before they begin";
    return false;
  }
  if (overflow || bytes != info.end - info.begin) {
    error = "is " + info.describe() + ", " +
            (overflow ? std::string("more bytes than fit in 64 bits")
                      : std::to_string(bytes) + " bytes") +
            ", but its data_offsets " + range(info.begin, info.end) + " hold " +
            std::to_string(info.end - info.begin);
    return false;
  }
  return true;
}

std::unique_ptr<File> File::open(StringRef path, std::string &error) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return nullptr;
  }
  return parse(std::move(*buffer), error);
}

std::unique_ptr<File> File::parse(std::unique_ptr<MemoryBuffer> buffer,
                                  std::string &error) {
  std::string path = buffer->getBufferIdentifier().str();
  auto fail = [&](const Twine &message) {
    error = "'" + path + "': " + message.str();
    return nullptr;
  };
  StringRef bytes = buffer->getBuffer();
  if (bytes.size() < 8)
    return fail("not a safetensors file: " + Twine(bytes.size()) +
                " bytes, fewer than the 8 of the header length");
  uint64_t headerSize =
      support::endian::read64le(reinterpret_cast<const void *>(bytes.data()));
  if (headerSize > kMaxHeaderBytes)
    return fail("safetensors header of " + Twine(headerSize) +
                " bytes is larger than the " + Twine(kMaxHeaderBytes) +
                "-byte limit");
  if (headerSize > bytes.size() - 8)
    return fail("safetensors header of " + Twine(headerSize) +
                " bytes runs past the end of the file (" + Twine(bytes.size()) +
                " bytes)");
  StringRef header = bytes.substr(8, headerSize);
  if (!header.starts_with("{"))
    return fail("safetensors header does not start with '{'");
  json root = json::parse(header.begin(), header.end(), /*cb=*/nullptr,
                          /*allow_exceptions=*/false);
  // Valid JSON that starts with '{' is an object.
  if (root.is_discarded())
    return fail("safetensors header is not valid JSON: " +
                describeJSONError(header));

  std::unique_ptr<File> file(new File());
  file->dataStart = 8 + headerSize;
  uint64_t dataSize = bytes.size() - file->dataStart;
  for (const auto &[name, value] : root.items()) {
    if (name == "__metadata__") {
      if (!value.is_object())
        return fail("__metadata__ is not a map of strings to strings");
      for (const auto &[key, text] : value.items()) {
        if (!text.is_string())
          return fail("__metadata__ entry '" + key + "' is not a string");
        file->meta[key] = text.get<std::string>();
      }
      continue;
    }
    TensorInfo info;
    std::string why;
    if (!parseTensorEntry(name, value, info, why))
      return fail("tensor '" + name + "' " + why);
    if (info.end > dataSize)
      return fail("tensor '" + name + "' has data_offsets " +
                  range(info.begin, info.end) +
                  " beyond the end of the data section (" + Twine(dataSize) +
                  " bytes)");
    file->tensorList.push_back(std::move(info));
  }

  // Sorted by offset, the tensors must tile the data section exactly.
  std::stable_sort(file->tensorList.begin(), file->tensorList.end(),
                   [](const TensorInfo &a, const TensorInfo &b) {
                     return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
                   });
  uint64_t covered = 0;
  const TensorInfo *previous = nullptr;
  for (const TensorInfo &t : file->tensorList) {
    if (t.begin < covered)
      return fail("tensors '" + previous->name + "' " +
                  range(previous->begin, previous->end) + " and '" + t.name +
                  "' " + range(t.begin, t.end) + " overlap");
    if (t.begin > covered)
      return fail("bytes " + range(covered, t.begin) +
                  " of the data section belong to no tensor (a hole before '" +
                  t.name + "')");
    covered = t.end;
    previous = &t;
  }
  if (covered != dataSize)
    return fail("bytes " + range(covered, dataSize) +
                " of the data section belong to no tensor (after the last "
                "one)");
  file->buffer = std::move(buffer);
  return file;
}

const TensorInfo *File::find(StringRef name) const {
  for (const TensorInfo &t : tensorList)
    if (t.name == name)
      return &t;
  return nullptr;
}

ArrayRef<char> File::bytes(const TensorInfo &tensor) const {
  return ArrayRef<char>(buffer->getBufferStart() + dataStart + tensor.begin,
                        tensor.end - tensor.begin);
}

bool File::readF32(const TensorInfo &tensor, std::vector<float> &out,
                   std::string &error) const {
  ArrayRef<char> raw = bytes(tensor);
  size_t n = static_cast<size_t>(tensor.numElements());
  out.resize(n);
  // The data section need not be aligned: elements are copied out.
  switch (tensor.dtype) {
  case DType::F32:
    for (size_t i = 0; i < n; ++i) {
      uint32_t v = support::endian::read32le(raw.data() + 4 * i);
      std::memcpy(&out[i], &v, sizeof(float));
    }
    return true;
  case DType::F16:
    for (size_t i = 0; i < n; ++i)
      out[i] = halfToFloat(support::endian::read16le(raw.data() + 2 * i));
    return true;
  case DType::BF16:
    for (size_t i = 0; i < n; ++i)
      out[i] = bfloat16ToFloat(support::endian::read16le(raw.data() + 2 * i));
    return true;
  default:
    error = "'" + path().str() + "': tensor '" + tensor.name + "' is " +
            tensor.describe() + "; only F32, F16 and BF16 tensors are read " +
            "as floats";
    return false;
  }
}

} // namespace qmlir::safetensors
