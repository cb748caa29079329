//===- SafeTensors.h - reading safetensors files ----------------*- C++ -*-===//
//
// Part of qmlir. A safetensors file (Hugging Face's tensor container, the
// format of PEFT adapters) is an 8-byte little-endian header length N, N
// bytes of JSON naming each tensor's dtype, shape and byte range
// `data_offsets: [begin, end)` in the data section that follows, then the
// data section. The reader checks the whole header before anything is read:
// sizes, ranges inside the data section, no overlaps, no holes, a header of
// at most 100 MB. Errors name the file and the tensor.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_SAFETENSORS_SAFETENSORS_H
#define QMLIR_TARGET_SAFETENSORS_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qmlir::safetensors {

/// The element types of the safetensors format.
enum class DType {
  BOOL,
  U8,
  I8,
  F8_E5M2,
  F8_E4M3,
  I16,
  U16,
  F16,
  BF16,
  I32,
  U32,
  F32,
  F64,
  I64,
  U64,
};

/// The dtype spelled `name` in a header ("F32", "BF16", ...).
std::optional<DType> parseDType(llvm::StringRef name);
/// The spelling of `dtype` in a header.
llvm::StringRef dtypeName(DType dtype);
/// Bytes per element.
unsigned dtypeSize(DType dtype);

/// One tensor of a file, as its header describes it.
struct TensorInfo {
  std::string name;
  DType dtype;
  llvm::SmallVector<int64_t> shape;
  /// The byte range [begin, end) in the data section.
  uint64_t begin = 0, end = 0;

  int64_t numElements() const;
  /// "F32[4x16]".
  std::string describe() const;
};

/// The largest header the reader accepts, as the format's own reader does.
inline constexpr uint64_t kMaxHeaderBytes = 100'000'000;

class File {
public:
  /// Opens and checks the file at `path` (mapped, not copied). On failure
  /// returns null and sets `error` to a message naming the file.
  static std::unique_ptr<File> open(llvm::StringRef path, std::string &error);
  /// Checks the safetensors bytes of `buffer`; messages name the buffer's
  /// identifier.
  static std::unique_ptr<File> parse(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                     std::string &error);

  llvm::StringRef path() const { return buffer->getBufferIdentifier(); }
  /// The tensors in the order of their data.
  llvm::ArrayRef<TensorInfo> tensors() const { return tensorList; }
  /// The tensor named `name`, or null.
  const TensorInfo *find(llvm::StringRef name) const;
  /// The `__metadata__` map (empty without one).
  const std::map<std::string, std::string> &metadata() const { return meta; }

  /// The raw little-endian bytes of `tensor`.
  llvm::ArrayRef<char> bytes(const TensorInfo &tensor) const;
  /// The elements of `tensor` as f32: F32 as stored, F16 and BF16 widened
  /// (exactly). Other dtypes fail with a message naming the file, the
  /// tensor and its dtype.
  bool readF32(const TensorInfo &tensor, std::vector<float> &out,
               std::string &error) const;

private:
  File() = default;
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  /// Offset of the data section in the buffer.
  size_t dataStart = 0;
  std::vector<TensorInfo> tensorList;
  std::map<std::string, std::string> meta;
};

/// Why `text` is not valid JSON: the parser's message with line and
/// column ("parse error at line 1, column 2: ..."). Shared with the other
/// JSON files of the formats read next to safetensors (adapter configs).
std::string describeJSONError(llvm::StringRef text);

/// IEEE half and bfloat16 bit patterns widened to f32 (exact).
float halfToFloat(uint16_t bits);
float bfloat16ToFloat(uint16_t bits);

} // namespace qmlir::safetensors

#endif // QMLIR_TARGET_SAFETENSORS_SAFETENSORS_H
