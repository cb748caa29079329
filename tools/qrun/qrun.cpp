//===- qrun.cpp - compile and run a model, compare, benchmark -------------===//
//
// Part of qmlir. Compiles an ONNX model (or a q-dialect .mlir file) through
// the CPU pipeline and JIT-runs it, or loads a shared library written by
// qcompile (with its manifest), on inputs read at run time, and compares the
// outputs with expected ones.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Runtime/JitModel.h"
#include "qmlir/Runtime/SharedModel.h"
#include "qmlir/Target/ONNX/Import.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "mlir/IR/Diagnostics.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
using namespace qmlir;
namespace cl = llvm::cl;

static cl::opt<std::string>
    modelPath(cl::Positional, cl::Required,
              cl::desc("<model.onnx|model.onnxtxt|model.mlir|model.so>"));
static cl::opt<std::string>
    manifestPath("manifest",
                 cl::desc("The manifest of a .so model (default: the .so's "
                          "path with the extension .json)"),
                 cl::value_desc("FILE"));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Pin an ONNX input's shape: NAME=D1xD2x..."),
                cl::value_desc("NAME=DIMS"));
static cl::list<std::string>
    inputFiles("input", cl::desc("Input tensor from a .npy or .pb file"),
               cl::value_desc("NAME=FILE"));
static cl::opt<std::string>
    testData("test-data",
             cl::desc("ONNX test_data_set_N folder: input_K.pb are the "
                      "inputs, output_K.pb the expected outputs"),
             cl::value_desc("DIR"));
static cl::opt<std::string>
    outputDir("output-dir", cl::desc("Write each output as NAME.npy here"),
              cl::value_desc("DIR"));
static cl::opt<double> absTolerance("atol", cl::desc("Absolute tolerance"),
                            cl::init(1e-7));
static cl::opt<double> relTolerance("rtol", cl::desc("Relative tolerance"),
                            cl::init(1e-3));
static cl::opt<unsigned>
    benchmark("benchmark",
              cl::desc("Run N more times and report median and minimum "
                       "latency"),
              cl::init(0));
static cl::opt<bool> vectorize("vectorize",
                               cl::desc("Tile and vectorize (default on)"),
                               cl::init(true));

static int fail(const std::string &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

/// Prints up to 8 values of a tensor.
static std::string preview(const HostTensor &t) {
  std::string s = "[";
  int64_t n = t.numElements();
  for (int64_t i = 0; i < std::min<int64_t>(n, 8); ++i) {
    char buf[32];
    snprintf(buf, sizeof(buf), "%s%.6g", i ? ", " : "", t.at(i));
    s += buf;
  }
  return s + (n > 8 ? ", ...]" : "]");
}

static bool checkAgainst(const TensorSignature &sig, HostTensor &t,
                         StringRef what, std::string &error) {
  // ONNX's test generators store bfloat16 data as UINT16 bit patterns.
  if (sig.kind == ElementKind::BF16 && t.getKind() == ElementKind::U16)
    t.reinterpretAs(ElementKind::BF16);
  if (t.getKind() == sig.kind && t.getShape() == ArrayRef<int64_t>(sig.shape))
    return true;
  error = what.str() + " holds " + t.describe() + " but '" + sig.name +
          "' is " + sig.describe();
  return false;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qrun: compile a model with qmlir and run it on input files\n");

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  // Load the model: a compiled library, or a model to compile.
  std::unique_ptr<CompiledModel> model;
  OwningOpRef<ModuleOp> module;
  StringRef path(modelPath);
  if (!manifestPath.empty() && !path.ends_with(".so"))
    return fail("--manifest applies to .so models only");
  if (path.ends_with(".so")) {
    if (!inputShapes.empty())
      return fail("--input-shape applies to ONNX models only; a .so is "
                  "compiled with its shapes");
    if (vectorize.getNumOccurrences())
      return fail("--vectorize applies to models qrun compiles, not to a "
                  ".so");
    std::string error;
    model = SharedModel::load(path, manifestPath, error);
    if (!model)
      return fail(error);
  } else if (path.ends_with(".onnx") || path.ends_with(".onnxtxt")) {
    ImportOptions options;
    for (const std::string &spec : inputShapes) {
      std::string error;
      if (!parseInputShapeSpec(spec, options, error))
        return fail(error);
    }
    module = importONNXFile(path, &context, options);
  } else {
    if (!inputShapes.empty())
      return fail("--input-shape applies to ONNX models only");
    module = parseSourceFile<ModuleOp>(path, sourceMgr, &context);
  }
  if (!model) {
    if (!module)
      return 1;
    CPUPipelineOptions options;
    options.vectorize = vectorize;
    FailureOr<std::unique_ptr<JitModel>> jit =
        JitModel::create(*module, options);
    if (failed(jit))
      return 1;
    model = std::move(*jit);
  }
  ArrayRef<TensorSignature> ins = model->getInputs();
  ArrayRef<TensorSignature> outs = model->getOutputs();

  // Inputs: --test-data's input_K.pb in order, then --input by name.
  std::vector<HostTensor> inputs(ins.size());
  std::vector<bool> given(ins.size(), false);
  std::vector<HostTensor> expected;
  if (!testData.empty()) {
    if (!llvm::sys::fs::is_directory(testData))
      return fail("--test-data '" + testData + "' is not a directory");
    for (size_t i = 0; i < ins.size(); ++i) {
      SmallString<256> file(testData);
      llvm::sys::path::append(file, "input_" + std::to_string(i) + ".pb");
      if (!llvm::sys::fs::exists(file))
        continue;
      std::string error;
      if (!HostTensor::load(file, inputs[i], error) ||
          !checkAgainst(ins[i], inputs[i], "'" + std::string(file) + "'",
                        error))
        return fail(error);
      given[i] = true;
    }
    for (size_t i = 0; i < outs.size(); ++i) {
      SmallString<256> file(testData);
      llvm::sys::path::append(file, "output_" + std::to_string(i) + ".pb");
      if (!llvm::sys::fs::exists(file))
        return fail("'" + std::string(file) + "' is missing: the model has " +
                    std::to_string(outs.size()) + " outputs");
      HostTensor t;
      std::string error;
      if (!HostTensor::load(file, t, error) ||
          !checkAgainst(outs[i], t, "'" + std::string(file) + "'", error))
        return fail(error);
      expected.push_back(std::move(t));
    }
  }
  for (const std::string &spec : inputFiles) {
    auto [name, file] = StringRef(spec).split('=');
    if (file.empty())
      return fail("--input '" + spec + "': expected NAME=FILE");
    auto it = llvm::find_if(ins, [&](const TensorSignature &s) {
      return s.name == name;
    });
    if (it == ins.end()) {
      std::string names;
      for (const TensorSignature &s : ins)
        names += (names.empty() ? "" : ", ") + s.name;
      return fail("--input names '" + name.str() +
                  "', which is not an input of the model (inputs: " + names +
                  ")");
    }
    size_t i = it - ins.begin();
    std::string error;
    if (!HostTensor::load(file, inputs[i], error) ||
        !checkAgainst(ins[i], inputs[i], "'" + file.str() + "'", error))
      return fail(error);
    given[i] = true;
  }
  for (size_t i = 0; i < ins.size(); ++i)
    if (!given[i])
      return fail("no data for input '" + ins[i].name + "' (" +
                  ins[i].describe() + "): use --input " + ins[i].name +
                  "=FILE or --test-data DIR");

  std::vector<HostTensor> outputs;
  for (const TensorSignature &s : outs)
    outputs.emplace_back(s.kind, s.shape);
  SmallVector<const HostTensor *> inPtrs;
  for (const HostTensor &t : inputs)
    inPtrs.push_back(&t);
  SmallVector<HostTensor *> outPtrs;
  for (HostTensor &t : outputs)
    outPtrs.push_back(&t);
  std::string runError;
  if (!model->run(inPtrs, outPtrs, runError))
    return fail(runError);

  bool allOk = true;
  for (size_t i = 0; i < outs.size(); ++i) {
    llvm::outs() << "output '" << outs[i].name << "' " << outs[i].describe()
                 << ": " << preview(outputs[i]) << "\n";
    if (expected.empty())
      continue;
    Comparison c = compareTensors(outputs[i], expected[i], absTolerance, relTolerance);
    llvm::outs() << "  expected" << std::string(outs[i].name.size() + 9 +
                                                     outs[i].describe().size() -
                                                     8,
                                                 ' ')
                 << preview(expected[i]) << "\n";
    char line[256];
    if (c.ok) {
      snprintf(line, sizeof(line),
               "  ok: max abs error %.3g (atol %g, rtol %g)\n", c.maxAbsError,
               double(absTolerance), double(relTolerance));
    } else {
      allOk = false;
      snprintf(line, sizeof(line),
               "  mismatch: %lld of %lld elements differ; worst at flat index "
               "%lld: got %.9g, expected %.9g (atol %g, rtol %g)\n",
               static_cast<long long>(c.mismatches),
               static_cast<long long>(outputs[i].numElements()),
               static_cast<long long>(c.worstIndex), c.worstActual,
               c.worstExpected, double(absTolerance), double(relTolerance));
    }
    llvm::outs() << line;
  }

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    for (size_t i = 0; i < outs.size(); ++i) {
      std::string name = outs[i].name;
      for (char &c : name)
        if (c == '/' || c == '\\')
          c = '_';
      SmallString<256> file(outputDir);
      llvm::sys::path::append(file, name + ".npy");
      std::string error;
      if (!outputs[i].saveNpy(file, error))
        return fail(error);
    }
  }

  if (benchmark > 0) {
    std::vector<double> times;
    for (unsigned r = 0; r < benchmark; ++r) {
      auto start = std::chrono::steady_clock::now();
      (void)model->run(inPtrs, outPtrs, runError);
      auto stop = std::chrono::steady_clock::now();
      times.push_back(
          std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(times.begin(), times.end());
    char line[160];
    snprintf(line, sizeof(line),
             "benchmark: %u runs, median %.3f ms, min %.3f ms\n",
             unsigned(benchmark), times[times.size() / 2], times.front());
    llvm::outs() << line;
  }
  if (!allOk) {
    llvm::errs() << "error: outputs do not match the expected ones "
                    "(mismatch)\n";
    return 1;
  }
  return 0;
}
