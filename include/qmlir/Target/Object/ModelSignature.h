//===- ModelSignature.h - a compiled model's interface ----------*- C++ -*-===//
//
// Part of qmlir. What a caller of a compiled model needs to know about it:
// its inputs and outputs (ONNX names, dtypes, shapes, quantization), its
// workspace and its target. Read from the q-level `@main` when compiling,
// written to and read back from the JSON manifest (`NAME.json`).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_OBJECT_MODELSIGNATURE_H
#define QMLIR_TARGET_OBJECT_MODELSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace qmlir {

/// Affine quantization of a tensor: real = (stored - zeroPoint) * scale,
/// per tensor (one scale and zero point, no axis) or per axis.
struct QuantInfo {
  std::string expressedDType; // numpy name of the real values: "float32"
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  std::optional<int32_t> axis;
  int64_t storageMin = 0, storageMax = 0;
};

/// One input or output at the C ABI.
struct TensorInfo {
  std::string name;  // the ONNX name
  std::string dtype; // numpy's name of the stored elements: "float32", "bool"
  llvm::SmallVector<int64_t> shape;
  std::optional<QuantInfo> quant;

  int64_t numElements() const;
  int64_t byteSize() const;
  /// The C type of one element ("float", "uint16_t" for f16 and bf16).
  llvm::StringRef cType() const;
  /// "float32[1x3x32x32]".
  std::string describe() const;
};

/// Where a compiled model runs.
struct TargetInfo {
  std::string triple, cpu, features;
};

struct ModelSignature {
  std::string name; // the C identifier prefixing the ABI symbols
  int64_t abiVersion = 0;
  TargetInfo target;
  int64_t workspaceSize = 0;
  std::vector<TensorInfo> inputs, outputs;
};

/// Bytes per element of a dtype the ABI supports, 0 for any other name.
size_t dtypeSize(llvm::StringRef dtype);
/// The C type of a dtype ("" for an unknown one).
llvm::StringRef dtypeCType(llvm::StringRef dtype);

/// Reads the inputs and outputs of a q-level function (before lowering);
/// unsupported types get a diagnostic naming the argument or result.
mlir::LogicalResult readSignature(mlir::func::FuncOp func,
                                  ModelSignature &signature);

/// The manifest's JSON, and back (fromJSON reports what is wrong through
/// `path`, in llvm::json's style).
llvm::json::Value toJSON(const ModelSignature &signature);
bool fromJSON(const llvm::json::Value &value, ModelSignature &signature,
              llvm::json::Path path);

} // namespace qmlir

#endif // QMLIR_TARGET_OBJECT_MODELSIGNATURE_H
