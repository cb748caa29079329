//===- ConvWindow.h - ONNX window attributes of convolutions ----*- C++ -*-===//
//
// Part of qmlir. Conv, ConvInteger, QLinearConv, ConvTranspose and the
// pooling ops read kernel_shape/strides/dilations/pads/auto_pad alike, and
// the convolutions write them alike.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_TARGET_ONNX_OPS_CONVWINDOW_H
#define QMLIR_LIB_TARGET_ONNX_OPS_CONVWINDOW_H

#include "../NodeExporter.h"
#include "../NodeImporter.h"

namespace qmlir::onnx_import {

/// A node's window attributes with ONNX's defaults filled in.
struct WindowAttrs {
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads;
};

/// Reads kernel_shape/strides/dilations/pads/auto_pad for the spatial dims
/// of `inShape` ([N, C, D...]), resolving auto_pad for a forward window;
/// `kernelFromWeight` fills a missing kernel_shape. Emits an error naming
/// the node and fails on inconsistent attributes.
mlir::FailureOr<WindowAttrs>
readWindow(NodeImporter &n, llvm::ArrayRef<int64_t> inShape,
           llvm::ArrayRef<int64_t> kernelFromWeight);

/// readWindow for a convolution of input `in` by `weight` ([M, C / group,
/// K...], or [C, M / group, K...] for ConvTranspose): the ranks must agree
/// and kernel_shape, if given, must be the weight's spatial dimensions.
mlir::FailureOr<WindowAttrs> readConvWindow(NodeImporter &n,
                                            mlir::RankedTensorType in,
                                            mlir::RankedTensorType weight);

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

/// Sets the window attributes of a Conv, ConvTranspose or ConvInteger node
/// convolving by `weight` ([M, C / group, K...]): kernel_shape (K...),
/// strides, pads, dilations and group.
void setConvWindow(onnx::NodeProto &node, mlir::Value weight,
                   llvm::ArrayRef<int64_t> strides,
                   llvm::ArrayRef<int64_t> pads,
                   llvm::ArrayRef<int64_t> dilations, int64_t group);

} // namespace qmlir::onnx_export

#endif // QMLIR_LIB_TARGET_ONNX_OPS_CONVWINDOW_H
