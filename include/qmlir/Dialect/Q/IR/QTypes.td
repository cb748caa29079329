//===- QTypes.td - q dialect types -------------------------*- tablegen -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QTYPES_TD
#define QMLIR_DIALECT_Q_IR_QTYPES_TD

include "qmlir/Dialect/Q/IR/QDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def Q_CodebookType : TypeDef<Q_Dialect, "Codebook"> {
  let mnemonic = "codebook";
  let summary = "table-based low-bit element type (NF4, FP4)";
  let description = [{
    A value is a `storageType` index (4 bits: `i4`) into a table of
    `2^width` real values; the real value is `table[index] * absmax`, with
    one `absmax` scale per `blockSize` consecutive elements along the
    innermost dimension (the contraction dimension of a weight).

    The named tables `nf4` (QLoRA's NormalFloat, bitsandbytes'
    `get_4bit_type("nf4")`) and `fp4` (bitsandbytes' FP4, not OCP's E2M1)
    print in short form; any other table is written out:

    ```mlir
    !q.codebook<nf4, i4:f32, block = 64>
    !q.codebook<"custom", i4:f32, block = 32, [-1.0, ..., 1.0]>
    ```

    Within qmlir's own buffers two 4-bit codes share a byte with the first
    element in the low nibble.
  }];
  let parameters = (ins
    StringRefParameter<"table name">:$name,
    "::mlir::IntegerType":$storageType,
    "::mlir::FloatType":$expressedType,
    "::mlir::DenseF64ArrayAttr":$table,
    "int64_t":$blockSize
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The code values, index 0 first.
    ::llvm::ArrayRef<double> getValues() const { return getTable().asArrayRef(); }
    /// The NF4 or FP4 table of bitsandbytes; empty for an unknown name.
    static ::llvm::ArrayRef<double> getNamedTable(::llvm::StringRef name);
    /// An NF4/FP4 codebook type with its builtin table.
    static CodebookType getNamed(::mlir::MLIRContext *ctx,
                                 ::llvm::StringRef name,
                                 ::mlir::FloatType expressedType,
                                 int64_t blockSize);
  }];
}

#endif // QMLIR_DIALECT_Q_IR_QTYPES_TD
