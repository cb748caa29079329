//===- SharedModel.cpp - a shared library written by qcompile -------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/SharedModel.h"
#include "qmlir/Target/Object/CInterface.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <dlfcn.h>

using namespace mlir;

namespace qmlir {

std::string SharedModel::defaultManifestPath(StringRef path) {
  SmallString<256> manifest(path);
  llvm::sys::path::replace_extension(manifest, ".json");
  return manifest.str().str();
}

/// Whether this machine runs code compiled for `target`: the same
/// architecture and every feature the compilation enabled.
static bool checkHost(const TargetInfo &target, StringRef library,
                      std::string &error) {
  llvm::Triple model(target.triple), host(llvm::sys::getProcessTriple());
  if (model.getArch() != host.getArch()) {
    error = "'" + library.str() + "' is compiled for " + target.triple +
            "; this machine is " + host.str();
    return false;
  }
  llvm::StringMap<bool> hostFeatures = llvm::sys::getHostCPUFeatures();
  SmallVector<StringRef> features;
  StringRef(target.features).split(features, ',', -1, false);
  for (StringRef f : features) {
    if (!f.consume_front("+"))
      continue;
    auto it = hostFeatures.find(f);
    if (it != hostFeatures.end() && !it->second) {
      error = "'" + library.str() + "' is compiled for the CPU feature '" +
              f.str() +
              "', which this machine lacks (compile it with "
              "qcompile --cpu/--features for this machine)";
      return false;
    }
  }
  return true;
}

std::unique_ptr<SharedModel>
SharedModel::load(StringRef path, StringRef manifestPath, std::string &error) {
  std::string manifestFile =
      manifestPath.empty() ? defaultManifestPath(path) : manifestPath.str();
  if (!llvm::sys::fs::exists(path)) {
    error = "cannot read '" + path.str() + "': No such file or directory";
    return nullptr;
  }
  auto buffer = llvm::MemoryBuffer::getFile(manifestFile);
  if (!buffer) {
    error = "cannot read the manifest '" + manifestFile + "' of '" +
            path.str() + "': " + buffer.getError().message() +
            " (qcompile writes NAME.json next to the library; compile with "
            "-o NAME.so or pass --manifest)";
    return nullptr;
  }
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*buffer)->getBuffer());
  if (!json) {
    error = "'" + manifestFile +
            "' is not valid JSON: " + llvm::toString(json.takeError());
    return nullptr;
  }
  ModelSignature signature;
  llvm::json::Path::Root root("manifest");
  if (!fromJSON(*json, signature, root)) {
    error = "'" + manifestFile +
            "' is not a qmlir manifest: " + llvm::toString(root.getError());
    return nullptr;
  }
  if (signature.abiVersion != kAbiVersion) {
    error = "'" + manifestFile + "' is for ABI version " +
            std::to_string(signature.abiVersion) + "; this qrun runs " +
            std::to_string(kAbiVersion);
    return nullptr;
  }
  if (!checkHost(signature.target, path, error))
    return nullptr;

  // An absolute path: dlopen searches the library path for a bare name.
  SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  auto model = std::unique_ptr<SharedModel>(new SharedModel());
  model->handle = dlopen(absolute.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle) {
    error = "cannot load '" + path.str() + "': " + dlerror();
    return nullptr;
  }
  std::string runPackedName = runPackedSymbol(signature.name);
  std::string sizeName = workspaceSizeSymbol(signature.name);
  void *entry = dlsym(model->handle, runPackedName.c_str());
  void *size = dlsym(model->handle, sizeName.c_str());
  if (!entry || !size) {
    error = "'" + path.str() + "' does not define " +
            (entry ? sizeName : runPackedName) + ", which '" + manifestFile +
            "' names: they are not from the same compilation";
    return nullptr;
  }
  size_t librarySize = reinterpret_cast<size_t (*)()>(size)();
  if (librarySize != static_cast<size_t>(signature.workspaceSize)) {
    error = "'" + path.str() + "' needs a workspace of " +
            std::to_string(librarySize) + " bytes but '" + manifestFile +
            "' says " + std::to_string(signature.workspaceSize) +
            ": they are not from the same compilation";
    return nullptr;
  }
  if (!model->initialize(std::move(signature),
                         reinterpret_cast<RunPackedFn>(entry), error))
    return nullptr;
  return model;
}

SharedModel::~SharedModel() {
  if (handle)
    dlclose(handle);
}

} // namespace qmlir
