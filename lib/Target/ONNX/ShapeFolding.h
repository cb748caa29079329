//===- ShapeFolding.h - fold shape computations of an ONNX graph -*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_TARGET_ONNX_SHAPEFOLDING_H
#define QMLIR_LIB_TARGET_ONNX_SHAPEFOLDING_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <onnx/onnx_pb.h>

namespace qmlir::onnx_import {

/// Evaluates the integer shape computations of `model` (Shape and Size of
/// statically shaped values; Cast, Concat, Gather, Slice, Squeeze,
/// Unsqueeze, Identity, Neg, ConstantOfShape, Range and integer
/// Add/Sub/Mul/Div of known small vectors)
/// and replaces those nodes by initializers. `fileIndex` (the file position
/// of each node) loses the entries of removed nodes. Returns true if it
/// folded anything; shape inference should then run again, as types it
/// could not compute before may now be known.
/// True for the ops foldShapeComputations evaluates (when it can).
bool isShapeFoldingOp(llvm::StringRef opType);

bool foldShapeComputations(onnx::ModelProto &model,
                           llvm::SmallVectorImpl<int> &fileIndex);

} // namespace qmlir::onnx_import

#endif // QMLIR_LIB_TARGET_ONNX_SHAPEFOLDING_H
