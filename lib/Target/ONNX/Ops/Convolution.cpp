//===- Convolution.cpp - ONNX Conv and pooling ----------------------------===//
//
// Part of qmlir. Conv MaxPool AveragePool GlobalAveragePool. Defaults and
// auto_pad are resolved here, so q ops carry explicit windows.
//
//===----------------------------------------------------------------------===//

#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

namespace {
struct WindowAttrs {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};
} // namespace

/// Reads kernel_shape/strides/dilations/pads/auto_pad for `spatial` dims of
/// `inShape` ([N, C, D...]); `kernelFromWeight` fills a missing kernel_shape.
static FailureOr<WindowAttrs> readWindow(NodeImporter &n,
                                         ArrayRef<int64_t> inShape,
                                         ArrayRef<int64_t> kernelFromWeight) {
  int64_t spatial = static_cast<int64_t>(inShape.size()) - 2;
  WindowAttrs w;
  w.kernel = n.attrInts("kernel_shape");
  if (w.kernel.empty())
    w.kernel.assign(kernelFromWeight.begin(), kernelFromWeight.end());
  w.strides = n.attrInts("strides");
  if (w.strides.empty())
    w.strides.assign(spatial, 1);
  w.dilations = n.attrInts("dilations");
  if (w.dilations.empty())
    w.dilations.assign(spatial, 1);
  w.pads = n.attrInts("pads");
  if (w.pads.empty())
    w.pads.assign(2 * spatial, 0);
  if (static_cast<int64_t>(w.kernel.size()) != spatial ||
      static_cast<int64_t>(w.strides.size()) != spatial ||
      static_cast<int64_t>(w.dilations.size()) != spatial ||
      static_cast<int64_t>(w.pads.size()) != 2 * spatial) {
    n.emitError() << "kernel_shape, strides, dilations and pads do not match "
                  << spatial << " spatial dimensions";
    return failure();
  }
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    w.pads.assign(2 * spatial, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inShape[2 + i];
      int64_t out = (in + w.strides[i] - 1) / w.strides[i];
      int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[i] + span - in);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    n.emitError() << "unknown auto_pad '" << autoPad
                  << "' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)";
    return failure();
  }
  return w;
}

static LogicalResult importConv(NodeImporter &n) {
  Value x = n.input(0), w = n.input(1);
  Value bias = n.hasInput(2) ? n.input(2) : Value();
  RankedTensorType type = n.outputType();
  if (!x || !w || !type || (n.hasInput(2) && !bias))
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  if (inType.getRank() < 3)
    return n.emitError() << "input must have rank >= 3, got "
                         << inType.getRank();
  if (wType.getRank() != inType.getRank())
    return n.emitError() << "the weight has rank " << wType.getRank()
                         << " but the input has rank " << inType.getRank();
  FailureOr<WindowAttrs> win =
      readWindow(n, inType.getShape(), wType.getShape().drop_front(2));
  if (failed(win))
    return failure();
  if (ArrayRef<int64_t>(win->kernel) != wType.getShape().drop_front(2)) {
    InFlightDiagnostic diag = n.emitError() << "kernel_shape [";
    llvm::interleaveComma(win->kernel, diag);
    diag << "] differs from the weight's spatial dimensions [";
    llvm::interleaveComma(wType.getShape().drop_front(2), diag);
    return diag << "]";
  }
  auto conv = q::ConvOp::create(n.b(), n.getLoc(), type, x, w, bias,
                                win->strides, win->pads, win->dilations,
                                n.attrInt("group", 1));
  n.setOutput(0, conv);
  return success();
}

static LogicalResult importMaxPool(NodeImporter &n) {
  // storage_order only affects Indices, so it needs no check of its own.
  if (n.hasOutput(1))
    return n.emitError() << "the Indices output is unsupported; only "
                            "MaxPool's first output (Y) can be imported";
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  if (!n.hasAttr("kernel_shape"))
    return n.emitError() << "kernel_shape is required";
  FailureOr<WindowAttrs> win = readWindow(n, inType.getShape(), {});
  if (failed(win))
    return failure();
  auto pool = q::MaxPoolOp::create(
      n.b(), n.getLoc(), type, x, win->kernel, win->strides, win->pads,
      win->dilations, n.attrInt("ceil_mode", 0) != 0);
  n.setOutput(0, pool);
  return success();
}

static LogicalResult importAveragePool(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  if (!n.hasAttr("kernel_shape"))
    return n.emitError() << "kernel_shape is required";
  FailureOr<WindowAttrs> win = readWindow(n, inType.getShape(), {});
  if (failed(win))
    return failure();
  auto pool = q::AveragePoolOp::create(
      n.b(), n.getLoc(), type, x, win->kernel, win->strides, win->pads,
      win->dilations, n.attrInt("ceil_mode", 0) != 0,
      n.attrInt("count_include_pad", 0) != 0);
  n.setOutput(0, pool);
  return success();
}

static LogicalResult importGlobalAveragePool(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  n.setOutput(0, q::GlobalAveragePoolOp::create(n.b(), n.getLoc(), type, x));
  return success();
}

void registerConvolutionOps(ImporterRegistry &r) {
  r.add("", "Conv", importConv);
  r.add("", "MaxPool", importMaxPool);
  r.add("", "AveragePool", importAveragePool);
  r.add("", "GlobalAveragePool", importGlobalAveragePool);
}

} // namespace qmlir::onnx_import
