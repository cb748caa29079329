//===- Pipelines.cpp - pass pipelines shared by the tools -----------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/AArch64TargetParser.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/TargetParser/X86TargetParser.h"

using namespace mlir;

void qmlir::buildQToLinalgPipeline(OpPassManager &pm) {
  // Quantize-dequantize pairs (q-quantize's output, or a QDQ model) become
  // integer kernels.
  pm.addNestedPass<func::FuncOp>(createQFoldQDQ());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createConvertQToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQFuseElementwise());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void qmlir::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                      const CPUPipelineOptions &options) {
  if (options.vectorize) {
    pm.addNestedPass<func::FuncOp>(createQTileAndVectorize());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createQBufferize());
  pm.addPass(createCanonicalizerPass());
  if (options.vectorize) {
    VectorShape host = hostVectorShape();
    QMicroKernelsOptions kernels;
    kernels.vectorBits = options.vectorBits ? options.vectorBits : host.bits;
    kernels.vectorRegisters =
        options.vectorRegisters ? options.vectorRegisters : host.registers;
    Int8Dot dot =
        options.int8Dot == Int8Dot::Host ? host.dot : options.int8Dot;
    kernels.vnni = dot == Int8Dot::VNNI;
    kernels.usdot = dot == Int8Dot::USDOT;
    pm.addNestedPass<func::FuncOp>(createQMicroKernels(kernels));
  }
  // Every buffer becomes a view into the caller's workspace: no malloc.
  pm.addPass(createQPlanWorkspace());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createQExpandMath());
  // Fully unrolled transfers: the alternative stages them through stack
  // buffers allocated inside loops, which grows the stack on every
  // iteration.
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll(true)));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(func));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

qmlir::VectorShape qmlir::vectorShapeFor(StringRef triple, StringRef cpu,
                                         ArrayRef<std::string> features) {
  llvm::Triple t(triple);
  VectorShape shape;
  if (t.isAArch64()) {
    shape.bits = 128; // NEON
    shape.registers = 32;
    // The CPU's extensions (Armv8-A's without one), then the list's.
    llvm::AArch64::ExtensionSet extensions;
    if (std::optional<llvm::AArch64::CpuInfo> info =
            llvm::AArch64::parseCpu(cpu.empty() ? "generic" : cpu))
      extensions.addCPUDefaults(*info);
    else
      extensions.addArchDefaults(llvm::AArch64::ARMV8A);
    for (StringRef f : features) {
      f = f.trim();
      if (f.size() < 2 || (f.front() != '+' && f.front() != '-'))
        continue;
      extensions.parseModifier(f.front() == '+'
                                   ? f.drop_front().str()
                                   : ("no" + f.drop_front()).str());
    }
    if (extensions.Enabled.test(llvm::AArch64::AEK_I8MM))
      shape.dot = Int8Dot::USDOT;
    return shape;
  }
  if (!t.isX86())
    return shape;
  // The CPU's features, then the list's on top, each with what it implies
  // (-avx2 takes AVX-512 away too).
  llvm::StringMap<bool> on;
  SmallVector<StringRef> cpuFeatures;
  if (!cpu.empty() && cpu != "generic")
    llvm::X86::getFeaturesForCPU(cpu, cpuFeatures);
  for (StringRef f : cpuFeatures)
    on[f] = true;
  for (StringRef f : features) {
    f = f.trim();
    if (f.size() < 2 || (f.front() != '+' && f.front() != '-'))
      continue;
    on[f.drop_front()] = f.front() == '+';
    llvm::X86::updateImpliedFeatures(f.drop_front(), f.front() == '+', on);
  }
  auto has = [&](StringRef f) { return on.lookup(f); };
  if (has("avx512f")) {
    shape.bits = 512;
    shape.registers = 32;
    shape.dot = has("avx512vnni") ? Int8Dot::VNNI : Int8Dot::None;
  } else if (has("avx")) {
    shape.bits = 256;
    shape.registers = 16;
    shape.dot = has("avxvnni") || (has("avx512vnni") && has("avx512vl"))
                    ? Int8Dot::VNNI
                    : Int8Dot::None;
  }
  return shape;
}

qmlir::VectorShape qmlir::hostVectorShape() {
  std::vector<std::string> features;
  for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
    if (on)
      features.push_back(("+" + name).str());
  return vectorShapeFor(llvm::sys::getProcessTriple(), "", features);
}

void qmlir::buildQToLLVMPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options) {
  buildQToLinalgPipeline(pm);
  buildLinalgToLLVMPipeline(pm, options);
}

void qmlir::registerPipelines() {
  PassPipelineRegistration<>(
      "q-lower-to-linalg",
      "Lower q to linalg on tensors with element-wise chains fused",
      buildQToLinalgPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "q-lower-to-llvm", "Lower q to the LLVM dialect for the CPU",
      buildQToLLVMPipeline);
}
