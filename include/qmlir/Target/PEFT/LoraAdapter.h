//===- LoraAdapter.h - PEFT LoRA adapters -----------------------*- C++ -*-===//
//
// Part of qmlir. A LoRA adapter as Hugging Face PEFT saves it: a folder
// with `adapter_config.json` (r, lora_alpha, use_rslora, target_modules,
// ...) and `adapter_model.safetensors` holding, for each adapted Linear
// layer at module path M, `base_model.model.M.lora_A.weight` ([r, in]) and
// `base_model.model.M.lora_B.weight` ([out, r]). The layer's weight update
// is `scaling * (B @ A)`, `scaling = lora_alpha / r` (or
// `lora_alpha / sqrt(r)` with use_rslora). Everything is checked when the
// adapter is loaded; matching modules to a model is the caller's business
// (q-lora-merge).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_PEFT_LORAADAPTER_H
#define QMLIR_TARGET_PEFT_LORAADAPTER_H

#include "qmlir/Target/SafeTensors/SafeTensors.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qmlir::peft {

/// An adapter named on a command line: `DIR`, or `DIR@SCALE` to multiply
/// its update by SCALE (the text after the last `@`, when it is a number).
struct AdapterSpec {
  std::string dir;
  double scale = 1.0;
  bool hasScale = false;
};
AdapterSpec parseAdapterSpec(llvm::StringRef spec);

/// The fields of adapter_config.json that decide the update.
struct LoraConfig {
  int64_t r = 0;
  double alpha = 0;
  bool useRslora = false;
  bool fanInFanOut = false;
  /// target_modules: names matched against a module path's last
  /// components, or one regular expression matched against the whole path,
  /// or "all-linear"; absent when the config has none.
  std::vector<std::string> targetModules;
  std::optional<std::string> targetRegex;
  bool allLinear = false;
  /// rank_pattern / alpha_pattern, in the file's order (the first match
  /// wins, as in PEFT).
  std::vector<std::pair<std::string, int64_t>> rankPattern;
  std::vector<std::pair<std::string, double>> alphaPattern;
};

/// One adapted layer.
struct LoraModule {
  /// The module path, e.g. `model.layers.0.self_attn.q_proj` (the key
  /// without `base_model.model.` and `.lora_A.weight`).
  std::string path;
  const safetensors::TensorInfo *a = nullptr, *b = nullptr;
  /// Rank and alpha for this module (rank_pattern / alpha_pattern
  /// applied), and the factor of `B @ A` they give.
  int64_t rank = 0;
  double alpha = 0;
  double scaling = 0;

  int64_t inFeatures() const { return a->shape[1]; }
  int64_t outFeatures() const { return b->shape[0]; }
};

class LoraAdapter {
public:
  /// Reads and checks the adapter folder `dir`. On failure returns null and
  /// sets `error` to a message naming the file (and tensor) at fault.
  static std::unique_ptr<LoraAdapter> load(llvm::StringRef dir,
                                           std::string &error);

  llvm::StringRef dir() const { return folder; }
  const LoraConfig &config() const { return cfg; }
  llvm::ArrayRef<LoraModule> modules() const { return moduleList; }
  const safetensors::File &tensors() const { return *file; }

  /// `module`'s A ([r, in]) or B ([out, r]) as f32.
  bool readA(const LoraModule &module, std::vector<float> &out,
             std::string &error) const {
    return file->readF32(*module.a, out, error);
  }
  bool readB(const LoraModule &module, std::vector<float> &out,
             std::string &error) const {
    return file->readF32(*module.b, out, error);
  }

private:
  LoraAdapter() = default;
  std::string folder;
  LoraConfig cfg;
  std::unique_ptr<safetensors::File> file;
  std::vector<LoraModule> moduleList;
};

/// A mapping file for modules the matching rules miss: a JSON object from
/// module paths to ONNX node names or initializer names, e.g.
/// `{"model.layers.0.mlp.up_proj": "/model/layers.0/mlp/up_proj/MatMul"}`.
/// On failure returns false and sets `error` naming the file.
bool readModuleMap(llvm::StringRef path,
                   std::vector<std::pair<std::string, std::string>> &entries,
                   std::string &error);

} // namespace qmlir::peft

#endif // QMLIR_TARGET_PEFT_LORAADAPTER_H
