//===- TensorProto.h - decoding ONNX TensorProto data -----------*- C++ -*-===//
//
// Part of qmlir. Shared by the importer (initializers, Constant nodes) and
// by qrun (input_N.pb / output_N.pb test data).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_ONNX_TENSORPROTO_H
#define QMLIR_TARGET_ONNX_TENSORPROTO_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace qmlir {

/// A tensor's element type, shape and data in native little-endian layout:
/// f16/bf16 as their 16-bit patterns, bool as one byte per element.
struct DecodedTensor {
  int32_t dataType = 0; // onnx::TensorProto::DataType
  llvm::SmallVector<int64_t> dims;
  std::string bytes;
  int64_t numElements() const;
};

/// Bytes per element of an ONNX data type, or 0 if qmlir cannot hold it.
size_t onnxElementSize(int32_t dataType);

/// The ONNX data type's name ("FLOAT", "UINT8", ...).
llvm::StringRef onnxTypeName(int32_t dataType);

/// The q-level MLIR element type of an ONNX data type (`UINT8` -> `ui8`,
/// `BOOL` -> `i1`), or null if unsupported.
mlir::Type onnxElementType(int32_t dataType, mlir::MLIRContext *ctx);

/// Decodes `tensor`, reading external data relative to `baseDir`. On failure
/// returns false with a message in `error`.
bool decodeTensorProto(const onnx::TensorProto &tensor, llvm::StringRef baseDir,
                       DecodedTensor &out, std::string &error);

/// Reads a serialized TensorProto file (ONNX test data `input_0.pb`).
bool readTensorProtoFile(llvm::StringRef path, onnx::TensorProto &tensor,
                         std::string &error);

} // namespace qmlir

#endif // QMLIR_TARGET_ONNX_TENSORPROTO_H
