//===- QBase.td - q type constraints -----------------------*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QBASE_TD
#define QMLIR_DIALECT_Q_IR_QBASE_TD

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Affine quantized element types: `!quant.uniform` per tensor, per axis or
// per block (sub-channel). `!quant.any` and `!quant.calibrated` carry no
// scale, so no q op can compute with them.
def Q_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType, "
          "::mlir::quant::UniformQuantizedSubChannelType>($_self)">,
    "uniform quantized type">;

// Shapes are static in q (the importer pins symbolic dimensions), and the
// verifiers compute with every dimension size.
def Q_FloatTensor : StaticShapeTensorOf<[AnyFloat]>;
def Q_NumericTensor : StaticShapeTensorOf<[AnyFloat, AnyInteger]>;
def Q_QuantizedTensor : StaticShapeTensorOf<[Q_UniformQuantizedType]>;
def Q_IntegerTensor : StaticShapeTensorOf<[AnyInteger]>;
def Q_F32Tensor : StaticShapeTensorOf<[F32]>;
def Q_AnyTensor : StaticShapeTensorOf<[AnyType]>;

def Q_QuantizedTypeAttr : TypeAttrOf<Q_UniformQuantizedType>;

#endif // QMLIR_DIALECT_Q_IR_QBASE_TD
