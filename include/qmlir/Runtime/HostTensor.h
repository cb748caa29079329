//===- HostTensor.h - tensors in host memory for qrun -----------*- C++ -*-===//
//
// Part of qmlir. Buffers that qrun hands to compiled code: 64-byte aligned,
// read from .npy or ONNX TensorProto (.pb) files, written as .npy, and
// compared with numpy's allclose rule.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_HOSTTENSOR_H
#define QMLIR_RUNTIME_HOSTTENSOR_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace qmlir {

enum class ElementKind { F16, BF16, F32, F64, Bool, I8, I16, I32, I64, U8, U16, U32, U64 };

/// Bytes per element, and numpy's dtype string ("<f4", "|u1", ...).
size_t elementSize(ElementKind kind);
llvm::StringRef elementName(ElementKind kind);
/// The kind of a q-level element type (`ui8` -> U8), if supported.
std::optional<ElementKind> elementKindOf(mlir::Type type);

class HostTensor {
public:
  HostTensor() = default;
  HostTensor(ElementKind kind, llvm::ArrayRef<int64_t> shape);

  ElementKind getKind() const { return kind; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  int64_t numElements() const;
  size_t byteSize() const { return numElements() * elementSize(kind); }
  void *data() { return storage.get(); }
  const void *data() const { return storage.get(); }
  /// Reads the same bytes as another kind of the same width (bf16 test
  /// data is stored as UINT16 by ONNX's generators).
  void reinterpretAs(ElementKind other);
  /// Element `i` widened to double (for comparisons and printing).
  double at(int64_t i) const;
  /// "f32[1x3x32x32]".
  std::string describe() const;

  /// Loads .npy (C order, little-endian) or .pb (TensorProto) by extension.
  static bool load(llvm::StringRef path, HostTensor &out, std::string &error);
  bool saveNpy(llvm::StringRef path, std::string &error) const;

private:
  struct Free {
    void operator()(void *p) const;
  };
  ElementKind kind = ElementKind::F32;
  llvm::SmallVector<int64_t> shape;
  std::unique_ptr<void, Free> storage;
};

/// numpy.allclose for one tensor: |a - e| <= atol + rtol * |e|, NaN equal to
/// NaN, integers and bools exactly. Fills the largest error and where.
struct Comparison {
  bool ok = true;
  int64_t mismatches = 0;
  int64_t worstIndex = -1;
  double maxAbsError = 0;
  double worstActual = 0, worstExpected = 0;
};
Comparison compareTensors(const HostTensor &actual, const HostTensor &expected,
                          double atol, double rtol);

} // namespace qmlir

#endif // QMLIR_RUNTIME_HOSTTENSOR_H
