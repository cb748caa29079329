//===- SharedModel.h - a shared library written by qcompile -----*- C++ -*-===//
//
// Part of qmlir. Opens `DIR/NAME.so` with the manifest `DIR/NAME.json` next
// to it (the .so's path with the extension replaced), checks that both come
// from the same compilation for this machine, and runs NAME_run_packed.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_SHAREDMODEL_H
#define QMLIR_RUNTIME_SHAREDMODEL_H

#include "qmlir/Runtime/CompiledModel.h"

#include <memory>
#include <string>

namespace qmlir {

class SharedModel : public CompiledModel {
public:
  /// Loads the library at `path`; `manifestPath` empty means the default
  /// one. On failure `error` names the file and what is wrong.
  static std::unique_ptr<SharedModel>
  load(llvm::StringRef path, llvm::StringRef manifestPath, std::string &error);
  /// `model.so` -> `model.json`.
  static std::string defaultManifestPath(llvm::StringRef path);
  ~SharedModel() override;

private:
  void *handle = nullptr;
};

} // namespace qmlir

#endif // QMLIR_RUNTIME_SHAREDMODEL_H
