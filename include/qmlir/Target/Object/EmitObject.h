//===- EmitObject.h - objects, C headers and manifests ----------*- C++ -*-===//
//
// Part of qmlir. Turns a model lowered by lowerToCInterface into what
// qcompile writes: an object file (or assembly, or LLVM IR) for a target
// machine, the C header `NAME.h` and the JSON manifest `NAME.json`.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_OBJECT_EMITOBJECT_H
#define QMLIR_TARGET_OBJECT_EMITOBJECT_H

#include "qmlir/Target/Object/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace qmlir {

/// What the user asked for; empty fields take defaults.
struct TargetRequest {
  std::string arch;     // "x86_64" or "aarch64"; "" is the host's
  std::string cpu;      // "" is the host's for the host arch, else "generic"
  std::string features; // "+a,-b"; "" is the host's with the host's cpu
  unsigned optLevel = 3;
};

/// The target machine a model is compiled for.
struct ObjectTarget {
  TargetInfo info; // triple, cpu, features (as written to the manifest)
  unsigned optLevel = 3;
  std::unique_ptr<llvm::TargetMachine> machine;
};

/// Resolves defaults and checks the cpu and every feature against LLVM's
/// tables; on failure `error` says what is wrong.
std::unique_ptr<ObjectTarget> createObjectTarget(const TargetRequest &request,
                                                 std::string &error);
/// The LLVM architecture name of the machine running the compiler.
std::string hostArch();

enum class EmitKind { Object, Assembly, LLVMIR };

/// Translates a module in the LLVM dialect to LLVM IR, optimizes it at the
/// target's level and writes it. Floating-point contraction is only what
/// the IR spells (llvm.fma, llvm.fmuladd), as on every target.
mlir::LogicalResult emitModule(mlir::ModuleOp module, ObjectTarget &target,
                               EmitKind kind, llvm::raw_pwrite_stream &os);

/// `NAME.h`: the prototypes with one comment per parameter (ONNX name,
/// dtype, shape, quantization), the status macros, the sizes.
void writeHeader(const ModelSignature &signature, llvm::StringRef source,
                 llvm::raw_ostream &os);
/// `NAME.json`, the manifest loaders read (see docs/abi.md).
void writeManifest(const ModelSignature &signature, llvm::raw_ostream &os);

} // namespace qmlir

#endif // QMLIR_TARGET_OBJECT_EMITOBJECT_H
