//===- QToLinalg.cpp - the convert-q-to-linalg pass -----------------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QToLinalg/QToLinalg.h"
#include "LinalgBuilders.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qmlir {
#define GEN_PASS_DEF_CONVERTQTOLINALG
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

/// The element type of a q tensor below q: quantized types become their
/// storage, integers signless, and 4-bit integers are held in i8 (the
/// weight-only kernels pack 4-bit weights into nibbles themselves; i1 stays).
static Type signlessElement(Type elem) {
  if (auto q = dyn_cast<quant::QuantizedType>(elem))
    elem = q.getStorageType();
  if (auto it = dyn_cast<IntegerType>(elem);
      it && (!it.isSignless() || it.getWidth() == 4))
    return IntegerType::get(it.getContext(),
                            it.getWidth() == 4 ? 8 : it.getWidth());
  return elem;
}

qmlir::QTypeConverter::QTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](RankedTensorType t) -> Type {
    return t.clone(signlessElement(t.getElementType()));
  });
  // Bridges a converted value back to its q type for ops converted later.
  auto cast = [](OpBuilder &b, Type type, ValueRange inputs,
                 Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(cast);
  addTargetMaterialization(cast);
}

void qmlir::populateQToLinalgPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  lowering::populateElementwisePatterns(converter, patterns);
  lowering::populateLinearPatterns(converter, patterns);
  lowering::populatePoolingPatterns(converter, patterns);
  lowering::populateDataMovementPatterns(converter, patterns);
  lowering::populateReductionPatterns(converter, patterns);
  lowering::populateResizePatterns(converter, patterns);
  lowering::populateQuantizationPatterns(converter, patterns);
  lowering::populateNormalizationPatterns(converter, patterns);
}

namespace {
struct ConvertQToLinalgPass
    : qmlir::impl::ConvertQToLinalgBase<ConvertQToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    qmlir::QTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<qmlir::q::QDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect>();
    // The signature is converted below, once the body is.
    target.addLegalOp<func::FuncOp>();
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });
    RewritePatternSet patterns(ctx);
    qmlir::populateQToLinalgPatterns(converter, patterns);
    populateReturnOpTypeConversionPattern(patterns, converter);
    // The pass is anchored on the function: convert its signature here.
    func::FuncOp func = getOperation();
    if (failed(applyFullConversion(func, target, std::move(patterns))))
      return signalPassFailure();
    SmallVector<Type> inputs, results;
    if (failed(converter.convertTypes(func.getArgumentTypes(), inputs)) ||
        failed(converter.convertTypes(func.getResultTypes(), results)))
      return signalPassFailure();
    for (auto [arg, type] : llvm::zip(func.getArguments(), inputs))
      arg.setType(type);
    func.setFunctionType(FunctionType::get(ctx, inputs, results));
    // Casts left at the boundary are now identities.
    func.walk([](UnrealizedConversionCastOp cast) {
      if (cast.getNumOperands() == 1 && cast.getNumResults() == 1 &&
          cast.getOperand(0).getType() == cast.getResult(0).getType()) {
        cast.getResult(0).replaceAllUsesWith(cast.getOperand(0));
        cast.erase();
      }
    });
  }
};
} // namespace
