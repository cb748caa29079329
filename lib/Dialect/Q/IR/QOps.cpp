//===- QOps.cpp - q dialect operations ------------------------------------===//
//
// Part of qmlir. Verifiers for the rules that span several operands or
// attributes; single-operand constraints live in QOps.td.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qmlir::q;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

int64_t qmlir::q::windowOutputSize(int64_t inputSize, int64_t kernel,
                                   int64_t stride, int64_t padBegin,
                                   int64_t padEnd, int64_t dilation,
                                   bool ceilMode) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t room = inputSize + padBegin + padEnd - span;
  if (room < 0)
    return 0;
  int64_t out = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
  // A window must start inside the input or the begin padding.
  if (ceilMode && (out - 1) * stride >= inputSize + padBegin)
    --out;
  return out;
}

FailureOr<SmallVector<int64_t>>
qmlir::q::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::string qmlir::q::formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleave(shape, os, "x");
  os << "]";
  return s;
}

/// Appends the spatial output sizes of a sliding window op (conv, pooling)
/// over `in` ([N, C, D1, ...]) to `shape`; fails when a dilated window does
/// not fit in the padded input, which ONNX rejects too.
static LogicalResult
appendWindowOutputSizes(Operation *op, RankedTensorType in,
                        ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                        bool ceilMode, SmallVectorImpl<int64_t> &shape) {
  int64_t spatial = kernel.size();
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t size = in.getDimSize(2 + i);
    int64_t span = dilations[i] * (kernel[i] - 1) + 1;
    int64_t padded = size + pads[i] + pads[spatial + i];
    if (span > padded)
      return op->emitOpError("window of ")
             << span << " elements does not fit in dimension " << 2 + i
             << " of size " << size << " padded to " << padded;
    shape.push_back(windowOutputSize(size, kernel[i], strides[i], pads[i],
                                     pads[spatial + i], dilations[i],
                                     ceilMode));
  }
  return success();
}

/// Checks a quantized type against the shape of the tensor it describes.
static LogicalResult verifyQuantType(Operation *op, quant::QuantizedType qtype,
                                     ArrayRef<int64_t> shape) {
  int64_t rank = shape.size();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype)) {
    int32_t axis = perAxis.getQuantizedDimension();
    if (axis >= rank)
      return op->emitOpError("quantized dimension ")
             << axis << " is out of range for rank " << rank;
    if (static_cast<int64_t>(perAxis.getScales().size()) != shape[axis])
      return op->emitOpError("per-axis type has ")
             << perAxis.getScales().size() << " scales but dimension "
             << axis << " has size " << shape[axis];
  }
  if (auto block = dyn_cast<quant::UniformQuantizedSubChannelType>(qtype)) {
    // A dimension without a block size is one block.
    SmallVector<int64_t> expected(rank, 1);
    for (auto [axis, size] :
         llvm::zip(block.getQuantizedDimensions(), block.getBlockSizes())) {
      if (axis >= rank)
        return op->emitOpError("quantized dimension ")
               << axis << " is out of range for rank " << rank;
      if (shape[axis] % size != 0)
        return op->emitOpError("dimension ")
               << axis << " of size " << shape[axis]
               << " is not a multiple of its block size " << size;
      expected[axis] = shape[axis] / size;
    }
    ArrayRef<int64_t> scales = block.getScales().getType().getShape();
    if (scales != ArrayRef<int64_t>(expected))
      return op->emitOpError("sub-channel type has scales of shape ")
             << formatShape(scales) << " but a tensor of shape " << formatShape(shape)
             << " needs " << formatShape(expected);
  }
  return success();
}

/// The dimensions whose index selects the scale of a per-axis or sub-channel
/// quantized element type; empty for any other element type.
static SmallVector<int64_t> getQuantizedDims(Type elementType) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(elementType))
    return {perAxis.getQuantizedDimension()};
  if (auto block = dyn_cast<quant::UniformQuantizedSubChannelType>(elementType))
    return llvm::to_vector_of<int64_t>(block.getQuantizedDimensions());
  return {};
}

/// Checks the quantized types of the operands and results of a data movement
/// op against their shapes.
static LogicalResult verifyQuantTypes(Operation *op) {
  auto verifyType = [&](Type type) {
    auto tensor = cast<RankedTensorType>(type);
    if (auto qtype = dyn_cast<quant::QuantizedType>(tensor.getElementType()))
      return verifyQuantType(op, qtype, tensor.getShape());
    return success();
  };
  for (Type type : op->getOperandTypes())
    if (failed(verifyType(type)))
      return failure();
  for (Type type : op->getResultTypes())
    if (failed(verifyType(type)))
      return failure();
  return success();
}

/// A reshape keeps the element type, so with a per-axis or sub-channel type
/// every element must keep its index along each quantized dimension: that
/// dimension and the product of the ones after it must not change.
static LogicalResult verifyReshapeKeepsChannels(Operation *op,
                                                RankedTensorType in,
                                                RankedTensorType out) {
  ArrayRef<int64_t> a = in.getShape(), b = out.getShape();
  for (int64_t axis : getQuantizedDims(in.getElementType())) {
    auto inner = [&](ArrayRef<int64_t> shape) {
      int64_t n = 1;
      for (int64_t d : shape.drop_front(axis + 1))
        n *= d;
      return n;
    };
    if (axis >= static_cast<int64_t>(b.size()) || a[axis] != b[axis] ||
        inner(a) != inner(b))
      return op->emitOpError("reshape from ")
             << formatShape(a) << " to " << formatShape(b)
             << " moves elements across quantized dimension " << axis;
  }
  return success();
}

/// Checks a quantize (float input) or dequantize (float output): the same
/// shape, and the float type is the quantized type's expressed type.
static LogicalResult verifyFloatQuantPair(Operation *op, ShapedType in,
                                          ShapedType out) {
  if (in.getShape() != out.getShape())
    return op->emitOpError("input and output shapes differ: ")
           << formatShape(in.getShape()) << " vs " << formatShape(out.getShape());
  bool quantIn = isa<quant::QuantizedType>(in.getElementType());
  ShapedType quantType = quantIn ? in : out;
  Type floatElem = quantIn ? out.getElementType() : in.getElementType();
  auto qtype = cast<quant::QuantizedType>(quantType.getElementType());
  if (qtype.getExpressedType() != floatElem)
    return op->emitOpError("expressed type ")
           << qtype.getExpressedType() << " of the quantized type differs "
           << "from the float element type " << floatElem;
  return verifyQuantType(op, qtype, quantType.getShape());
}

//===----------------------------------------------------------------------===//
// Constant
//===----------------------------------------------------------------------===//

/// Whether an attribute of `valueElem` elements can hold a tensor of `elem`:
/// a quantized tensor holds its storage values, and integer attributes may be
/// signless for ui*/si* tensors.
static bool isValueElementTypeOf(Type valueElem, Type elem) {
  Type storage = elem;
  if (auto qtype = dyn_cast<quant::QuantizedType>(elem))
    storage = qtype.getStorageType();
  auto si = dyn_cast<IntegerType>(storage);
  auto vi = dyn_cast<IntegerType>(valueElem);
  return valueElem == storage || (si && vi && si.getWidth() == vi.getWidth());
}

bool ConstantOp::isBuildableWith(Attribute value, Type type) {
  auto elements = dyn_cast<ElementsAttr>(value);
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!elements || !tensor || !tensor.hasStaticShape())
    return false;
  ShapedType valueType = elements.getShapedType();
  return valueType.getShape() == tensor.getShape() &&
         isValueElementTypeOf(valueType.getElementType(),
                              tensor.getElementType());
}

LogicalResult ConstantOp::verify() {
  auto type = cast<RankedTensorType>(getType());
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getShape() != type.getShape())
    return emitOpError("value shape ")
           << formatShape(valueType.getShape()) << " differs from result shape "
           << formatShape(type.getShape());
  Type elem = type.getElementType();
  if (auto qtype = dyn_cast<quant::QuantizedType>(elem))
    if (failed(verifyQuantType(*this, qtype, type.getShape())))
      return failure();
  if (!isValueElementTypeOf(valueType.getElementType(), elem))
    return emitOpError("value element type ")
           << valueType.getElementType() << " does not match " << elem;
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  return verifyFloatQuantPair(*this, getInput().getType(),
                              getOutput().getType());
}

LogicalResult DequantizeOp::verify() {
  return verifyFloatQuantPair(*this, getInput().getType(),
                              getOutput().getType());
}

LogicalResult RequantizeOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("input and output shapes differ: ")
           << formatShape(in.getShape()) << " vs " << formatShape(out.getShape());
  auto qin = cast<quant::QuantizedType>(in.getElementType());
  auto qout = cast<quant::QuantizedType>(out.getElementType());
  if (qin.getExpressedType() != qout.getExpressedType())
    return emitOpError("input and output expressed types differ: ")
           << qin.getExpressedType() << " vs " << qout.getExpressedType();
  if (failed(verifyQuantType(*this, qin, in.getShape())) ||
      failed(verifyQuantType(*this, qout, out.getShape())))
    return failure();
  return success();
}

LogicalResult FakeQuantOp::verify() {
  auto type = getInput().getType();
  auto qtype = cast<quant::QuantizedType>(getQuantType());
  if (qtype.getExpressedType() != type.getElementType())
    return emitOpError("expressed type ")
           << qtype.getExpressedType() << " of quant_type differs from "
           << type.getElementType();
  return verifyQuantType(*this, qtype, type.getShape());
}

LogicalResult DynamicQuantizeOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("input and output shapes differ: ")
           << formatShape(in.getShape()) << " vs " << formatShape(out.getShape());
  auto storage = cast<IntegerType>(out.getElementType());
  if (storage.getWidth() != 8)
    return emitOpError("storage type must be 8 bits wide, got ") << storage;
  if (getZeroPoint().getType().getElementType() != storage)
    return emitOpError("zero point element type ")
           << getZeroPoint().getType().getElementType()
           << " differs from the storage type " << storage;
  if (getSymmetric() && storage.isUnsigned())
    return emitOpError("symmetric quantization needs a signed storage type");
  SmallVector<int64_t> paramShape;
  if (std::optional<int64_t> axis = getAxis()) {
    if (*axis < 0 || *axis >= in.getRank())
      return emitOpError("axis ") << *axis << " out of range for rank "
                                  << in.getRank();
    paramShape.push_back(in.getDimSize(*axis));
  }
  if (getScale().getType().getShape() != ArrayRef<int64_t>(paramShape) ||
      getZeroPoint().getType().getShape() != ArrayRef<int64_t>(paramShape))
    return emitOpError("scale and zero point must have shape ")
           << formatShape(paramShape);
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyBroadcast(Operation *op) {
  auto lhs = cast<ShapedType>(op->getOperand(0).getType());
  auto rhs = cast<ShapedType>(op->getOperand(1).getType());
  auto res = cast<ShapedType>(op->getResult(0).getType());
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return op->emitOpError("operand shapes ")
           << formatShape(lhs.getShape()) << " and " << formatShape(rhs.getShape())
           << " do not broadcast";
  if (ArrayRef<int64_t>(*shape) != res.getShape())
    return op->emitOpError("result shape ")
           << formatShape(res.getShape()) << " differs from the broadcast shape "
           << formatShape(*shape);
  return success();
}

LogicalResult AddOp::verify() { return verifyBroadcast(*this); }
LogicalResult SubOp::verify() { return verifyBroadcast(*this); }
LogicalResult MulOp::verify() { return verifyBroadcast(*this); }
LogicalResult DivOp::verify() { return verifyBroadcast(*this); }

LogicalResult ClipOp::verify() {
  auto type = getInput().getType();
  if (getOutput().getType() != type)
    return emitOpError("result type ")
           << getOutput().getType() << " differs from input type " << type;
  for (Value bound : {getMin(), getMax()}) {
    if (!bound)
      continue;
    auto bt = cast<RankedTensorType>(bound.getType());
    if (bt.getRank() != 0 || bt.getElementType() != type.getElementType())
      return emitOpError("bounds must be 0-d tensors of ")
             << type.getElementType() << ", got " << bt;
  }
  return success();
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  // I64Attr reads back as uint64_t; the axis is signed.
  int64_t axis = getAxis();
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

LogicalResult qmlir::q::verifyMatMulShapes(Operation *op, ArrayRef<int64_t> a,
                                           ArrayRef<int64_t> b,
                                           ArrayRef<int64_t> result) {
  if (a.empty() || b.empty())
    return op->emitOpError("operands must have rank >= 1");
  // A 1-D operand is promoted to a matrix, and that dimension dropped.
  SmallVector<int64_t> a2(a), b2(b);
  if (a.size() == 1)
    a2.insert(a2.begin(), 1);
  if (b.size() == 1)
    b2.push_back(1);
  int64_t k1 = a2.back(), k2 = b2[b2.size() - 2];
  if (k1 != k2)
    return op->emitOpError("contraction dimensions differ: ")
           << k1 << " vs " << k2;
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(
      ArrayRef<int64_t>(a2).drop_back(2), ArrayRef<int64_t>(b2).drop_back(2));
  if (failed(batch))
    return op->emitOpError("batch dimensions do not broadcast");
  SmallVector<int64_t> expected(*batch);
  if (a.size() != 1)
    expected.push_back(a2[a2.size() - 2]);
  if (b.size() != 1)
    expected.push_back(b2.back());
  if (ArrayRef<int64_t>(expected) != result)
    return op->emitOpError("result shape ")
           << formatShape(result) << " differs from the expected "
           << formatShape(expected);
  return success();
}

LogicalResult MatMulOp::verify() {
  return verifyMatMulShapes(*this, getLhs().getType().getShape(),
                            getRhs().getType().getShape(),
                            getResult().getType().getShape());
}

LogicalResult GemmOp::verify() {
  auto a = getA().getType(), b = getB().getType();
  auto res = getResult().getType();
  if (a.getRank() != 2 || b.getRank() != 2 || res.getRank() != 2)
    return emitOpError("A, B and the result must be 2-D");
  Type elem = a.getElementType();
  if (b.getElementType() != elem || res.getElementType() != elem ||
      (getC() && getC().getType().getElementType() != elem))
    return emitOpError("operands and result must share the element type");
  int64_t m = getTransA() ? a.getDimSize(1) : a.getDimSize(0);
  int64_t ka = getTransA() ? a.getDimSize(0) : a.getDimSize(1);
  int64_t kb = getTransB() ? b.getDimSize(1) : b.getDimSize(0);
  int64_t n = getTransB() ? b.getDimSize(0) : b.getDimSize(1);
  if (ka != kb)
    return emitOpError("contraction dimensions differ: ") << ka << " vs "
                                                          << kb;
  if (res.getShape() != ArrayRef<int64_t>{m, n})
    return emitOpError("result shape ")
           << formatShape(res.getShape()) << " differs from the expected "
           << formatShape({m, n});
  if (Value c = getC()) {
    ArrayRef<int64_t> cs = cast<ShapedType>(c.getType()).getShape();
    FailureOr<SmallVector<int64_t>> shape = broadcastShapes(cs, {m, n});
    if (cs.size() > 2 || failed(shape) ||
        ArrayRef<int64_t>(*shape) != ArrayRef<int64_t>{m, n})
      return emitOpError("C of shape ")
             << formatShape(cs) << " does not broadcast to " << formatShape({m, n});
  }
  return success();
}

LogicalResult ConvOp::verify() {
  auto in = getInput().getType();
  auto w = getWeight().getType();
  auto out = getOutput().getType();
  int64_t rank = in.getRank();
  if (rank < 3)
    return emitOpError("input must be [N, C, D1, ...], got rank ") << rank;
  if (w.getRank() != rank || out.getRank() != rank)
    return emitOpError("input, weight and output must have the same rank");
  Type elem = in.getElementType();
  if (w.getElementType() != elem || out.getElementType() != elem ||
      (getBias() && getBias().getType().getElementType() != elem))
    return emitOpError("operands and result must share the element type");
  int64_t spatial = rank - 2;
  if (static_cast<int64_t>(getStrides().size()) != spatial ||
      static_cast<int64_t>(getDilations().size()) != spatial ||
      static_cast<int64_t>(getPads().size()) != 2 * spatial)
    return emitOpError("expects ")
           << spatial << " strides and dilations and " << 2 * spatial
           << " pads";
  if (llvm::any_of(getStrides(), [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(getDilations(), [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(getPads(), [](int64_t p) { return p < 0; }))
    return emitOpError("strides and dilations must be positive and pads "
                       "non-negative");
  int64_t group = getGroup();
  int64_t c = in.getDimSize(1), m = w.getDimSize(0);
  if (c != w.getDimSize(1) * group)
    return emitOpError("input has ")
           << c << " channels but weight expects " << w.getDimSize(1)
           << " per group x " << group << " groups";
  if (m % group != 0)
    return emitOpError("output channels ")
           << m << " are not divisible by group " << group;
  if (Value bias = getBias()) {
    auto bt = cast<RankedTensorType>(bias.getType());
    if (bt.getRank() != 1 || bt.getDimSize(0) != m)
      return emitOpError("bias must be [") << m << "], got " << bt;
  }
  SmallVector<int64_t> expected = {in.getDimSize(0), m};
  if (failed(appendWindowOutputSizes(*this, in, w.getShape().drop_front(2),
                                     getStrides(), getPads(), getDilations(),
                                     /*ceilMode=*/false, expected)))
    return failure();
  if (ArrayRef<int64_t>(expected) != out.getShape())
    return emitOpError("result shape ")
           << formatShape(out.getShape()) << " differs from the expected "
           << formatShape(expected);
  return success();
}

LogicalResult BatchNormOp::verify() {
  auto in = getInput().getType();
  if (in.getRank() < 2)
    return emitOpError("input must be [N, C, ...]");
  if (getOutput().getType() != in)
    return emitOpError("result type must equal the input type");
  int64_t c = in.getDimSize(1);
  for (Value v : {getScale(), getBias(), getMean(), getVariance()}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != c ||
        t.getElementType() != in.getElementType())
      return emitOpError("scale, bias, mean and variance must be [")
             << c << "] of " << in.getElementType() << ", got " << t;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  auto out = cast<RankedTensorType>(op.getOutput().getType());
  int64_t rank = in.getRank();
  if (rank < 3 || out.getRank() != rank)
    return op.emitOpError("input and output must be [N, C, D1, ...]");
  int64_t spatial = rank - 2;
  if (static_cast<int64_t>(op.getKernelShape().size()) != spatial ||
      static_cast<int64_t>(op.getStrides().size()) != spatial ||
      static_cast<int64_t>(op.getDilations().size()) != spatial ||
      static_cast<int64_t>(op.getPads().size()) != 2 * spatial)
    return op.emitOpError("expects ")
           << spatial << " kernel sizes, strides and dilations and "
           << 2 * spatial << " pads";
  if (llvm::any_of(op.getKernelShape(), [](int64_t k) { return k <= 0; }) ||
      llvm::any_of(op.getStrides(), [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(op.getDilations(), [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(op.getPads(), [](int64_t p) { return p < 0; }))
    return op.emitOpError("kernel sizes, strides and dilations must be "
                          "positive and pads non-negative");
  for (int64_t i = 0; i < spatial; ++i)
    if (op.getPads()[i] >= op.getKernelShape()[i] ||
        op.getPads()[spatial + i] >= op.getKernelShape()[i])
      return op.emitOpError("pads must be smaller than the kernel");
  SmallVector<int64_t> expected = {in.getDimSize(0), in.getDimSize(1)};
  if (failed(appendWindowOutputSizes(
          op, in, op.getKernelShape(), op.getStrides(), op.getPads(),
          op.getDilations(), op.getCeilMode(), expected)))
    return failure();
  if (ArrayRef<int64_t>(expected) != out.getShape())
    return op.emitOpError("result shape ")
           << formatShape(out.getShape()) << " differs from the expected "
           << formatShape(expected);
  return success();
}

LogicalResult MaxPoolOp::verify() { return verifyPool(*this); }
LogicalResult AveragePoolOp::verify() { return verifyPool(*this); }

LogicalResult GlobalAveragePoolOp::verify() {
  auto in = getInput().getType();
  if (in.getRank() < 3)
    return emitOpError("input must be [N, C, D1, ...]");
  SmallVector<int64_t> expected(in.getShape());
  std::fill(expected.begin() + 2, expected.end(), 1);
  if (ArrayRef<int64_t>(expected) != getOutput().getType().getShape())
    return emitOpError("result shape ")
           << formatShape(getOutput().getType().getShape())
           << " differs from the expected " << formatShape(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << formatShape(in.getShape()) << " (" << in.getNumElements()
           << " elements) to " << formatShape(out.getShape()) << " ("
           << out.getNumElements() << " elements)";
  if (failed(verifyQuantTypes(*this)))
    return failure();
  return verifyReshapeKeepsChannels(*this, in, out);
}

LogicalResult FlattenOp::verify() {
  auto in = getInput().getType();
  int64_t rank = in.getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis > rank)
    return emitOpError("axis ") << axis << " out of range [0, " << rank
                                << "]";
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= in.getDimSize(i);
  if (getOutput().getType().getShape() != ArrayRef<int64_t>{outer, inner})
    return emitOpError("result shape ")
           << formatShape(getOutput().getType().getShape())
           << " differs from the expected " << formatShape({outer, inner});
  if (failed(verifyQuantTypes(*this)))
    return failure();
  return verifyReshapeKeepsChannels(*this, in, getOutput().getType());
}

LogicalResult TransposeOp::verify() {
  auto in = getInput().getType();
  ArrayRef<int64_t> perm = getPerm();
  if (static_cast<int64_t>(perm.size()) != in.getRank())
    return emitOpError("perm has ")
           << perm.size() << " entries for rank " << in.getRank();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOpError("perm is not a permutation of [0, ")
             << in.getRank() << ")";
    seen[p] = true;
    expected.push_back(in.getDimSize(p));
  }
  if (ArrayRef<int64_t>(expected) != getOutput().getType().getShape())
    return emitOpError("result shape ")
           << formatShape(getOutput().getType().getShape())
           << " differs from the expected " << formatShape(expected);
  if (failed(verifyQuantTypes(*this)))
    return failure();
  // The result keeps the element type, so a quantized dimension stays put.
  for (int64_t axis : getQuantizedDims(in.getElementType()))
    if (perm[axis] != axis)
      return emitOpError("perm moves quantized dimension ") << axis;
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto first = cast<RankedTensorType>(getInputs().front().getType());
  int64_t rank = first.getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  SmallVector<int64_t> expected(first.getShape());
  expected[axis] = 0;
  for (Value v : getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != rank)
      return emitOpError("inputs must have the same rank");
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis && t.getDimSize(i) != first.getDimSize(i))
        return emitOpError("inputs differ in dimension ")
               << i << " (" << first.getDimSize(i) << " vs "
               << t.getDimSize(i) << ")";
    expected[axis] += t.getDimSize(axis);
  }
  if (ArrayRef<int64_t>(expected) != getOutput().getType().getShape())
    return emitOpError("result shape ")
           << formatShape(getOutput().getType().getShape())
           << " differs from the expected " << formatShape(expected);
  if (getInputs().size() > 1 &&
      llvm::is_contained(getQuantizedDims(first.getElementType()), axis))
    return emitOpError("cannot concatenate along quantized dimension ")
           << axis << " (the scales are part of the element type)";
  return verifyQuantTypes(*this);
}

#define GET_OP_CLASSES
#include "qmlir/Dialect/Q/IR/QOps.cpp.inc"
