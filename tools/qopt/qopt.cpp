//===- qopt.cpp - the qmlir optimizer driver ------------------------------===//
//
// Part of qmlir. mlir-opt with the q dialect, qmlir's passes and pipelines,
// that also reads ONNX models (`.onnx`, or `.onnxtxt` in ONNX's textual
// syntax): they are imported first, then handed to the pass manager.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Target/ONNX/Import.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstring>
#include "llvm/Support/ToolOutputFile.h"
#include "mlir/Support/FileUtilities.h"

using namespace mlir;

static llvm::cl::list<std::string>
    inputShapes("input-shape",
                llvm::cl::desc("Pin an ONNX input's shape: NAME=D1xD2x..."),
                llvm::cl::value_desc("NAME=DIMS"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  DialectRegistry registry;
  qmlir::registerAllDialects(registry);
  qmlir::registerAllPasses();
  auto [inputFile, outputFile] =
      registerAndParseCLIOptions(argc, argv, "qmlir optimizer driver\n",
                                 registry);
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();

  StringRef input(inputFile);
  if (!input.ends_with(".onnx") && !input.ends_with(".onnxtxt")) {
    if (!inputShapes.empty()) {
      llvm::errs() << "error: --input-shape applies to ONNX inputs only\n";
      return 1;
    }
    return asMainReturnCode(MlirOptMain(argc, argv, inputFile, outputFile,
                                        registry));
  }

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
  std::string errorMessage;
  auto output = openOutputFile(outputFile, &errorMessage);
  if (!output) {
    llvm::errs() << errorMessage << "\n";
    return 1;
  }
  // Aligned like the weight blobs inside, which the bytecode reader needs.
  std::unique_ptr<llvm::WritableMemoryBuffer> buffer =
      llvm::WritableMemoryBuffer::getNewUninitMemBuffer(
          bytecode.size(), input, llvm::Align(64));
  std::memcpy(buffer->getBufferStart(), bytecode.data(), bytecode.size());
  if (failed(MlirOptMain(output->os(), std::move(buffer), registry, config)))
    return 1;
  output->keep();
  return 0;
}
