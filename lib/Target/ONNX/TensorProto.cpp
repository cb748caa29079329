//===- TensorProto.cpp - decoding ONNX TensorProto data -------------------===//
//
// Part of qmlir. The field each data type uses follows onnx.proto: float_data
// for FLOAT (and COMPLEX64), int32_data for the narrow integers, BOOL and
// the 16-bit floats (as bit patterns), int64_data, uint64_data for UINT32
// and UINT64, double_data, or raw_data in little-endian order.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/ONNX/TensorProto.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstring>

using namespace mlir;
using onnx::TensorProto;

namespace qmlir {

int64_t DecodedTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

size_t onnxElementSize(int32_t dataType) {
  switch (dataType) {
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::DOUBLE:
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return 8;
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return 2;
  case TensorProto::INT8:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

StringRef onnxTypeName(int32_t dataType) {
  if (TensorProto::DataType_IsValid(dataType))
    return TensorProto::DataType_Name(
        static_cast<TensorProto::DataType>(dataType));
  return "<invalid>";
}

Type onnxElementType(int32_t dataType, MLIRContext *ctx) {
  switch (dataType) {
  case TensorProto::FLOAT:
    return Float32Type::get(ctx);
  case TensorProto::DOUBLE:
    return Float64Type::get(ctx);
  case TensorProto::FLOAT16:
    return Float16Type::get(ctx);
  case TensorProto::BFLOAT16:
    return BFloat16Type::get(ctx);
  case TensorProto::BOOL:
    return IntegerType::get(ctx, 1);
  case TensorProto::INT8:
    return IntegerType::get(ctx, 8);
  case TensorProto::INT16:
    return IntegerType::get(ctx, 16);
  case TensorProto::INT32:
    return IntegerType::get(ctx, 32);
  case TensorProto::INT64:
    return IntegerType::get(ctx, 64);
  case TensorProto::UINT8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case TensorProto::UINT16:
    return IntegerType::get(ctx, 16, IntegerType::Unsigned);
  case TensorProto::UINT32:
    return IntegerType::get(ctx, 32, IntegerType::Unsigned);
  case TensorProto::UINT64:
    return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  default:
    return {};
  }
}

/// Appends `values` narrowed or copied to `size` bytes each.
template <typename T>
static void appendValues(const T &values, size_t size, std::string &bytes) {
  for (auto v : values) {
    uint64_t bits = static_cast<uint64_t>(v);
    bytes.append(reinterpret_cast<const char *>(&bits), size);
  }
}

static bool readExternal(const TensorProto &tensor, StringRef baseDir,
                         std::string &bytes, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      int64_t &field = entry.key() == "offset" ? offset : length;
      if (StringRef(entry.value()).getAsInteger(10, field) || field < 0) {
        error = "tensor '" + tensor.name() + "': external data " + entry.key() +
                " '" + entry.value() + "' is not a non-negative integer";
        return false;
      }
    }
  }
  if (location.empty()) {
    error = "tensor '" + tensor.name() + "' has external data with no location";
    return false;
  }
  // As ONNX's checker requires: data lives beside the model, so a model
  // cannot make us read arbitrary files.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         "..")) {
    error = "tensor '" + tensor.name() + "': external data location '" +
            location + "' must be a relative path inside the model's directory";
    return false;
  }
  SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "tensor '" + tensor.name() + "': external data file '" +
            location + "' cannot be read (" + std::string(path) + ": " +
            buffer.getError().message() + ")";
    return false;
  }
  int64_t size = (*buffer)->getBufferSize();
  if (offset > size || (length >= 0 && length > size - offset)) {
    error = "tensor '" + tensor.name() + "': external data file '" +
            std::string(path) + "' holds " + std::to_string(size) +
            " bytes, fewer than offset " + std::to_string(offset) +
            " + length " + std::to_string(std::max<int64_t>(length, 0));
    return false;
  }
  if (length < 0)
    length = size - offset;
  bytes.assign((*buffer)->getBufferStart() + offset, length);
  return true;
}

bool decodeTensorProto(const TensorProto &tensor, StringRef baseDir,
                       DecodedTensor &out, std::string &error) {
  out.dataType = tensor.data_type();
  out.dims.assign(tensor.dims().begin(), tensor.dims().end());
  out.bytes.clear();
  size_t size = onnxElementSize(out.dataType);
  if (size == 0) {
    error = "tensor '" + tensor.name() + "' has unsupported element type " +
            onnxTypeName(out.dataType).str();
    return false;
  }
  for (int64_t d : out.dims)
    if (d < 0) {
      error = "tensor '" + tensor.name() + "' has a negative dimension";
      return false;
    }
  int64_t n = out.numElements();
  if (tensor.data_location() == TensorProto::EXTERNAL) {
    if (!readExternal(tensor, baseDir, out.bytes, error))
      return false;
  } else if (tensor.has_raw_data()) {
    out.bytes = tensor.raw_data();
  } else {
    switch (out.dataType) {
    case TensorProto::FLOAT:
      out.bytes.assign(reinterpret_cast<const char *>(tensor.float_data().data()),
                       tensor.float_data_size() * 4);
      break;
    case TensorProto::DOUBLE:
      out.bytes.assign(
          reinterpret_cast<const char *>(tensor.double_data().data()),
          tensor.double_data_size() * 8);
      break;
    case TensorProto::INT64:
      out.bytes.assign(
          reinterpret_cast<const char *>(tensor.int64_data().data()),
          tensor.int64_data_size() * 8);
      break;
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      appendValues(tensor.uint64_data(), size, out.bytes);
      break;
    default: // INT32 and narrower, BOOL, FLOAT16, BFLOAT16
      appendValues(tensor.int32_data(), size, out.bytes);
      break;
    }
  }
  if (out.bytes.size() != static_cast<size_t>(n) * size) {
    error = "tensor '" + tensor.name() + "' holds " +
            std::to_string(out.bytes.size()) + " bytes of data but its " +
            std::to_string(n) + " " + onnxTypeName(out.dataType).str() +
            " elements need " + std::to_string(n * size);
    return false;
  }
  return true;
}

bool readTensorProtoFile(StringRef path, TensorProto &tensor,
                         std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return false;
  }
  google::protobuf::io::ArrayInputStream raw((*buffer)->getBufferStart(),
                                             (*buffer)->getBufferSize());
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!tensor.ParseFromCodedStream(&coded) ||
      !coded.ConsumedEntireMessage()) {
    error = "'" + path.str() + "' is not a valid ONNX TensorProto file";
    return false;
  }
  return true;
}

} // namespace qmlir
