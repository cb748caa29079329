//===- EmitObject.cpp - objects, C headers and manifests ------------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/Object/EmitObject.h"
#include "qmlir/Target/Object/CInterface.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace qmlir {

/// The architectures qcompile targets, by the name --target takes.
static std::optional<std::string> tripleFor(StringRef arch) {
  if (arch == "x86_64")
    return std::string("x86_64-unknown-linux-gnu");
  if (arch == "aarch64")
    return std::string("aarch64-unknown-linux-gnu");
  return std::nullopt;
}

std::string hostArch() {
  return llvm::Triple(llvm::sys::getProcessTriple()).getArchName().str();
}

/// "+a,+b,-c": every feature the host reports, sorted.
static std::string hostFeatures() {
  std::vector<std::string> features;
  for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
    features.push_back((on ? "+" : "-") + name.str());
  llvm::sort(features);
  return llvm::join(features, ",");
}

static void initializeTargets() {
  static bool done = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    return true;
  }();
  (void)done;
}

std::unique_ptr<ObjectTarget> createObjectTarget(const TargetRequest &request,
                                                 std::string &error) {
  initializeTargets();
  std::string host = hostArch();
  std::string arch = request.arch.empty() ? host : request.arch;
  std::optional<std::string> triple = tripleFor(arch);
  if (!triple) {
    error = request.arch.empty()
                ? "the host architecture '" + host +
                      "' is not a target of qcompile: pass --target=x86_64 "
                      "or --target=aarch64"
                : "unknown --target '" + request.arch +
                      "' (expected x86_64 or aarch64)";
    return nullptr;
  }
  if (request.optLevel > 3) {
    error = "-O" + std::to_string(request.optLevel) +
            ": the optimization level is 0, 1, 2 or 3";
    return nullptr;
  }
  llvm::Triple tt(*triple);
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(tt, error);
  if (!target)
    return nullptr;

  // Native code for the host's architecture, the baseline for another.
  bool native = arch == host;
  std::string cpu = request.cpu;
  std::string features = request.features;
  if (cpu.empty()) {
    cpu = native ? llvm::sys::getHostCPUName().str() : "generic";
    if (native && features.empty())
      features = hostFeatures();
  }

  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(tt, "", ""));
  if (!sti->isCPUStringValid(cpu)) {
    error = "unknown --cpu '" + cpu + "' for " + arch;
    return nullptr;
  }
  llvm::StringSet<> known;
  for (const llvm::SubtargetFeatureKV &kv : sti->getAllProcessorFeatures())
    known.insert(kv.Key);
  SmallVector<StringRef> list;
  StringRef(features).split(list, ',', -1, /*KeepEmpty=*/false);
  for (StringRef f : list) {
    f = f.trim();
    if ((!f.starts_with("+") && !f.starts_with("-")) ||
        !known.contains(f.drop_front())) {
      error = "unknown feature '" + f.str() + "' in --features for " + arch +
              " (expected a comma-separated list like +avx2,-avx512f)";
      return nullptr;
    }
  }

  llvm::TargetOptions options;
  // Only what the IR spells fuses (llvm.fma, llvm.fmuladd): no backend
  // contracts a separate multiply and add, so every target rounds alike.
  options.AllowFPOpFusion = llvm::FPOpFusion::Standard;
  static const llvm::CodeGenOptLevel levels[] = {
      llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::Less,
      llvm::CodeGenOptLevel::Default, llvm::CodeGenOptLevel::Aggressive};
  // Position-independent: the object links into PIE executables (Debian's
  // default) and into shared libraries alike.
  std::unique_ptr<llvm::TargetMachine> machine(
      target->createTargetMachine(tt, cpu, features, options, llvm::Reloc::PIC_,
                                  std::nullopt, levels[request.optLevel]));
  if (!machine) {
    error = "cannot create a target machine for " + *triple;
    return nullptr;
  }
  auto result = std::make_unique<ObjectTarget>();
  result->info = {*triple, cpu, features};
  result->optLevel = request.optLevel;
  result->machine = std::move(machine);
  return result;
}

LogicalResult emitModule(ModuleOp module, ObjectTarget &target, EmitKind kind,
                         llvm::raw_pwrite_stream &os) {
  MLIRContext *ctx = module.getContext();
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return module.emitError("cannot translate the module to LLVM IR");
  llvm::TargetMachine &tm = *target.machine;
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());

  // The same LLVM optimizations as qrun's JIT, tuned for this target.
  auto optimize = makeOptimizingTransformer(target.optLevel,
                                            /*sizeLevel=*/0, &tm);
  if (llvm::Error err = optimize(llvmModule.get()))
    return module.emitError("LLVM optimization failed: ")
           << llvm::toString(std::move(err));

  if (kind == EmitKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             kind == EmitKind::Object
                                 ? llvm::CodeGenFileType::ObjectFile
                                 : llvm::CodeGenFileType::AssemblyFile))
    return module.emitError("the target cannot emit this file type");
  pm.run(*llvmModule);
  return success();
}

//===----------------------------------------------------------------------===//
// The C header
//===----------------------------------------------------------------------===//

/// Text safe inside a C comment: one line, no `*/`.
static std::string commentText(StringRef s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r')
      out += ' ';
    else if (c == '/' && !out.empty() && out.back() == '*')
      out += " /";
    else
      out += c;
  }
  return out;
}

/// Parameter names from ONNX names: C identifiers, none twice, none
/// `workspace`.
static std::vector<std::string>
parameterNames(const ModelSignature &signature) {
  std::vector<std::string> names;
  llvm::StringSet<> used = {"workspace"};
  auto add = [&](const TensorInfo &t, size_t index, bool input) {
    std::string name = t.name;
    for (char &c : name)
      if (!llvm::isAlnum(c) && c != '_')
        c = '_';
    if (!isCIdentifier(name))
      name = (input ? "input_" : "output_") + name;
    if (!isCIdentifier(name) || used.contains(name))
      name = (input ? "input_" : "output_") + std::to_string(index);
    while (used.contains(name))
      name += "_";
    used.insert(name);
    names.push_back(name);
  };
  for (auto [i, t] : llvm::enumerate(signature.inputs))
    add(t, i, true);
  for (auto [i, t] : llvm::enumerate(signature.outputs))
    add(t, i, false);
  return names;
}

/// A scale as written in the header: enough digits to read it back as f32.
static std::string formatScale(double scale) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.9g", scale);
  return buf;
}

static std::string describeQuantization(const QuantInfo &q,
                                        StringRef manifest) {
  if (q.axis)
    return llvm::formatv("; quantized per axis {0}: {1} = (q - zero_point[i]) "
                         "* scale[i], {2} pairs in {3}",
                         *q.axis, q.expressedDType, q.scales.size(), manifest)
        .str();
  return llvm::formatv("; quantized: {0} = (q - {1}) * {2}", q.expressedDType,
                       q.zeroPoints.front(), formatScale(q.scales.front()))
      .str();
}

void writeHeader(const ModelSignature &s, StringRef source,
                 llvm::raw_ostream &os) {
  const std::string &n = s.name;
  std::string guard = "QMLIR_MODEL_" + StringRef(n).upper() + "_H";
  std::vector<std::string> params = parameterNames(s);

  os << "/* " << n << ".h - C interface of the compiled model '" << n << "'.\n"
     << " *\n"
     << " * Generated by qcompile from " << commentText(source) << "\n"
     << " * for " << s.target.triple << " (cpu " << s.target.cpu
     << "); do not edit.\n"
     << " * Tensors are dense C-order arrays, 64-byte aligned; float16 and\n"
     << " * bfloat16 elements are passed as their bits (uint16_t). Inputs,\n"
     << " * outputs and the workspace must not overlap. Separate workspaces\n"
     << " * make concurrent runs safe. " << n
     << ".json says the same in JSON.\n"
     << " */\n\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  os << "/* Status codes of every qmlir model's _run and _run_packed. */\n"
     << "#ifndef QMLIR_OK\n";
  for (int status = 0; status < kNumAbiStatuses; ++status)
    os << llvm::formatv("#define {0,-31} {1} /* {2} */\n",
                        abiStatusMacro(status), status,
                        abiStatusMessage(status));
  os << "#endif\n\n";

  auto sizes = [](const std::vector<TensorInfo> &ts) {
    std::string s = "{";
    for (auto [i, t] : llvm::enumerate(ts))
      s += (i ? ", " : "") + std::to_string(t.byteSize());
    return s + "}";
  };
  os << "#define " << n << "_ABI_VERSION " << s.abiVersion << "\n"
     << "#define " << n << "_NUM_INPUTS " << s.inputs.size() << "\n"
     << "#define " << n << "_NUM_OUTPUTS " << s.outputs.size() << "\n"
     << "/* Bytes of each input and output, in order. */\n"
     << "#define " << n << "_INPUT_SIZES " << sizes(s.inputs) << "\n"
     << "#define " << n << "_OUTPUT_SIZES " << sizes(s.outputs) << "\n"
     << "/* Bytes of the workspace (" << n << "_workspace_size()). */\n"
     << "#define " << n << "_WORKSPACE_SIZE " << s.workspaceSize << "\n"
     << "#define " << n << "_ALIGNMENT " << kBufferAlignment << "\n\n";

  os << "/* Runs the model; returns QMLIR_OK (0) or a QMLIR_ERR_ code. */\n"
     << "int " << runSymbol(n) << "(\n";
  auto param = [&](const TensorInfo &t, StringRef role, StringRef cName,
                   bool input) {
    os << "    /* " << role << " '" << commentText(t.name)
       << "': " << t.describe()
       << (t.quant ? describeQuantization(*t.quant, n + ".json")
                   : std::string())
       << " */\n"
       << "    " << (input ? "const " : "") << t.cType() << " *" << cName
       << ",\n";
  };
  size_t k = 0;
  for (const TensorInfo &t : s.inputs)
    param(t, "input", params[k++], true);
  for (const TensorInfo &t : s.outputs)
    param(t, "output", params[k++], false);
  os << "    /* " << n << "_WORKSPACE_SIZE bytes, 64-byte aligned (may be "
     << "NULL when that is 0) */\n"
     << "    void *workspace);\n\n";

  os << "/* The bytes of workspace " << runSymbol(n) << " needs. */\n"
     << "size_t " << workspaceSizeSymbol(n) << "(void);\n\n"
     << "/* " << runSymbol(n)
     << " with the inputs and outputs as arrays of pointers,\n"
     << " * in the order above (for loaders with no per-model code). */\n"
     << "int " << runPackedSymbol(n)
     << "(const void *const *inputs, void *const *outputs,\n"
     << "    void *workspace);\n\n"
     << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n"
     << "#endif /* " << guard << " */\n";
}

void writeManifest(const ModelSignature &signature, llvm::raw_ostream &os) {
  os << llvm::formatv("{0:2}", toJSON(signature)) << "\n";
}

} // namespace qmlir
