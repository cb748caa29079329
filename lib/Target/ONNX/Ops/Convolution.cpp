//===- Convolution.cpp - ONNX convolutions and pooling --------------------===//
//
// Part of qmlir. Conv ConvTranspose MaxPool AveragePool GlobalAveragePool
// GlobalMaxPool. Defaults, auto_pad and output_shape are resolved here, so q
// ops carry explicit windows. (ConvInteger and QLinearConv are in
// Quantization.cpp.) The q ops export with every window attribute explicit;
// an average pool with dilations needs AveragePool-19.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "ConvWindow.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

FailureOr<WindowAttrs> readWindow(NodeImporter &n, ArrayRef<int64_t> inShape,
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

FailureOr<WindowAttrs> readConvWindow(NodeImporter &n, RankedTensorType inType,
                                      RankedTensorType wType) {
  if (inType.getRank() < 3) {
    n.emitError() << "input must have rank >= 3, got " << inType.getRank();
    return failure();
  }
  if (wType.getRank() != inType.getRank()) {
    n.emitError() << "the weight has rank " << wType.getRank()
                  << " but the input has rank " << inType.getRank();
    return failure();
  }
  FailureOr<WindowAttrs> win =
      readWindow(n, inType.getShape(), wType.getShape().drop_front(2));
  if (failed(win))
    return failure();
  if (ArrayRef<int64_t>(win->kernel) != wType.getShape().drop_front(2)) {
    InFlightDiagnostic diag = n.emitError() << "kernel_shape [";
    llvm::interleaveComma(win->kernel, diag);
    diag << "] differs from the weight's spatial dimensions [";
    llvm::interleaveComma(wType.getShape().drop_front(2), diag);
    diag << "]";
    return failure();
  }
  return win;
}

static LogicalResult importConv(NodeImporter &n) {
  Value x = n.input(0), w = n.input(1);
  Value bias = n.hasInput(2) ? n.input(2) : Value();
  RankedTensorType type = n.outputType();
  if (!x || !w || !type || (n.hasInput(2) && !bias))
    return failure();
  FailureOr<WindowAttrs> win =
      readConvWindow(n, cast<RankedTensorType>(x.getType()),
                     cast<RankedTensorType>(w.getType()));
  if (failed(win))
    return failure();
  auto conv = q::ConvOp::create(n.b(), n.getLoc(), type, x, w, bias,
                                win->strides, win->pads, win->dilations,
                                n.attrInt("group", 1));
  n.setOutput(0, conv);
  return success();
}

/// Python's floor division, which ONNX's ConvTranspose formulas use.
static int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static LogicalResult importConvTranspose(NodeImporter &n) {
  Value x = n.input(0), w = n.input(1);
  Value bias = n.hasInput(2) ? n.input(2) : Value();
  if (!x || !w || (n.hasInput(2) && !bias))
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  FailureOr<WindowAttrs> win = readConvWindow(n, inType, wType);
  if (failed(win))
    return failure();
  int64_t spatial = inType.getRank() - 2;
  int64_t group = n.attrInt("group", 1);
  if (group <= 0 || inType.getDimSize(1) % group != 0)
    return n.emitError() << "group " << group << " does not divide the "
                         << inType.getDimSize(1) << " input channels";
  SmallVector<int64_t> outPad = n.attrInts("output_padding");
  if (outPad.empty())
    outPad.assign(spatial, 0);
  if (static_cast<int64_t>(outPad.size()) != spatial)
    return n.emitError() << "output_padding has " << outPad.size()
                         << " values for " << spatial << " spatial dimensions";
  // ONNX's ConvTranspose formulas: with output_shape (explicitly, or
  // input * stride for SAME_*), the total padding is split between the
  // begin and the end, by floor division; a negative one (an output larger
  // than the full one) adds zeros at the end.
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  SmallVector<int64_t> outShape = n.attrInts("output_shape");
  if (!outShape.empty() && static_cast<int64_t>(outShape.size()) != spatial) {
    // Some exporters give [N, C, D...].
    if (static_cast<int64_t>(outShape.size()) != spatial + 2)
      return n.emitError() << "output_shape has " << outShape.size()
                           << " values for " << spatial
                           << " spatial dimensions";
    outShape.erase(outShape.begin(), outShape.begin() + 2);
  }
  if (outShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER"))
    for (int64_t i = 0; i < spatial; ++i)
      outShape.push_back(inType.getDimSize(2 + i) * win->strides[i]);
  if (autoPad == "VALID")
    win->pads.assign(2 * spatial, 0);
  if (!outShape.empty()) {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t full = win->strides[i] * (inType.getDimSize(2 + i) - 1) +
                     outPad[i] + (win->kernel[i] - 1) * win->dilations[i] + 1;
      int64_t total = full - outShape[i];
      int64_t half = floorDiv(total, 2);
      int64_t begin = autoPad == "SAME_UPPER" ? half : total - half;
      int64_t end = total - begin;
      if (begin < 0)
        return n.emitError()
               << "output_shape " << outShape[i] << " in dimension " << 2 + i
               << " needs zeros before the full output of " << full
               << " elements, which is unsupported";
      if (end < 0) {
        outPad[i] -= end;
        end = 0;
      }
      win->pads[i] = begin;
      win->pads[spatial + i] = end;
    }
  }
  int64_t m = wType.getDimSize(1) * group;
  SmallVector<int64_t> shape = {inType.getDimSize(0), m};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t size = win->strides[i] * (inType.getDimSize(2 + i) - 1) +
                   outPad[i] + (win->kernel[i] - 1) * win->dilations[i] + 1 -
                   win->pads[i] - win->pads[spatial + i];
    if (size <= 0)
      return n.emitError() << "pads leave no output in dimension " << 2 + i;
    shape.push_back(size);
  }
  auto type = RankedTensorType::get(shape, inType.getElementType());
  auto conv = q::ConvTransposeOp::create(n.b(), n.getLoc(), type, x, w, bias,
                                         win->strides, win->pads,
                                         win->dilations, outPad, group);
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

/// GlobalMaxPool is max_pool with the whole spatial extent as its window.
static LogicalResult importGlobalMaxPool(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  if (inType.getRank() < 3)
    return n.emitError() << "input must have rank >= 3, got "
                         << inType.getRank();
  int64_t spatial = inType.getRank() - 2;
  SmallVector<int64_t> ones(spatial, 1), zeros(2 * spatial, 0);
  auto pool = q::MaxPoolOp::create(n.b(), n.getLoc(), type, x,
                                   inType.getShape().drop_front(2), ones, zeros,
                                   ones, /*ceil_mode=*/false);
  n.setOutput(0, pool);
  return success();
}

void registerConvolutionOps(ImporterRegistry &r) {
  r.add("", "Conv", importConv);
  r.add("", "ConvTranspose", importConvTranspose);
  r.add("", "MaxPool", importMaxPool);
  r.add("", "AveragePool", importAveragePool);
  r.add("", "GlobalAveragePool", importGlobalAveragePool);
  r.add("", "GlobalMaxPool", importGlobalMaxPool);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

void setConvWindow(onnx::NodeProto &node, Value weight,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                   ArrayRef<int64_t> dilations, int64_t group) {
  auto type = cast<RankedTensorType>(weight.getType());
  setIntsAttr(node, "kernel_shape", type.getShape().drop_front(2));
  setIntsAttr(node, "strides", strides);
  setIntsAttr(node, "pads", pads);
  setIntsAttr(node, "dilations", dilations);
  setIntAttr(node, "group", group);
}

static bool allOnes(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v == 1; });
}

void registerConvolutionExporters(ExporterRegistry &r) {
  r.add<q::ConvOp>([](q::ConvOp op, NodeExporter &e) {
    setConvWindow(e.addNodeOfOperands("Conv"), op.getWeight(), op.getStrides(),
                  op.getPads(), op.getDilations(), op.getGroup());
    return success();
  });
  r.add<q::ConvTransposeOp>([](q::ConvTransposeOp op, NodeExporter &e) {
    onnx::NodeProto &node = e.addNodeOfOperands("ConvTranspose");
    setConvWindow(node, op.getWeight(), op.getStrides(), op.getPads(),
                  op.getDilations(), op.getGroup());
    setIntsAttr(node, "output_padding", op.getOutputPadding());
    return success();
  });
  r.add<q::MaxPoolOp>([](q::MaxPoolOp op, NodeExporter &e) {
    onnx::NodeProto &node = e.addNodeOfOperands("MaxPool");
    setIntsAttr(node, "kernel_shape", op.getKernelShape());
    setIntsAttr(node, "strides", op.getStrides());
    setIntsAttr(node, "pads", op.getPads());
    setIntsAttr(node, "dilations", op.getDilations());
    setIntAttr(node, "ceil_mode", op.getCeilMode());
    return success();
  });
  r.add<q::AveragePoolOp>(
      [](q::AveragePoolOp op, NodeExporter &e) {
        onnx::NodeProto &node = e.addNodeOfOperands("AveragePool");
        setIntsAttr(node, "kernel_shape", op.getKernelShape());
        setIntsAttr(node, "strides", op.getStrides());
        setIntsAttr(node, "pads", op.getPads());
        if (!allOnes(op.getDilations()))
          setIntsAttr(node, "dilations", op.getDilations());
        setIntAttr(node, "ceil_mode", op.getCeilMode());
        setIntAttr(node, "count_include_pad", op.getCountIncludePad());
        return success();
      },
      [](Operation *op) -> int64_t {
        return allOnes(cast<q::AveragePoolOp>(op).getDilations()) ? 13 : 19;
      });
  r.addNodeOfOperands<q::GlobalAveragePoolOp>("GlobalAveragePool");
}

} // namespace qmlir::onnx_export
