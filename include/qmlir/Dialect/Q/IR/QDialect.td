//===- QDialect.td - the q dialect -------------------------*- tablegen -*-===//
//
// Part of qmlir. The q dialect: ONNX-meaning graph ops on ranked tensors of
// float, integer and quantized element types, and the quantization ops.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QDIALECT_TD
#define QMLIR_DIALECT_Q_IR_QDIALECT_TD

include "mlir/IR/OpBase.td"

def Q_Dialect : Dialect {
  let name = "q";
  let cppNamespace = "::qmlir::q";
  let summary = "Graph and quantization ops of the qmlir compiler";
  let description = [{
    The q dialect holds a neural network as imported from ONNX: one
    `func.func` whose body is q ops on statically shaped ranked tensors,
    with ONNX layouts (NCHW) and ONNX meaning (numpy broadcasting, explicit
    pads, ...). Element types are builtin floats, signless/unsigned
    integers (ONNX `uint8` is `ui8`), upstream `!quant.uniform` types, and
    the `!q.codebook` type for table-based 4-bit formats (NF4, FP4).

    Attributes such as `auto_pad` are resolved by the importer: q ops only
    carry explicit values, so passes never need ONNX's defaulting rules.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Q_Op<string mnemonic, list<Trait> traits = []>
    : Op<Q_Dialect, mnemonic, traits>;

#endif // QMLIR_DIALECT_Q_IR_QDIALECT_TD
