//===- LoraAdapter.cpp - PEFT LoRA adapters -------------------------------===//
//
// Part of qmlir. The config fields and their defaults are PEFT's
// (`peft.tuners.lora.LoraConfig`); the saved keys are those of
// `get_peft_model_state_dict` (adapter name removed).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/PEFT/LoraAdapter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace llvm;
using json = nlohmann::ordered_json;

namespace qmlir::peft {

static constexpr StringLiteral kConfigFile = "adapter_config.json";
static constexpr StringLiteral kTensorsFile = "adapter_model.safetensors";
static constexpr StringLiteral kKeyPrefix = "base_model.model.";
static constexpr StringLiteral kSuffixA = ".lora_A.weight";
static constexpr StringLiteral kSuffixB = ".lora_B.weight";

AdapterSpec parseAdapterSpec(StringRef spec) {
  AdapterSpec out;
  out.dir = spec.str();
  size_t at = spec.rfind('@');
  double scale;
  if (at != StringRef::npos && at > 0 &&
      llvm::to_float(spec.substr(at + 1), scale) && std::isfinite(scale)) {
    out.dir = spec.substr(0, at).str();
    out.scale = scale;
    out.hasScale = true;
  }
  return out;
}

/// Whether `regex` matches all of `text` (POSIX extended syntax).
static bool fullMatch(StringRef regex, StringRef text) {
  return Regex("^(" + regex.str() + ")$").match(text);
}

/// Whether `pattern` (a rank_pattern / alpha_pattern key) selects the module
/// at `path`: PEFT's get_pattern_key, `re.match(rf"(.*\.)?({key})$", path)`.
static bool patternSelects(StringRef pattern, StringRef path) {
  return Regex("^(.*\\.)?(" + pattern.str() + ")$").match(path);
}

/// Whether target_modules names the module at `path`: PEFT's
/// check_target_module_exists (a regex matches the whole path; a name
/// matches the path or its last components).
static bool isTargeted(const LoraConfig &config, StringRef path) {
  if (config.allLinear)
    return true;
  if (config.targetRegex)
    return fullMatch(*config.targetRegex, path);
  for (const std::string &t : config.targetModules)
    if (path == t || path.ends_with("." + t))
      return true;
  return false;
}

/// A regular expression from the config, checked.
static bool checkRegex(StringRef regex, StringRef what, std::string &error) {
  std::string why;
  if (Regex(regex).isValid(why))
    return true;
  error = what.str() + " '" + regex.str() +
          "', which is not a valid regular expression: " + why;
  return false;
}

/// Reads the fields of adapter_config.json that matter; `error` names what
/// is wrong (the caller adds the file).
static bool parseConfig(const json &root, LoraConfig &config,
                        std::string &error) {
  if (!root.is_object()) {
    error = "is not a JSON object";
    return false;
  }
  auto field = [&](const char *name) -> const json * {
    auto it = root.find(name);
    return it == root.end() || it->is_null() ? nullptr : &*it;
  };
  if (const json *type = field("peft_type");
      type && (!type->is_string() || type->get<std::string>() != "LORA")) {
    error = "describes an adapter of peft_type " + type->dump() +
            "; q-lora-merge reads LORA adapters";
    return false;
  }
  const json *r = field("r");
  if (!r || !r->is_number_integer() || r->get<int64_t>() <= 0) {
    error = "needs r, the rank, as a positive integer";
    return false;
  }
  config.r = r->get<int64_t>();
  const json *alpha = field("lora_alpha");
  if (!alpha || !alpha->is_number()) {
    error = "needs lora_alpha as a number";
    return false;
  }
  config.alpha = alpha->get<double>();
  for (auto [name, flag] :
       {std::pair<const char *, bool *>{"use_rslora", &config.useRslora},
        {"fan_in_fan_out", &config.fanInFanOut}}) {
    if (const json *v = field(name)) {
      if (!v->is_boolean()) {
        error = std::string("has ") + name + " that is not true or false";
        return false;
      }
      *flag = v->get<bool>();
    }
  }
  if (const json *dora = field("use_dora");
      dora && dora->is_boolean() && dora->get<bool>()) {
    error = "is a DoRA adapter (use_dora): its magnitude vectors are not "
            "supported, only plain LoRA";
    return false;
  }
  if (const json *bias = field("bias");
      bias && !(bias->is_string() && bias->get<std::string>() == "none")) {
    error = "trains biases (bias = " + bias->dump() +
            "), which q-lora-merge does not apply; only bias = \"none\" "
            "adapters are supported";
    return false;
  }
  if (const json *loraBias = field("lora_bias");
      loraBias && loraBias->is_boolean() && loraBias->get<bool>()) {
    error = "has lora_bias (a bias on lora_B), which q-lora-merge does not "
            "apply";
    return false;
  }
  if (const json *targets = field("target_modules")) {
    if (targets->is_string()) {
      std::string t = targets->get<std::string>();
      if (t == "all-linear") {
        config.allLinear = true;
      } else {
        if (!checkRegex(t, "has target_modules", error))
          return false;
        config.targetRegex = t;
      }
    } else if (targets->is_array()) {
      for (const json &t : *targets) {
        if (!t.is_string()) {
          error = "has target_modules that are not strings";
          return false;
        }
        config.targetModules.push_back(t.get<std::string>());
      }
    } else {
      error = "has target_modules that are neither a list of names nor a "
              "regular expression";
      return false;
    }
  } else {
    config.allLinear = true;
  }
  if (const json *ranks = field("rank_pattern")) {
    if (!ranks->is_object()) {
      error = "has a rank_pattern that is not a map of patterns to ranks";
      return false;
    }
    for (const auto &[key, value] : ranks->items()) {
      if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
        error = "has rank_pattern '" + key + "' that is not a positive integer";
        return false;
      }
      if (!checkRegex(key, "has rank_pattern", error))
        return false;
      config.rankPattern.emplace_back(key, value.get<int64_t>());
    }
  }
  if (const json *alphas = field("alpha_pattern")) {
    if (!alphas->is_object()) {
      error = "has an alpha_pattern that is not a map of patterns to numbers";
      return false;
    }
    for (const auto &[key, value] : alphas->items()) {
      if (!value.is_number()) {
        error = "has alpha_pattern '" + key + "' that is not a number";
        return false;
      }
      if (!checkRegex(key, "has alpha_pattern", error))
        return false;
      config.alphaPattern.emplace_back(key, value.get<double>());
    }
  }
  return true;
}

/// Whether `t` is 2-D.
static bool isMatrix(const safetensors::TensorInfo &t) {
  return t.shape.size() == 2;
}

std::unique_ptr<LoraAdapter> LoraAdapter::load(StringRef dir,
                                               std::string &error) {
  SmallString<256> configPath(dir), tensorsPath(dir);
  sys::path::append(configPath, kConfigFile);
  sys::path::append(tensorsPath, kTensorsFile);
  if (!sys::fs::exists(dir)) {
    error = "adapter folder '" + dir.str() + "' does not exist";
    return nullptr;
  }
  if (!sys::fs::is_directory(dir)) {
    error = "adapter '" + dir.str() +
            "' is not a folder (expected a PEFT adapter folder holding " +
            kConfigFile.str() + " and " + kTensorsFile.str() + ")";
    return nullptr;
  }
  if (!sys::fs::exists(configPath)) {
    error = "adapter folder '" + dir.str() + "' has no " + kConfigFile.str();
    return nullptr;
  }
  if (!sys::fs::exists(tensorsPath)) {
    SmallString<256> binPath(dir);
    sys::path::append(binPath, "adapter_model.bin");
    error = "adapter folder '" + dir.str() + "' has no " + kTensorsFile.str();
    if (sys::fs::exists(binPath))
      error += " (its adapter_model.bin is a PyTorch pickle, which is not "
               "read: save the adapter with safe_serialization=True)";
    return nullptr;
  }

  std::unique_ptr<LoraAdapter> adapter(new LoraAdapter());
  adapter->folder = dir.str();
  ErrorOr<std::unique_ptr<MemoryBuffer>> text =
      MemoryBuffer::getFile(configPath, /*IsText=*/true);
  if (!text) {
    error = "cannot read '" + configPath.str().str() +
            "': " + text.getError().message();
    return nullptr;
  }
  StringRef configText = (*text)->getBuffer();
  json root = json::parse(configText.begin(), configText.end(),
                          /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    error = "'" + configPath.str().str() + "' is not valid JSON: " +
            safetensors::describeJSONError(configText);
    return nullptr;
  }
  std::string why;
  if (!parseConfig(root, adapter->cfg, why)) {
    error = "'" + configPath.str().str() + "' " + why;
    return nullptr;
  }
  const LoraConfig &config = adapter->cfg;

  adapter->file = safetensors::File::open(tensorsPath, error);
  if (!adapter->file)
    return nullptr;
  std::string shown = tensorsPath.str().str();

  // Keys -> modules. Anything but lora_A / lora_B weights (embedding
  // adapters, DoRA magnitudes, modules_to_save copies, biases) is listed.
  StringMap<size_t> byPath;
  StringMap<std::string> keyOfPath[2];
  std::vector<std::string> unsupported;
  for (const safetensors::TensorInfo &t : adapter->file->tensors()) {
    StringRef key = t.name;
    int which = key.ends_with(kSuffixA) ? 0 : key.ends_with(kSuffixB) ? 1 : -1;
    if (which < 0) {
      unsupported.push_back(t.name);
      continue;
    }
    StringRef path = key.drop_back(kSuffixA.size());
    path.consume_front(kKeyPrefix);
    if (path.empty()) {
      unsupported.push_back(t.name);
      continue;
    }
    if (t.dtype != safetensors::DType::F32 &&
        t.dtype != safetensors::DType::F16 &&
        t.dtype != safetensors::DType::BF16) {
      error = "'" + shown + "': tensor '" + t.name + "' is " + t.describe() +
              "; LoRA weights must be F32, F16 or BF16";
      return nullptr;
    }
    auto [it, inserted] = byPath.try_emplace(path, adapter->moduleList.size());
    if (inserted) {
      adapter->moduleList.emplace_back();
      adapter->moduleList.back().path = path.str();
    }
    LoraModule &m = adapter->moduleList[it->second];
    const safetensors::TensorInfo *&slot = which == 0 ? m.a : m.b;
    if (slot) {
      error = "'" + shown + "': tensors '" + keyOfPath[which][path] +
              "' and '" + t.name + "' are both " +
              (which == 0 ? "lora_A" : "lora_B") + " of module '" + path.str() +
              "'";
      return nullptr;
    }
    slot = &t;
    keyOfPath[which][path] = t.name;
  }
  if (!unsupported.empty()) {
    error = "'" + shown + "' holds tensors q-lora-merge does not apply: " +
            join(unsupported, ", ") +
            " (only the lora_A.weight / lora_B.weight pairs of Linear "
            "layers are merged)";
    return nullptr;
  }
  if (adapter->moduleList.empty()) {
    error = "'" + shown + "' holds no lora_A / lora_B weights";
    return nullptr;
  }

  for (LoraModule &m : adapter->moduleList) {
    if (!m.a || !m.b) {
      error = "'" + shown + "': module '" + m.path + "' has " +
              (m.a ? "lora_A but no lora_B" : "lora_B but no lora_A");
      return nullptr;
    }
    if (!isMatrix(*m.a) || !isMatrix(*m.b)) {
      const safetensors::TensorInfo &bad = isMatrix(*m.a) ? *m.b : *m.a;
      error = "'" + shown + "': tensor '" + bad.name + "' is " +
              bad.describe() + ", not a matrix";
      return nullptr;
    }
    if (m.a->shape[0] != m.b->shape[1]) {
      error = "'" + shown + "': module '" + m.path + "' has lora_A " +
              m.a->describe() + " and lora_B " + m.b->describe() +
              ", whose ranks differ (" + std::to_string(m.a->shape[0]) +
              " and " + std::to_string(m.b->shape[1]) + ")";
      return nullptr;
    }
    m.rank = config.r;
    std::string rankSource = "r = " + std::to_string(config.r);
    for (const auto &[pattern, rank] : config.rankPattern)
      if (patternSelects(pattern, m.path)) {
        m.rank = rank;
        rankSource = "rank_pattern '" + pattern + "' = " + std::to_string(rank);
        break;
      }
    if (m.a->shape[0] != m.rank) {
      error = "'" + shown + "': module '" + m.path + "' has rank " +
              std::to_string(m.a->shape[0]) + " (lora_A " + m.a->describe() +
              ", lora_B " + m.b->describe() + ") but " + kConfigFile.str() +
              " gives " + rankSource;
      return nullptr;
    }
    m.alpha = config.alpha;
    for (const auto &[pattern, alpha] : config.alphaPattern)
      if (patternSelects(pattern, m.path)) {
        m.alpha = alpha;
        break;
      }
    m.scaling = config.useRslora
                    ? m.alpha / std::sqrt(static_cast<double>(m.rank))
                    : m.alpha / static_cast<double>(m.rank);
    if (!isTargeted(config, m.path)) {
      std::string targets = config.targetRegex
                                ? "'" + *config.targetRegex + "'"
                                : "[" + join(config.targetModules, ", ") + "]";
      error = "'" + shown + "': module '" + m.path + "' is not among the " +
              kConfigFile.str() + " target_modules " + targets +
              " (is the config from another adapter?)";
      return nullptr;
    }
  }
  return adapter;
}

bool readModuleMap(StringRef path,
                   std::vector<std::pair<std::string, std::string>> &entries,
                   std::string &error) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> text =
      MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!text) {
    error = "cannot read the mapping file '" + path.str() +
            "': " + text.getError().message();
    return false;
  }
  StringRef content = (*text)->getBuffer();
  json root = json::parse(content.begin(), content.end(), /*cb=*/nullptr,
                          /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    error = "the mapping file '" + path.str() +
            "' is not valid JSON: " + safetensors::describeJSONError(content);
    return false;
  }
  if (!root.is_object()) {
    error = "the mapping file '" + path.str() +
            "' is not a JSON object of module paths to node or weight names";
    return false;
  }
  for (const auto &[key, value] : root.items()) {
    if (!value.is_string()) {
      error = "the mapping file '" + path.str() + "' maps '" + key +
              "' to something that is not a node or weight name (a string)";
      return false;
    }
    entries.emplace_back(key, value.get<std::string>());
  }
  return true;
}

} // namespace qmlir::peft
