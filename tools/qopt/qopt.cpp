//===- qopt.cpp - the qmlir optimizer driver ------------------------------===//
//
// Part of qmlir. mlir-opt with the q dialect, qmlir's passes and pipelines,
// that also reads ONNX models (`.onnx`, or `.onnxtxt` in ONNX's textual
// syntax): they are imported first, then handed to the pass manager. With
// --emit=onnx the module the passes leave is written as an ONNX model.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Target/ONNX/Export.h"
#include "qmlir/Target/ONNX/Import.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstring>

using namespace mlir;

static llvm::cl::list<std::string>
    inputShapes("input-shape",
                llvm::cl::desc("Pin an ONNX input's shape: NAME=D1xD2x..."),
                llvm::cl::value_desc("NAME=DIMS"));

namespace {
enum class Emit { MLIR, ONNX };
} // namespace

static llvm::cl::opt<Emit> emit(
    "emit", llvm::cl::desc("What to write to the output file"),
    llvm::cl::init(Emit::MLIR),
    llvm::cl::values(clEnumValN(Emit::MLIR, "mlir",
                                "the module after the passes (default)"),
                     clEnumValN(Emit::ONNX, "onnx",
                                "an ONNX model of it (needs -o FILE.onnx)")));

/// A copy of `bytes` aligned like the weight blobs inside, which the
/// bytecode reader needs.
static std::unique_ptr<llvm::MemoryBuffer> alignedBuffer(StringRef bytes,
                                                         StringRef name) {
  std::unique_ptr<llvm::WritableMemoryBuffer> buffer =
      llvm::WritableMemoryBuffer::getNewUninitMemBuffer(bytes.size(), name,
                                                        llvm::Align(64));
  std::memcpy(buffer->getBufferStart(), bytes.data(), bytes.size());
  return buffer;
}

/// Runs the passes on `buffer`, then writes the resulting module as an ONNX
/// model at `outputFile` (nothing is written on failure).
static LogicalResult exportONNX(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                StringRef outputFile, DialectRegistry &registry,
                                MlirOptMainConfig config) {
  std::string bytecode;
  {
    llvm::raw_string_ostream os(bytecode);
    config.emitBytecode(true);
    if (failed(MlirOptMain(os, std::move(buffer), registry, config)))
      return failure();
  }
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  SourceMgrDiagnosticHandler diagHandler(*sourceMgr, &context);
  sourceMgr->AddNewSourceBuffer(alignedBuffer(bytecode, "<passes' output>"),
                                llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return failure();
  return qmlir::exportONNXFile(*module, outputFile);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  DialectRegistry registry;
  qmlir::registerAllDialects(registry);
  qmlir::registerAllPasses();
  auto [inputFile, outputFile] = registerAndParseCLIOptions(
      argc, argv, "qmlir optimizer driver\n", registry);
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();

  StringRef input(inputFile);
  bool isONNX = input.ends_with(".onnx") || input.ends_with(".onnxtxt");
  if (!isONNX && !inputShapes.empty()) {
    llvm::errs() << "error: --input-shape applies to ONNX inputs only\n";
    return 1;
  }
  if (emit == Emit::ONNX) {
    if (outputFile == "-") {
      llvm::errs() << "error: --emit=onnx writes a binary ONNX model: name "
                      "the file with -o FILE.onnx\n";
      return 1;
    }
    if (!config.inputSplitMarker().empty()) {
      llvm::errs() << "error: --emit=onnx writes one model: it does not "
                      "combine with --split-input-file\n";
      return 1;
    }
  }
  if (!isONNX && emit == Emit::MLIR)
    return asMainReturnCode(
        MlirOptMain(argc, argv, inputFile, outputFile, registry));

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::string errorMessage;
  if (isONNX) {
    qmlir::ImportOptions options;
    for (const std::string &spec : inputShapes) {
      std::string error;
      if (!qmlir::parseInputShapeSpec(spec, options, error)) {
        llvm::errs() << "error: " << error << "\n";
        return 1;
      }
    }
    // Import in a context of our own, then hand MlirOptMain the bytecode.
    std::string bytecode;
    {
      MLIRContext context(registry);
      context.printOpOnDiagnostic(false);
      llvm::SourceMgr sourceMgr;
      SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
      OwningOpRef<ModuleOp> module =
          qmlir::importONNXFile(input, &context, options);
      if (!module)
        return 1;
      llvm::raw_string_ostream os(bytecode);
      if (failed(writeBytecodeToFile(*module, os)))
        return 1;
    }
    buffer = alignedBuffer(bytecode, input);
  } else {
    buffer = openInputFile(inputFile, llvm::Align(64), &errorMessage);
    if (!buffer) {
      llvm::errs() << errorMessage << "\n";
      return 1;
    }
  }

  if (emit == Emit::ONNX)
    return asMainReturnCode(
        exportONNX(std::move(buffer), outputFile, registry, config));

  auto output = openOutputFile(outputFile, &errorMessage);
  if (!output) {
    llvm::errs() << errorMessage << "\n";
    return 1;
  }
  if (failed(MlirOptMain(output->os(), std::move(buffer), registry, config)))
    return 1;
  output->keep();
  return 0;
}
