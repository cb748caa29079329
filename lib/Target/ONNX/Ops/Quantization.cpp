//===- Quantization.cpp - ONNX quantization operators ---------------------===//
//
// Part of qmlir. QuantizeLinear DequantizeLinear DynamicQuantizeLinear
// MatMulInteger ConvInteger QLinearMatMul QLinearConv.
//
// With constant scales and zero points, QuantizeLinear/DequantizeLinear
// become q.quantize/q.dequantize with a !quant.uniform type (per tensor or
// per axis), what the quantization passes read; otherwise the integer
// compute forms q.quantize_linear/q.dequantize_linear take them as
// operands. QLinearMatMul and QLinearConv are composed: the integer
// product (q.matmul_integer/q.conv_integer, exact in i32), the bias added
// in i32, and q.requantize_linear by x_scale * w_scale / y_scale computed
// in f32, as ONNX Runtime does.
//
//===----------------------------------------------------------------------===//

#include "ConvWindow.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Target/ONNX/TensorProto.h"


#include <cmath>

using namespace mlir;

namespace qmlir::onnx_import {

static int64_t numElements(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// The quantization axis of QuantizeLinear/DequantizeLinear given the
/// element counts of its scale and zero point: nullopt when both have one
/// element (per tensor); fails after an error.
static FailureOr<std::optional<int64_t>> readQuantAxis(NodeImporter &n,
                                                       RankedTensorType xType,
                                                       int64_t scaleCount,
                                                       int64_t zpCount) {
  if (scaleCount == 1 && zpCount == 1)
    return std::optional<int64_t>();
  if (n.getOpset() < 13) {
    n.emitError() << "per-axis scales and zero points need opset 13 (the "
                     "axis attribute); this node is opset "
                  << n.getOpset();
    return failure();
  }
  std::optional<int64_t> axis =
      normalizeAxis(n.attrInt("axis", 1), xType.getRank());
  if (!axis) {
    n.emitError() << "axis " << n.attrInt("axis", 1)
                  << " out of range for rank " << xType.getRank();
    return failure();
  }
  for (int64_t count : {scaleCount, zpCount})
    if (count != 1 && count != xType.getDimSize(*axis)) {
      n.emitError() << "a scale or zero point has " << count
                    << " elements but dimension " << *axis << " has size "
                    << xType.getDimSize(*axis);
      return failure();
    }
  return axis;
}

/// The !quant.uniform type of constant `scales` and `zeroPoints` (one each,
/// or one per index of `axis`) for integer storage `storage` (ui8, i8, i32);
/// null after an error.
static quant::QuantizedType quantType(NodeImporter &n, Type storage,
                                      ArrayRef<double> scales,
                                      ArrayRef<int64_t> zeroPoints,
                                      std::optional<int64_t> axis) {
  MLIRContext *ctx = n.b().getContext();
  auto it = cast<IntegerType>(storage);
  unsigned width = it.getWidth();
  bool isSigned = !it.isUnsigned();
  int64_t qmin = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t qmax =
      isSigned ? (int64_t(1) << (width - 1)) - 1 : (int64_t(1) << width) - 1;
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  Type signless = IntegerType::get(ctx, width);
  Type f32 = Float32Type::get(ctx);
  auto emit = [&] { return n.emitError(); };
  if (!axis)
    return quant::UniformQuantizedType::getChecked(
        emit, flags, signless, f32, scales[0], zeroPoints[0], qmin, qmax);
  SmallVector<double> s(scales);
  SmallVector<int64_t> z(zeroPoints);
  // A per-tensor scale or zero point next to a per-axis one repeats.
  size_t channels = std::max(s.size(), z.size());
  if (s.size() == 1)
    s.assign(channels, s[0]);
  if (z.size() == 1)
    z.assign(channels, z[0]);
  return quant::UniformQuantizedPerAxisType::getChecked(
      emit, flags, signless, f32, s, z, static_cast<int32_t>(*axis), qmin,
      qmax);
}

/// The scale (input 1) and optional zero point (input 2) of a
/// QuantizeLinear/DequantizeLinear node: a !quant.uniform type when both are
/// constants, else the run-time operands.
struct LinearQuantParams {
  quant::QuantizedType qtype;
  Value scale, zeroPoint; // zeroPoint is null when absent
  std::optional<int64_t> axis;
};

/// Reads the scale and zero point of a node quantizing `xType` to (or
/// dequantizing it from) `storage` (ui8, i8, i32); a !quant.uniform type is
/// built only when `allowConstant`.
static FailureOr<LinearQuantParams>
readLinearQuantParams(NodeImporter &n, RankedTensorType xType, Type storage,
                      bool allowConstant) {
  LinearQuantParams p;
  std::optional<SmallVector<double>> scales = n.constantFloats(1);
  std::optional<SmallVector<int64_t>> zps =
      n.hasInput(2)
          ? n.constantInts(2)
          : std::optional<SmallVector<int64_t>>(SmallVector<int64_t>{0});
  // A scale that is not a positive finite number has no !quant.uniform
  // type; the integer form still computes what ONNX says.
  bool validScales =
      scales && !scales->empty() &&
      llvm::all_of(*scales, [](double s) { return s > 0 && std::isfinite(s); });
  if (allowConstant && validScales && zps && !zps->empty()) {
    FailureOr<std::optional<int64_t>> axis =
        readQuantAxis(n, xType, scales->size(), zps->size());
    if (failed(axis))
      return failure();
    p.axis = *axis;
    p.qtype = quantType(n, storage, *scales, *zps, p.axis);
    if (!p.qtype)
      return failure();
    return p;
  }
  p.scale = n.input(1);
  p.zeroPoint = n.hasInput(2) ? n.input(2) : Value();
  if (!p.scale || (n.hasInput(2) && !p.zeroPoint))
    return failure();
  FailureOr<std::optional<int64_t>> axis =
      readQuantAxis(n, xType, numElements(p.scale),
                    p.zeroPoint ? numElements(p.zeroPoint) : 1);
  if (failed(axis))
    return failure();
  p.axis = *axis;
  return p;
}

static IntegerAttr axisAttr(NodeImporter &n, std::optional<int64_t> axis) {
  return axis ? n.b().getI64IntegerAttr(*axis) : IntegerAttr();
}

static LogicalResult importQuantizeLinear(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  // q.quantize takes float input; an int32 x takes the run-time form.
  auto xType = cast<RankedTensorType>(x.getType());
  FailureOr<LinearQuantParams> p = readLinearQuantParams(
      n, xType, type.getElementType(), xType.getElementType().isF32());
  if (failed(p))
    return failure();
  Location loc = n.getLoc();
  if (p->qtype) {
    Value q = q::QuantizeOp::create(n.b(), loc, type.clone(p->qtype), x);
    n.setOutput(0, q::StorageCastOp::create(n.b(), loc, type, q));
    return success();
  }
  n.setOutput(0,
              q::QuantizeLinearOp::create(n.b(), loc, type, x, p->scale,
                                          p->zeroPoint, axisAttr(n, p->axis)));
  return success();
}

static LogicalResult importDequantizeLinear(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  FailureOr<LinearQuantParams> p =
      readLinearQuantParams(n, xType, xType.getElementType(), true);
  if (failed(p))
    return failure();
  Location loc = n.getLoc();
  if (p->qtype) {
    Value q = q::StorageCastOp::create(n.b(), loc, xType.clone(p->qtype), x);
    n.setOutput(0, q::DequantizeOp::create(n.b(), loc, type, q));
    return success();
  }
  n.setOutput(0, q::DequantizeLinearOp::create(n.b(), loc, type, x, p->scale,
                                               p->zeroPoint,
                                               axisAttr(n, p->axis)));
  return success();
}

static LogicalResult importDynamicQuantizeLinear(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = n.b().getContext();
  Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  auto dq = q::DynamicQuantizeOp::create(
      n.b(), n.getLoc(), xType.clone(u8),
      RankedTensorType::get({}, Float32Type::get(ctx)),
      RankedTensorType::get({}, u8), x, IntegerAttr(), UnitAttr());
  for (int i = 0; i < 3; ++i)
    n.setOutput(i, dq.getResult(i));
  return success();
}

static LogicalResult importMatMulInteger(NodeImporter &n) {
  Value a = n.input(0), b = n.input(1);
  Value azp = n.hasInput(2) ? n.input(2) : Value();
  Value bzp = n.hasInput(3) ? n.input(3) : Value();
  RankedTensorType type = n.outputType();
  if (!a || !b || !type || (n.hasInput(2) && !azp) || (n.hasInput(3) && !bzp))
    return failure();
  n.setOutput(
      0, q::MatMulIntegerOp::create(n.b(), n.getLoc(), type, a, b, azp, bzp));
  return success();
}

static LogicalResult importConvInteger(NodeImporter &n) {
  Value x = n.input(0), w = n.input(1);
  Value xzp = n.hasInput(2) ? n.input(2) : Value();
  Value wzp = n.hasInput(3) ? n.input(3) : Value();
  RankedTensorType type = n.outputType();
  if (!x || !w || !type || (n.hasInput(2) && !xzp) || (n.hasInput(3) && !wzp))
    return failure();
  FailureOr<WindowAttrs> win =
      readConvWindow(n, cast<RankedTensorType>(x.getType()),
                     cast<RankedTensorType>(w.getType()));
  if (failed(win))
    return failure();
  n.setOutput(0, q::ConvIntegerOp::create(
                     n.b(), n.getLoc(), type, x, w, xzp, wzp, win->strides,
                     win->pads, win->dilations, n.attrInt("group", 1)));
  return success();
}

/// `lhs op rhs` for a q binary op, its type the broadcast of both.
template <typename OpTy>
static Value broadcastBinary(NodeImporter &n, Value lhs, Value rhs) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  FailureOr<SmallVector<int64_t>> shape =
      q::broadcastShapes(lt.getShape(), rt.getShape());
  if (failed(shape)) {
    n.emitError() << "shapes " << lt << " and " << rt << " do not broadcast";
    return {};
  }
  return OpTy::create(n.b(), n.getLoc(), lt.clone(*shape), lhs, rhs);
}

/// The requantization of QLinearMatMul/QLinearConv: `acc` (i32) times
/// `xScale * wScale / yScale` (f32, in that order, as ONNX Runtime), rounded
/// half to even, plus `yZeroPoint`, saturated to `type`. `wScale` may have
/// one value per index of dimension `axis` of the result.
static LogicalResult requantize(NodeImporter &n, Value acc, Value xScale,
                                Value wScale, Value yScale, Value yZeroPoint,
                                int64_t axis, RankedTensorType type) {
  if (numElements(xScale) != 1 || numElements(yScale) != 1)
    return n.emitError() << "only per-tensor input and output scales are "
                            "supported (per-row scales are unsupported)";
  if (numElements(yZeroPoint) != 1)
    return n.emitError() << "only a per-tensor output zero point is "
                            "supported (a per-axis one is unsupported)";
  Value product = broadcastBinary<q::MulOp>(n, xScale, wScale);
  Value multiplier =
      product ? broadcastBinary<q::DivOp>(n, product, yScale) : Value();
  if (!multiplier)
    return failure();
  std::optional<int64_t> multiplierAxis;
  if (numElements(multiplier) != 1) {
    auto mt = cast<RankedTensorType>(multiplier.getType());
    if (mt.getRank() != 1 || axis < 0 ||
        mt.getDimSize(0) != type.getDimSize(axis))
      return n.emitError() << "the weight scale " << wScale.getType()
                           << " is neither per tensor nor one per output "
                              "channel";
    multiplierAxis = axis;
  }
  n.setOutput(0, q::RequantizeLinearOp::create(n.b(), n.getLoc(), type, acc,
                                               multiplier, yZeroPoint,
                                               axisAttr(n, multiplierAxis)));
  return success();
}

static LogicalResult importQLinearMatMul(NodeImporter &n) {
  SmallVector<Value> in;
  for (int i = 0; i < 8; ++i) {
    in.push_back(n.input(i));
    if (!in.back())
      return failure();
  }
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  Value a = in[0], aScale = in[1], aZp = in[2], b = in[3], bScale = in[4],
        bZp = in[5], yScale = in[6], yZp = in[7];
  auto accType = type.clone(IntegerType::get(n.b().getContext(), 32));
  Value acc =
      q::MatMulIntegerOp::create(n.b(), n.getLoc(), accType, a, b, aZp, bZp);
  // A per-column b scale is one per index of the result's last dimension
  // (none when b is a vector).
  int64_t axis = cast<RankedTensorType>(b.getType()).getRank() == 1
                     ? -1
                     : type.getRank() - 1;
  return requantize(n, acc, aScale, bScale, yScale, yZp, axis, type);
}

static LogicalResult importQLinearConv(NodeImporter &n) {
  SmallVector<Value> in;
  for (int i = 0; i < 8; ++i) {
    in.push_back(n.input(i));
    if (!in.back())
      return failure();
  }
  Value bias = n.hasInput(8) ? n.input(8) : Value();
  RankedTensorType type = n.outputType();
  if (!type || (n.hasInput(8) && !bias))
    return failure();
  Value x = in[0], xScale = in[1], xZp = in[2], w = in[3], wScale = in[4],
        wZp = in[5], yScale = in[6], yZp = in[7];
  FailureOr<WindowAttrs> win =
      readConvWindow(n, cast<RankedTensorType>(x.getType()),
                     cast<RankedTensorType>(w.getType()));
  if (failed(win))
    return failure();
  Location loc = n.getLoc();
  auto accType = type.clone(IntegerType::get(n.b().getContext(), 32));
  Value acc = q::ConvIntegerOp::create(n.b(), loc, accType, x, w, xZp, wZp,
                                       win->strides, win->pads, win->dilations,
                                       n.attrInt("group", 1));
  if (bias) {
    // The i32 bias (scale x_scale * w_scale, zero point 0) joins the
    // accumulator, broadcast over N and space as [M, 1, ...].
    auto bt = cast<RankedTensorType>(bias.getType());
    if (bt.getRank() != 1 || bt.getDimSize(0) != type.getDimSize(1))
      return n.emitError() << "B must be [" << type.getDimSize(1) << "], got "
                           << bt;
    SmallVector<int64_t> shape = {bt.getDimSize(0)};
    shape.append(type.getRank() - 2, 1);
    Value b = q::ReshapeOp::create(n.b(), loc, bt.clone(shape), bias);
    acc = q::AddOp::create(n.b(), loc, accType, acc, b);
  }
  return requantize(n, acc, xScale, wScale, yScale, yZp, /*axis=*/1, type);
}

void registerQuantizationOps(ImporterRegistry &r) {
  r.add("", "QuantizeLinear", importQuantizeLinear);
  r.add("", "DequantizeLinear", importDequantizeLinear);
  r.add("", "DynamicQuantizeLinear", importDynamicQuantizeLinear);
  r.add("", "MatMulInteger", importMatMulInteger);
  r.add("", "ConvInteger", importConvInteger);
  r.add("", "QLinearMatMul", importQLinearMatMul);
  r.add("", "QLinearConv", importQLinearConv);
}

} // namespace qmlir::onnx_import
