//===- Resize.cpp - ONNX Resize and Upsample ------------------------------===//
//
// Part of qmlir. Both become q.resize. The scales or sizes fix the output
// shape and must be known at compile time, as must the roi of
// tf_crop_and_resize. Upsample (opsets 7 and 9) and Resize-10 have no
// coordinate or rounding attributes: they resample as ONNX Runtime does,
// with asymmetric coordinates and nearest rounding down when enlarging and
// up when shrinking.
//
// q.resize exports to Resize-13 with every attribute explicit, the output
// size given as `sizes` when the scales are output / input size (ONNX
// Runtime then derives the same scales), else as the f32 `scales`.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "StaticInputs.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

/// A message ending in the list of supported values when `value` is not one.
static LogicalResult checkOneOf(NodeImporter &n, StringRef attr,
                                StringRef value,
                                ArrayRef<StringRef> supported) {
  if (llvm::is_contained(supported, value))
    return success();
  InFlightDiagnostic diag = n.emitError();
  diag << attr << " '" << value << "' is unsupported (supported: ";
  llvm::interleaveComma(supported, diag);
  return diag << ")";
}

/// The resize of the opsets before 11 (Upsample, Resize-10).
static LogicalResult importLegacyResize(NodeImporter &n,
                                        ArrayRef<double> scales) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  std::string mode = n.attrString("mode", "nearest");
  if (mode == "bilinear")
    mode = "linear";
  if (failed(checkOneOf(n, "mode", mode, {"nearest", "linear"})))
    return failure();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(scales.size()) != rank)
    return n.emitError() << "scales have " << scales.size()
                         << " values for rank " << rank;
  bool enlarges = false, shrinks = false;
  for (double s : scales) {
    enlarges |= s > 1;
    shrinks |= s < 1;
  }
  if (mode == "nearest" && enlarges && shrinks)
    return n.emitError() << "nearest resizing that enlarges some dimensions "
                            "and shrinks others is unsupported before "
                            "opset 11";
  n.setOutput(
      0, q::ResizeOp::create(n.b(), n.getLoc(), type, x, mode, "asymmetric",
                             shrinks ? "ceil" : "floor", APFloat(-0.75f),
                             /*exclude_outside=*/false, APFloat(0.0f), scales,
                             /*roi=*/nullptr));
  return success();
}

static LogicalResult importUpsample(NodeImporter &n) {
  SmallVector<double> scales;
  if (n.getOpset() < 9) {
    scales = n.attrFloats("scales");
  } else {
    std::optional<SmallVector<double>> s = staticFloats(n, 1, "scales");
    if (!s)
      return failure();
    scales = *s;
  }
  return importLegacyResize(n, scales);
}

static LogicalResult importResize(NodeImporter &n) {
  if (n.getOpset() < 11) {
    std::optional<SmallVector<double>> s = staticFloats(n, 1, "scales");
    if (!s)
      return failure();
    return importLegacyResize(n, *s);
  }
  Value x = n.input(0);
  if (!x)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t rank = inType.getRank();
  std::string mode = n.attrString("mode", "nearest");
  std::string coordMode =
      n.attrString("coordinate_transformation_mode", "half_pixel");
  std::string nearestMode = n.attrString("nearest_mode", "round_prefer_floor");
  if (failed(checkOneOf(n, "mode", mode, {"nearest", "linear", "cubic"})) ||
      failed(checkOneOf(n, "coordinate_transformation_mode", coordMode,
                        {"half_pixel", "pytorch_half_pixel", "align_corners",
                         "asymmetric", "tf_half_pixel_for_nn",
                         "tf_crop_and_resize"})) ||
      failed(checkOneOf(
          n, "nearest_mode", nearestMode,
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"})))
    return failure();
  if (mode != "nearest" && !isa<FloatType>(inType.getElementType()))
    return n.emitError() << mode << " resizing of " << inType.getElementType()
                         << " is unsupported (float types only)";

  // Inputs: X, roi, scales, sizes; an empty tensor counts as absent.
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (n.hasInput(3)) {
    std::optional<SmallVector<int64_t>> s = staticInts(n, 3, "sizes");
    if (!s)
      return failure();
    sizes = *s;
  }
  if (sizes.empty() && n.hasInput(2)) {
    std::optional<SmallVector<double>> s = staticFloats(n, 2, "scales");
    if (!s)
      return failure();
    scales = *s;
  }
  if (!sizes.empty()) {
    if (static_cast<int64_t>(sizes.size()) != rank)
      return n.emitError() << "sizes have " << sizes.size()
                           << " values for rank " << rank;
    for (int64_t d = 0; d < rank; ++d)
      scales.push_back(static_cast<double>(sizes[d]) /
                       static_cast<double>(inType.getDimSize(d)));
  } else if (scales.empty()) {
    return n.emitError() << "needs scales or sizes";
  } else if (static_cast<int64_t>(scales.size()) != rank) {
    return n.emitError() << "scales have " << scales.size()
                         << " values for rank " << rank;
  }
  SmallVector<double> roi;
  if (coordMode == "tf_crop_and_resize") {
    if (!n.hasInput(1))
      return n.emitError() << "tf_crop_and_resize needs a roi";
    std::optional<SmallVector<double>> r = staticFloats(n, 1, "roi");
    if (!r)
      return failure();
    roi = *r;
    if (static_cast<int64_t>(roi.size()) != 2 * rank)
      return n.emitError() << "roi has " << roi.size() << " values for rank "
                           << rank << " (needs " << 2 * rank << ")";
  }

  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  DenseF64ArrayAttr roiAttr =
      roi.empty() ? nullptr : n.b().getDenseF64ArrayAttr(roi);
  n.setOutput(
      0,
      q::ResizeOp::create(
          n.b(), n.getLoc(), type, x, mode, coordMode, nearestMode,
          APFloat(static_cast<float>(n.attrFloat("cubic_coeff_a", -0.75))),
          n.attrInt("exclude_outside", 0) != 0,
          APFloat(static_cast<float>(n.attrFloat("extrapolation_value", 0.0))),
          scales, roiAttr));
  return success();
}

void registerResizeOps(ImporterRegistry &r) {
  r.add("", "Resize", importResize);
  r.add("", "Upsample", importUpsample);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

static LogicalResult exportResize(q::ResizeOp op, NodeExporter &e) {
  ArrayRef<int64_t> in =
      cast<RankedTensorType>(op.getInput().getType()).getShape();
  ArrayRef<int64_t> out = cast<RankedTensorType>(op.getType()).getShape();
  ArrayRef<double> scales = op.getScales();
  bool sizesGiveScales = true;
  for (auto [i, o, s] : llvm::zip_equal(in, out, scales))
    sizesGiveScales &= s == static_cast<double>(o) / static_cast<double>(i);
  std::string roi;
  if (std::optional<ArrayRef<double>> r = op.getRoi())
    roi = e.f32Constant(SmallVector<float>(r->begin(), r->end()),
                        {static_cast<int64_t>(r->size())}, "roi");
  SmallVector<std::string> inputs = {e.name(op.getInput()), roi};
  if (sizesGiveScales) {
    inputs.push_back("");
    inputs.push_back(e.i64Vector(out, "sizes"));
  } else {
    // ONNX's output size is floor(input size * scale), in f32.
    SmallVector<float> f32Scales(scales.begin(), scales.end());
    for (auto [i, o, s] : llvm::zip_equal(in, out, f32Scales))
      if (static_cast<int64_t>(s * static_cast<float>(i)) != o)
        return e.emitError() << "the f32 scale " << s << " gives "
                             << static_cast<int64_t>(s * static_cast<float>(i))
                             << " elements of " << i << ", not " << o;
    inputs.push_back(e.f32Constant(
        f32Scales, {static_cast<int64_t>(f32Scales.size())}, "scales"));
  }
  onnx::NodeProto &node = e.addNode("Resize", inputs, {e.output()});
  setStringAttr(node, "mode", op.getMode());
  setStringAttr(node, "coordinate_transformation_mode",
                op.getCoordinateTransformationMode());
  setStringAttr(node, "nearest_mode", op.getNearestMode());
  setFloatAttr(node, "cubic_coeff_a", op.getCubicCoeffA().convertToFloat());
  setIntAttr(node, "exclude_outside", op.getExcludeOutside() ? 1 : 0);
  setFloatAttr(node, "extrapolation_value",
               op.getExtrapolationValue().convertToFloat());
  return success();
}

void registerResizeExporters(ExporterRegistry &r) {
  r.add<q::ResizeOp>(exportResize);
}

} // namespace qmlir::onnx_export
