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
// Export: a value of a !quant.uniform type is the ONNX tensor of its
// storage (uint8, int8, int32), so q.storage_cast writes no node;
// q.quantize and q.dequantize write QuantizeLinear and DequantizeLinear
// with the type's scales and zero points as initializers. Requantization
// has no ONNX operator; its exact composition is
//
//   DequantizeLinear(x, multiplier, x_zero_point)
//     -> QuantizeLinear(., 1, y_zero_point)
//
// DequantizeLinear computes f32(x - x_zero_point) * multiplier, one f32
// product as q.requantize_linear and q.requantize define it (an i32
// accumulator has no zero point), and QuantizeLinear with scale 1 rounds
// half to even, adds the zero point and saturates, dividing by 1 exactly.
// A quantized type narrower than its storage ([-127, 127]) adds a Clip
// after QuantizeLinear, which saturates to the storage's range.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
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
                                          p->zeroPoint, axisAttr(n, p->axis),
                                          IntegerAttr()));
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
                                               axisAttr(n, p->axis),
                                               IntegerAttr()));
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

namespace qmlir::onnx_export {

namespace {
/// The parameters of a per-tensor or per-axis !quant.uniform type.
struct QuantParams {
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  std::optional<int64_t> axis;
  int32_t dataType; // of the storage
  int64_t qmin, qmax;
  /// Whether [qmin, qmax] is the whole range of the storage type.
  bool fullRange;

  /// The shape of the scale and zero point inputs: 0-d per tensor, [C] per
  /// axis.
  SmallVector<int64_t> paramShape() const {
    if (!axis)
      return {};
    return {static_cast<int64_t>(scales.size())};
  }
};
} // namespace

static FailureOr<QuantParams> quantParams(NodeExporter &e, Type elem) {
  auto qtype = dyn_cast<quant::QuantizedType>(elem);
  if (!isa_and_present<quant::UniformQuantizedType,
                       quant::UniformQuantizedPerAxisType>(qtype))
    return e.emitError() << "the quantized type " << elem
                         << " is neither per tensor nor per axis (blockwise "
                            "types have no ONNX opset 13 form)";
  if (!qtype.getExpressedType().isF32())
    return e.emitError() << "the quantized type " << elem << " expresses "
                         << qtype.getExpressedType() << "; ONNX scales are f32";
  QuantParams p;
  p.dataType = onnxDataType(qtype);
  if (!p.dataType)
    return e.emitError() << "the storage of " << elem
                         << " has no ONNX type (uint8, int8 or int32)";
  p.qmin = qtype.getStorageTypeMin();
  p.qmax = qtype.getStorageTypeMax();
  unsigned width = qtype.getStorageTypeIntegralWidth();
  int64_t lo = qtype.isSigned() ? -(int64_t(1) << (width - 1)) : 0;
  int64_t hi = qtype.isSigned() ? (int64_t(1) << (width - 1)) - 1
                                : (int64_t(1) << width) - 1;
  p.fullRange = p.qmin == lo && p.qmax == hi;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(qtype)) {
    p.scales.push_back(static_cast<float>(u.getScale()));
    p.zeroPoints.push_back(u.getZeroPoint());
  } else {
    auto a = cast<quant::UniformQuantizedPerAxisType>(qtype);
    for (double s : a.getScales())
      p.scales.push_back(static_cast<float>(s));
    p.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    p.axis = a.getQuantizedDimension();
  }
  return p;
}

/// The name of the zero point initializer of `p`, or "" for int32 storage
/// (whose zero point ONNX leaves out); fails if it is not 0.
static FailureOr<std::string> zeroPointInput(NodeExporter &e,
                                             const QuantParams &p) {
  if (p.dataType != onnx::TensorProto::INT32)
    return e.intConstant(p.dataType, p.zeroPoints, p.paramShape(),
                         "zero_point");
  if (llvm::any_of(p.zeroPoints, [](int64_t z) { return z != 0; }))
    return e.emitError() << "int32 values with a zero point other than 0 "
                            "have no ONNX DequantizeLinear form";
  return std::string();
}

/// QuantizeLinear of the float tensor `x` to `p` into `out`, saturated to a
/// narrow range by a Clip.
static LogicalResult quantizeTo(NodeExporter &e, const std::string &x,
                                const std::string &scale, const QuantParams &p,
                                const std::string &out) {
  if (p.dataType == onnx::TensorProto::INT32)
    return e.emitError() << "QuantizeLinear has no int32 output";
  std::string zp =
      e.intConstant(p.dataType, p.zeroPoints, p.paramShape(), "zero_point");
  std::string q = p.fullRange ? out : e.freshName("saturated");
  onnx::NodeProto &node = e.addNode("QuantizeLinear", {x, scale, zp}, {q});
  if (p.axis)
    setIntAttr(node, "axis", *p.axis);
  if (!p.fullRange)
    e.addNode("Clip",
              {q, e.intConstant(p.dataType, {p.qmin}, {}, "qmin"),
               e.intConstant(p.dataType, {p.qmax}, {}, "qmax")},
              {out});
  return success();
}

static LogicalResult exportQuantize(q::QuantizeOp op, NodeExporter &e) {
  FailureOr<QuantParams> p =
      quantParams(e, cast<RankedTensorType>(op.getType()).getElementType());
  if (failed(p))
    return failure();
  return quantizeTo(e, e.name(op.getInput()),
                    e.f32Constant(p->scales, p->paramShape(), "scale"), *p,
                    e.output());
}

static LogicalResult exportDequantize(q::DequantizeOp op, NodeExporter &e) {
  FailureOr<QuantParams> p = quantParams(
      e, cast<RankedTensorType>(op.getInput().getType()).getElementType());
  if (failed(p))
    return failure();
  FailureOr<std::string> zp = zeroPointInput(e, *p);
  if (failed(zp))
    return failure();
  onnx::NodeProto &node =
      e.addNode("DequantizeLinear",
                {e.name(op.getInput()),
                 e.f32Constant(p->scales, p->paramShape(), "scale"), *zp},
                {e.output()});
  if (p->axis)
    setIntAttr(node, "axis", *p->axis);
  return success();
}

/// `values` repeated to `count` elements when it has one.
template <typename T>
static SmallVector<T> broadcastTo(ArrayRef<T> values, size_t count) {
  if (values.size() == count)
    return SmallVector<T>(values);
  return SmallVector<T>(count, values.front());
}

static LogicalResult exportRequantize(q::RequantizeOp op, NodeExporter &e) {
  FailureOr<QuantParams> in = quantParams(
      e, cast<RankedTensorType>(op.getInput().getType()).getElementType());
  if (failed(in))
    return failure();
  FailureOr<QuantParams> out =
      quantParams(e, cast<RankedTensorType>(op.getType()).getElementType());
  if (failed(out))
    return failure();
  if (in->axis && out->axis && *in->axis != *out->axis)
    return e.emitError() << "the input and result are quantized along "
                            "different axes";
  // The multiplier s_in / s_out is rounded to f32 once, as q defines it.
  QuantParams dq = *in;
  dq.axis = in->axis ? in->axis : out->axis;
  size_t channels = std::max(in->scales.size(), out->scales.size());
  dq.scales.clear();
  for (size_t c = 0; c < channels; ++c)
    dq.scales.push_back(in->scales[in->scales.size() == 1 ? 0 : c] /
                        out->scales[out->scales.size() == 1 ? 0 : c]);
  dq.zeroPoints = broadcastTo<int64_t>(in->zeroPoints, channels);
  FailureOr<std::string> zp = zeroPointInput(e, dq);
  if (failed(zp))
    return failure();
  std::string real = e.freshName("real");
  onnx::NodeProto &node =
      e.addNode("DequantizeLinear",
                {e.name(op.getInput()),
                 e.f32Constant(dq.scales, dq.paramShape(), "multiplier"), *zp},
                {real});
  if (dq.axis)
    setIntAttr(node, "axis", *dq.axis);
  SmallVector<float> ones(out->scales.size(), 1.0f);
  return quantizeTo(e, real, e.f32Constant(ones, out->paramShape(), "one"),
                    *out, e.output());
}

static LogicalResult exportFakeQuant(q::FakeQuantOp op, NodeExporter &e) {
  FailureOr<QuantParams> p = quantParams(e, op.getQuantType());
  if (failed(p))
    return failure();
  std::string scale = e.f32Constant(p->scales, p->paramShape(), "scale");
  std::string q = e.freshName("quantized");
  if (failed(quantizeTo(e, e.name(op.getInput()), scale, *p, q)))
    return failure();
  FailureOr<std::string> zp = zeroPointInput(e, *p);
  if (failed(zp))
    return failure();
  onnx::NodeProto &node =
      e.addNode("DequantizeLinear", {q, scale, *zp}, {e.output()});
  if (p->axis)
    setIntAttr(node, "axis", *p->axis);
  return success();
}

static RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static LogicalResult exportQuantizeLinear(q::QuantizeLinearOp op,
                                          NodeExporter &e) {
  std::string x = e.name(op.getInput());
  // ONNX Runtime quantizes float only: q converts i32 to f32 first.
  if (!typeOf(op.getInput()).getElementType().isF32()) {
    std::string f = e.freshName("f32");
    setIntAttr(e.addNode("Cast", {x}, {f}), "to", onnx::TensorProto::FLOAT);
    x = f;
  }
  // Without a zero point ONNX quantizes to uint8: int8 needs a zero one.
  std::string zp = e.name(op.getZeroPoint());
  int32_t dataType = onnxDataType(typeOf(op.getOutput()).getElementType());
  if (!op.getZeroPoint() && dataType != onnx::TensorProto::UINT8) {
    RankedTensorType scaleType = typeOf(op.getScale());
    zp = e.intConstant(dataType,
                       SmallVector<int64_t>(scaleType.getNumElements(), 0),
                       scaleType.getShape(), "zero_point");
  }
  onnx::NodeProto &node =
      e.addNode("QuantizeLinear", {x, e.name(op.getScale()), zp}, {e.output()});
  if (std::optional<uint64_t> axis = op.getAxis())
    setIntAttr(node, "axis", *axis);
  return success();
}

static LogicalResult exportDequantizeLinear(q::DequantizeLinearOp op,
                                            NodeExporter &e) {
  onnx::NodeProto &node = e.addNodeOfOperands("DequantizeLinear");
  if (std::optional<uint64_t> axis = op.getAxis())
    setIntAttr(node, "axis", *axis);
  return success();
}

static LogicalResult exportRequantizeLinear(q::RequantizeLinearOp op,
                                            NodeExporter &e) {
  std::optional<uint64_t> axis = op.getAxis();
  std::string real = e.freshName("real");
  onnx::NodeProto &dq =
      e.addNode("DequantizeLinear",
                {e.name(op.getInput()), e.name(op.getMultiplier())}, {real});
  if (axis && typeOf(op.getMultiplier()).getNumElements() > 1)
    setIntAttr(dq, "axis", *axis);
  // QuantizeLinear's scale of 1 takes the zero point's shape.
  int32_t dataType = onnxDataType(typeOf(op.getOutput()).getElementType());
  std::string zp = e.name(op.getZeroPoint());
  SmallVector<int64_t> shape;
  if (Value z = op.getZeroPoint())
    shape.assign(typeOf(z).getShape().begin(), typeOf(z).getShape().end());
  else
    zp = e.intConstant(dataType, {0}, {}, "zero_point");
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  onnx::NodeProto &q = e.addNode(
      "QuantizeLinear",
      {real, e.f32Constant(SmallVector<float>(count, 1.0f), shape, "one"), zp},
      {e.output()});
  if (axis && count > 1)
    setIntAttr(q, "axis", *axis);
  return success();
}

static LogicalResult exportDynamicQuantize(q::DynamicQuantizeOp op,
                                           NodeExporter &e) {
  if (std::optional<uint64_t> axis = op.getAxis())
    return e.emitError() << "per-row dynamic quantization (axis = " << *axis
                         << ") has no ONNX operator: DynamicQuantizeLinear "
                            "computes one scale for the whole tensor";
  if (!typeOf(op.getOutput()).getElementType().isUnsignedInteger(8) ||
      op.getSymmetric())
    return e.emitError() << "DynamicQuantizeLinear quantizes to ui8 with a "
                            "zero point, not "
                         << (op.getSymmetric() ? "symmetrically " : "") << "to "
                         << typeOf(op.getOutput()).getElementType();
  e.addNodeOfOperands("DynamicQuantizeLinear");
  return success();
}

/// The name of zero point `zp`; a constant one holding one value several
/// times becomes a scalar (ONNX Runtime's ConvInteger takes no other weight
/// zero point than a per-tensor one, nor its MatMulInteger an A zero point
/// other than one).
static std::string zeroPointName(NodeExporter &e, Value zp) {
  auto cst = zp ? zp.getDefiningOp<q::ConstantOp>() : q::ConstantOp();
  auto dense = cst ? dyn_cast<DenseElementsAttr>(cst.getValue()) : nullptr;
  if (!dense || dense.getNumElements() < 2)
    return e.name(zp);
  auto values = dense.getValues<APInt>();
  APInt first = *values.begin();
  if (!llvm::all_of(values, [&](const APInt &v) { return v == first; }))
    return e.name(zp);
  return e.intConstant(onnxDataType(typeOf(zp).getElementType()),
                       {first.getSExtValue()}, {}, "zero_point");
}

static LogicalResult exportConvInteger(q::ConvIntegerOp op, NodeExporter &e) {
  onnx::NodeProto &node =
      e.addNode("ConvInteger",
                {e.name(op.getInput()), e.name(op.getWeight()),
                 zeroPointName(e, op.getInputZeroPoint()),
                 zeroPointName(e, op.getWeightZeroPoint())},
                {e.output()});
  setConvWindow(node, op.getWeight(), op.getStrides(), op.getPads(),
                op.getDilations(), op.getGroup());
  return success();
}

void registerQuantizationExporters(ExporterRegistry &r) {
  r.add<q::StorageCastOp>([](q::StorageCastOp op, NodeExporter &e) {
    e.alias(0, op.getInput());
    return success();
  });
  r.add<q::QuantizeOp>(exportQuantize);
  r.add<q::DequantizeOp>(exportDequantize);
  r.add<q::RequantizeOp>(exportRequantize);
  r.add<q::FakeQuantOp>(exportFakeQuant);
  r.add<q::QuantizeLinearOp>(exportQuantizeLinear);
  r.add<q::DequantizeLinearOp>(exportDequantizeLinear);
  r.add<q::RequantizeLinearOp>(exportRequantizeLinear);
  r.add<q::DynamicQuantizeOp>(exportDynamicQuantize);
  r.add<q::MatMulIntegerOp>([](q::MatMulIntegerOp op, NodeExporter &e) {
    e.addNode("MatMulInteger",
              {e.name(op.getLhs()), e.name(op.getRhs()),
               zeroPointName(e, op.getLhsZeroPoint()),
               e.name(op.getRhsZeroPoint())},
              {e.output()});
    return success();
  });
  r.add<q::ConvIntegerOp>(exportConvInteger);
}

} // namespace qmlir::onnx_export
