//===- qcompile.cpp - compile a model ahead of time -----------------------===//
//
// Part of qmlir. Reads an ONNX model (or a q-dialect .mlir file), lowers it
// with the pipeline qopt and qrun use, exports it under the C ABI and writes
// an object (or a shared library, assembly, LLVM IR, the LLVM dialect) for
// x86-64 or AArch64, with the C header NAME.h and the manifest NAME.json next
// to it. Nothing is left behind when anything fails.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/Transforms/Passes.h"
#include "qmlir/InitAll.h"
#include "qmlir/Target/ONNX/Import.h"
#include "qmlir/Target/PEFT/LoraAdapter.h"
#include "qmlir/Target/Object/CInterface.h"
#include "qmlir/Target/Object/EmitObject.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>
#include <optional>

using namespace mlir;
using namespace qmlir;
namespace cl = llvm::cl;

static cl::OptionCategory qcompileCategory("qcompile options");

namespace {
enum class Emit { Object, Shared, MLIR, LLVMIR, Assembly };
} // namespace

static cl::opt<std::string>
    modelPath(cl::cat(qcompileCategory), cl::Positional, cl::Required,
              cl::desc("<model.onnx|model.onnxtxt|model.mlir>"));
static cl::opt<std::string> outputPath(cl::cat(qcompileCategory), "o",
                                       cl::Required, cl::desc("Output file"),
                                       cl::value_desc("OUT"));
static cl::opt<Emit> emit(
    cl::cat(qcompileCategory), "emit", cl::desc("What to write (default obj)"),
    cl::init(Emit::Object),
    cl::values(
        clEnumValN(Emit::Object, "obj",
                   "An object file, with NAME.h and NAME.json next to it"),
        clEnumValN(Emit::Shared, "shared",
                   "A shared library, with NAME.h and NAME.json next to it"),
        clEnumValN(Emit::MLIR, "mlir",
                   "The LLVM dialect, C interface included"),
        clEnumValN(Emit::LLVMIR, "llvm", "Optimized LLVM IR"),
        clEnumValN(Emit::Assembly, "asm", "Assembly")));
static cl::opt<std::string>
    targetArch(cl::cat(qcompileCategory), "target",
               cl::desc("x86_64 or aarch64 (default: the host's)"),
               cl::value_desc("ARCH"));
static cl::opt<std::string>
    cpu(cl::cat(qcompileCategory), "cpu",
        cl::desc("LLVM CPU name (default: the host's CPU for the host's "
                 "architecture, else generic)"),
        cl::value_desc("NAME"));
static cl::opt<std::string>
    features(cl::cat(qcompileCategory), "features",
             cl::desc("LLVM target features, e.g. +avx2,-avx512f (default: "
                      "the host's with the host's CPU)"),
             cl::value_desc("+a,-b"));
static cl::opt<std::string>
    modelName(cl::cat(qcompileCategory), "name",
              cl::desc("C identifier prefixing the exported symbols (default: "
                       "the model file's name)"),
              cl::value_desc("NAME"));
static cl::list<std::string>
    inputShapes(cl::cat(qcompileCategory), "input-shape",
                cl::desc("Pin an ONNX input's shape: NAME=D1xD2x..."),
                cl::value_desc("NAME=DIMS"));
static cl::opt<unsigned> optLevel(cl::cat(qcompileCategory), "O", cl::Prefix,
                                  cl::desc("Optimization level 0-3 "
                                           "(default 3)"),
                                  cl::init(3));
static cl::opt<std::string> quantScheme(
    cl::cat(qcompileCategory), "quant",
    cl::desc("Quantize before compiling: int8 (static post-training: "
             "calibrated activations, per-channel int8 weights), "
             "int8-dynamic (matmuls, activation scales at run time), fp16 "
             "or bf16 (16-bit weights and conv/matmul inputs, f32 "
             "accumulation), w8, w4 or nf4 (weight-only matmuls: int8 per "
             "channel, int4 in groups of 128 along K, NF4 in blocks of 64)"),
    cl::value_desc("SCHEME"));
static cl::list<std::string> quantExclude(
    cl::cat(qcompileCategory), "quant-exclude",
    cl::desc("ONNX node names --quant leaves in float (e.g. "
             "/lm_head/MatMul)"),
    cl::value_desc("NODE[,NODE...]"), cl::CommaSeparated);
static cl::opt<std::string> calibData(
    cl::cat(qcompileCategory), "calib-data",
    cl::desc("Calibration samples for --quant: test_data_set_N folders or "
             "one folder per sample of NAME.npy"),
    cl::value_desc("DIR"));
static cl::opt<std::string> calibMethod(
    cl::cat(qcompileCategory), "calib-method",
    cl::desc("minmax (default), avg-minmax, percentile, entropy or mse"),
    cl::value_desc("METHOD"), cl::init("minmax"));
static cl::opt<std::string> calibCache(
    cl::cat(qcompileCategory), "calib-cache",
    cl::desc("Calibration statistics file: read when it exists, else "
             "written"),
    cl::value_desc("FILE"));
static cl::list<std::string> loraAdapters(
    cl::cat(qcompileCategory), "lora",
    cl::desc("Apply a PEFT LoRA adapter (a folder with adapter_config.json "
             "and adapter_model.safetensors) before quantizing and "
             "compiling; repeat for several"),
    cl::value_desc("DIR"));
static cl::list<std::string> loraScales(
    cl::cat(qcompileCategory), "lora-scale",
    cl::desc("Multiply the update of the --lora just before by S (default "
             "1)"),
    cl::value_desc("S"));
static cl::opt<std::string> loraMode(
    cl::cat(qcompileCategory), "lora-mode",
    cl::desc("merge (into the weights, the default) or unmerged (the base "
             "weights kept, ((x A^T) B^T) * s added: the QLoRA form)"),
    cl::value_desc("MODE"), cl::init("merge"));
static cl::opt<std::string> loraMap(
    cl::cat(qcompileCategory), "lora-map",
    cl::desc("JSON file mapping adapter module paths to ONNX node or "
             "initializer names, for modules the naming rules miss"),
    cl::value_desc("FILE"));
static cl::opt<std::string>
    linker(cl::cat(qcompileCategory), "linker",
           cl::desc("C compiler driver that links --emit=shared (default: "
                    "$CC or cc for the host's architecture, "
                    "aarch64-linux-gnu-gcc or x86_64-linux-gnu-gcc for "
                    "another)"),
           cl::value_desc("PROGRAM"));

static int fail(const Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

/// The q-lora-merge adapters of --lora and --lora-scale (each scale belongs
/// to the --lora just before it), or an error message.
static std::optional<SmallVector<std::string>> loraSpecs(std::string &error) {
  SmallVector<std::string> specs(loraAdapters.begin(), loraAdapters.end());
  SmallVector<bool> scaled(specs.size(), false);
  for (auto [i, scale] : llvm::enumerate(loraScales)) {
    unsigned position = loraScales.getPosition(i);
    std::optional<size_t> owner;
    for (size_t k = 0; k < specs.size(); ++k)
      if (loraAdapters.getPosition(k) < position)
        owner = k;
    double value;
    if (!owner)
      error = "--lora-scale " + scale + " comes before any --lora DIR";
    else if (!llvm::to_float(scale, value) || !std::isfinite(value))
      error = "--lora-scale '" + scale + "' is not a number";
    else if (scaled[*owner])
      error = "--lora " + loraAdapters[*owner] + " has two --lora-scale";
    else if (peft::parseAdapterSpec(loraAdapters[*owner]).hasScale)
      error = "--lora " + loraAdapters[*owner] +
              " already gives a scale after '@'; drop --lora-scale " + scale;
    if (!error.empty())
      return std::nullopt;
    specs[*owner] += "@" + scale;
    scaled[*owner] = true;
  }
  return specs;
}

/// The driver that links a shared library for `arch`.
static std::string defaultLinker(StringRef arch) {
  if (arch == hostArch()) {
    if (const char *cc = std::getenv("CC"); cc && *cc)
      return cc;
    return "cc";
  }
  return (arch + "-linux-gnu-gcc").str();
}

/// Links `object` into the shared library `out` (libc and libm only);
/// messages name it `shown`.
static bool linkShared(StringRef arch, StringRef object, StringRef out,
                       StringRef shown) {
  std::string driver = linker.empty() ? defaultLinker(arch) : linker;
  llvm::ErrorOr<std::string> program = llvm::sys::findProgramByName(driver);
  if (!program) {
    fail("cannot find the linker '" + driver + "' for " + arch +
         " (install it, or name one with --linker)");
    return false;
  }
  SmallVector<StringRef> args = {*program, "-shared", "-o", out, object, "-lm"};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*program, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    fail("linking '" + shown + "' with '" + *program + "' failed" +
         (message.empty() ? " (exit code " + std::to_string(rc) + ")"
                          : ": " + message));
    return false;
  }
  return true;
}

static OwningOpRef<ModuleOp> loadModel(StringRef path, MLIRContext &context,
                                       llvm::SourceMgr &sourceMgr) {
  if (path.ends_with(".onnx") || path.ends_with(".onnxtxt")) {
    ImportOptions options;
    for (const std::string &spec : inputShapes) {
      std::string error;
      if (!parseInputShapeSpec(spec, options, error)) {
        fail(error);
        return nullptr;
      }
    }
    return importONNXFile(path, &context, options);
  }
  if (!path.ends_with(".mlir")) {
    fail("'" + path + "': expected an .onnx, .onnxtxt or .mlir model");
    return nullptr;
  }
  if (!inputShapes.empty()) {
    fail("--input-shape applies to ONNX models only");
    return nullptr;
  }
  if (!llvm::sys::fs::exists(path)) {
    fail("cannot read '" + path + "': No such file or directory");
    return nullptr;
  }
  return parseSourceFile<ModuleOp>(path, sourceMgr, &context);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(qcompileCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qcompile: compile a model into an object with a C interface\n");

  // Everything that needs no model is checked first.
  if (!quantScheme.empty() && quantScheme != "int8" &&
      quantScheme != "int8-dynamic" && quantScheme != "fp16" &&
      quantScheme != "bf16" && quantScheme != "w8" && quantScheme != "w4" &&
      quantScheme != "nf4")
    return fail("--quant=" + quantScheme +
                " is not supported (int8, int8-dynamic, fp16, bf16, w8, w4 "
                "and nf4 are)");
  bool dynamicQuant = quantScheme == "int8-dynamic";
  bool halfQuant = quantScheme == "fp16" || quantScheme == "bf16";
  bool weightOnly =
      quantScheme == "w8" || quantScheme == "w4" || quantScheme == "nf4";
  if ((dynamicQuant || halfQuant || weightOnly) &&
      (calibData.getNumOccurrences() || calibMethod.getNumOccurrences() ||
       calibCache.getNumOccurrences()))
    return fail("--quant=" + quantScheme +
                " needs no calibration (no --calib-*)");
  if (quantScheme.empty() &&
      (calibData.getNumOccurrences() || calibMethod.getNumOccurrences() ||
       calibCache.getNumOccurrences()))
    return fail("--calib-data, --calib-method and --calib-cache apply to "
                "--quant only");
  if (!quantScheme.empty() && !dynamicQuant && !halfQuant && !weightOnly &&
      calibData.empty() &&
      (calibCache.empty() || !llvm::sys::fs::exists(calibCache)))
    return fail("--quant=" + quantScheme +
                " needs --calib-data DIR (or an existing --calib-cache)");
  if (quantScheme.empty() && quantExclude.getNumOccurrences())
    return fail("--quant-exclude applies to --quant only");
  if (loraAdapters.empty() &&
      (loraScales.getNumOccurrences() || loraMode.getNumOccurrences() ||
       loraMap.getNumOccurrences()))
    return fail("--lora-scale, --lora-mode and --lora-map apply to --lora "
                "DIR only");
  if (loraMode != "merge" && loraMode != "unmerged")
    return fail("--lora-mode=" + loraMode +
                " is not supported (merge and unmerged are)");
  std::string loraError;
  std::optional<SmallVector<std::string>> adapterSpecs = loraSpecs(loraError);
  if (!adapterSpecs)
    return fail(loraError);
  if (linker.getNumOccurrences() && emit != Emit::Shared)
    return fail("--linker applies to --emit=shared only");
  if (optLevel.getNumOccurrences() && emit == Emit::MLIR)
    return fail("-O applies to LLVM's code generation, not to --emit=mlir");
  std::string name =
      modelName.empty() ? modelNameFromPath(modelPath) : modelName;
  if (!isCIdentifier(name))
    return fail("--name '" + name + "' is not a C identifier");
  TargetRequest request;
  request.arch = targetArch;
  request.cpu = cpu;
  request.features = features;
  request.optLevel = optLevel;
  std::string error;
  std::unique_ptr<ObjectTarget> target = createObjectTarget(request, error);
  if (!target)
    return fail(error);
  std::string arch = llvm::Triple(target->info.triple).getArchName().str();

  // The outputs are opened (and so checked) before the work; each is
  // removed again unless everything succeeds.
  bool withInterface = emit == Emit::Object || emit == Emit::Shared;
  SmallString<256> dir(llvm::sys::path::parent_path(outputPath));
  SmallString<256> headerPath(dir), manifestFile(dir);
  llvm::sys::path::append(headerPath, name + ".h");
  llvm::sys::path::append(manifestFile, name + ".json");
  if (withInterface && (headerPath == outputPath || manifestFile == outputPath))
    return fail("-o '" + outputPath +
                "' would be overwritten by the header "
                "or the manifest; name the output NAME.o or NAME.so");
  // The cache is read after the outputs are opened (and truncated).
  if (!calibCache.empty()) {
    auto same = [](StringRef a, StringRef b) {
      return llvm::sys::fs::equivalent(a, b) ||
             (a == b); // equivalent() needs both to exist
    };
    if (same(calibCache, outputPath) ||
        (withInterface &&
         (same(calibCache, headerPath) || same(calibCache, manifestFile))))
      return fail("--calib-cache '" + calibCache +
                  "' is also an output of this run (the object, header or "
                  "manifest " + name + ".json); give the cache another name");
  }
  std::unique_ptr<llvm::ToolOutputFile> out, header, manifest;
  auto open = [&](StringRef path) {
    std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
    if (!file)
      fail(error);
    return file;
  };
  // A shared library is linked to a new file renamed over OUT at the end:
  // a process that has the old one loaded keeps its (unchanged) mapping.
  SmallString<256> sharedTemp;
  std::optional<llvm::FileRemover> removeSharedTemp;
  if (emit == Emit::Shared) {
    int fd;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(
            outputPath + "-%%%%%%.tmp", fd, sharedTemp))
      return fail("cannot write '" + outputPath + "': " + ec.message());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    removeSharedTemp.emplace(sharedTemp);
  } else if (!(out = open(outputPath))) {
    return 1;
  }
  if (withInterface &&
      (!(header = open(headerPath)) || !(manifest = open(manifestFile))))
    return 1;

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = loadModel(modelPath, context, sourceMgr);
  if (!module)
    return 1;
  // LoRA adapters change the float weights: before anything quantizes them.
  if (!adapterSpecs->empty()) {
    QLoraMergeOptions lora;
    lora.adapters = *adapterSpecs;
    lora.mode = loraMode;
    lora.map = loraMap;
    PassManager pm(&context);
    pm.addPass(createQLoraMerge(lora));
    if (failed(pm.run(*module)))
      return 1;
  }

  // Kernels sized for the target's vector registers.
  CPUPipelineOptions options;
  SmallVector<StringRef> featureList;
  StringRef(target->info.features).split(featureList, ',', -1, false);
  std::vector<std::string> featureStrings(featureList.begin(),
                                          featureList.end());
  VectorShape shape = vectorShapeFor(target->info.triple, target->info.cpu,
                                     featureStrings);
  options.vectorBits = shape.bits;
  options.vectorRegisters = shape.registers;
  options.int8Dot = shape.dot;
  ModelSignature signature;
  if (halfQuant) {
    QCastFloatOptions cast;
    cast.type = quantScheme == "fp16" ? "f16" : "bf16";
    cast.exclude.assign(quantExclude.begin(), quantExclude.end());
    PassManager pm(&context);
    pm.addNestedPass<func::FuncOp>(createQFoldBatchNorm());
    pm.addNestedPass<func::FuncOp>(createQCastFloat(cast));
    if (failed(pm.run(*module)))
      return 1;
  } else if (weightOnly) {
    QQuantizeWeightsOptions wq;
    wq.weights = quantScheme == "w8"   ? "int8"
                 : quantScheme == "w4" ? "int4"
                                       : "nf4";
    // w8 is per output channel; w4 and nf4 use the format's blocks.
    if (quantScheme == "w8")
      wq.groupSize = 0;
    wq.exclude.assign(quantExclude.begin(), quantExclude.end());
    PassManager pm(&context);
    pm.addNestedPass<func::FuncOp>(createQQuantizeWeights(wq));
    if (failed(pm.run(*module)))
      return 1;
  } else if (!quantScheme.empty()) {
    PTQPipelineOptions ptq;
    ptq.data = calibData;
    ptq.method = calibMethod;
    ptq.cache = calibCache;
    ptq.mode = dynamicQuant ? "dynamic" : "static";
    for (const std::string &node : quantExclude)
      ptq.exclude.push_back(node);
    PassManager pm(&context);
    buildPTQInt8Pipeline(pm, ptq);
    if (failed(pm.run(*module)))
      return 1;
  }
  if (failed(lowerToCInterface(*module, name, options, signature)))
    return 1;
  signature.target = target->info;

  switch (emit) {
  case Emit::MLIR:
    module->print(out->os());
    break;
  case Emit::LLVMIR:
  case Emit::Assembly:
  case Emit::Object:
    if (failed(emitModule(*module, *target,
                          emit == Emit::LLVMIR     ? EmitKind::LLVMIR
                          : emit == Emit::Assembly ? EmitKind::Assembly
                                                   : EmitKind::Object,
                          out->os())))
      return 1;
    break;
  case Emit::Shared: {
    SmallString<128> objectPath;
    int fd;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "qcompile-" + name, "o", fd, objectPath))
      return fail("cannot create a temporary object file: " + ec.message());
    llvm::FileRemover removeObject(objectPath);
    {
      llvm::raw_fd_ostream object(fd, /*shouldClose=*/true);
      if (failed(emitModule(*module, *target, EmitKind::Object, object)))
        return 1;
      if (object.has_error())
        return fail("cannot write '" + objectPath +
                    "': " + object.error().message());
    }
    if (!linkShared(arch, objectPath, sharedTemp, outputPath))
      return 1;
    break;
  }
  }

  if (withInterface) {
    writeHeader(signature, modelPath, header->os());
    writeManifest(signature, manifest->os());
  }
  for (llvm::ToolOutputFile *file : {out.get(), header.get(), manifest.get()}) {
    if (!file)
      continue;
    file->os().flush();
    if (file->os().has_error())
      return fail("cannot write '" + file->getFilename() +
                  "': " + file->os().error().message());
  }
  if (emit == Emit::Shared) {
    if (std::error_code ec = llvm::sys::fs::rename(sharedTemp, outputPath))
      return fail("cannot write '" + outputPath + "': " + ec.message());
    removeSharedTemp.reset();
  }
  for (llvm::ToolOutputFile *file : {out.get(), header.get(), manifest.get()})
    if (file)
      file->keep();
  return 0;
}
