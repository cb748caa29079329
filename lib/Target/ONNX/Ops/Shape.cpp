//===- Shape.cpp - ONNX shape and data movement ops -----------------------===//
//
// Part of qmlir. Reshape, Flatten, Transpose, Concat, Squeeze, Unsqueeze,
// Split, Slice, Gather, GatherElements, Pad, Expand, Tile, Shape, Size,
// ConstantOfShape, Range, Trilu, DepthToSpace and SpaceToDepth. Target
// shapes come from ONNX shape inference, which folds constant shape inputs;
// a shape known only at run time is an error. Shape, Size, ConstantOfShape
// and Range become constants later nodes can read; Squeeze and Unsqueeze
// are reshapes, Split a set of slices, Tile reshapes around an expand, and
// DepthToSpace/SpaceToDepth reshape-transpose-reshape.
//
// Export: each q op of this family is one ONNX node, with the shapes, pads
// and slice bounds it fixes as INT64 initializers.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "StaticInputs.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Target/ONNX/TensorProto.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace qmlir::onnx_import {

static std::string formatInts(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(values))
    s += (i ? ", " : "") + std::to_string(v);
  return s + "]";
}

/// Checks that the result type ONNX inferred is the one the op computes.
static LogicalResult checkInferred(NodeImporter &n, RankedTensorType inferred,
                                   ArrayRef<int64_t> computed) {
  if (inferred.getShape() != computed)
    return n.emitError() << "computed output shape " << formatInts(computed)
                         << " differs from ONNX's inferred "
                         << formatInts(inferred.getShape());
  return success();
}

static LogicalResult importReshape(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  if (n.getOpset() >= 5 && !n.constantInput(1))
    return n.emitError() << "the target shape '" << n.proto().input(1)
                         << "' depends on run-time data; qmlir needs static "
                            "shapes (make it an initializer or a Constant)";
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  n.setOutput(0, q::ReshapeOp::create(n.b(), n.getLoc(), type, x));
  return success();
}

static LogicalResult importFlatten(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  int64_t axis = n.attrInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return n.emitError() << "axis " << n.attrInt("axis", 1)
                         << " out of range for rank " << rank;
  n.setOutput(0, q::FlattenOp::create(n.b(), n.getLoc(), type, x, axis));
  return success();
}

static LogicalResult importTranspose(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> perm = n.attrInts("perm");
  if (!n.hasAttr("perm"))
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  n.setOutput(0, q::TransposeOp::create(n.b(), n.getLoc(), type, x, perm));
  return success();
}

static LogicalResult importConcat(NodeImporter &n) {
  SmallVector<Value> inputs;
  for (int i = 0; i < n.numInputs(); ++i) {
    Value v = n.input(i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  std::optional<int64_t> axis =
      normalizeAxis(n.attrInt("axis", 0), type.getRank());
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", 0)
                         << " out of range for rank " << type.getRank();
  n.setOutput(0, q::ConcatOp::create(n.b(), n.getLoc(), type, inputs, *axis));
  return success();
}

//===----------------------------------------------------------------------===//
// Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

/// Squeeze and Unsqueeze only reshape: the result type is ONNX's inferred
/// one; the axes (an attribute before opset 13, an input since) must be
/// known at compile time.
static LogicalResult importSqueezeLike(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  if (n.getOpset() >= 13 && n.hasInput(1) && !staticInts(n, 1, "axes"))
    return failure();
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  n.setOutput(0, q::ReshapeOp::create(n.b(), n.getLoc(), type, x));
  return success();
}

//===----------------------------------------------------------------------===//
// Split, Slice
//===----------------------------------------------------------------------===//

/// A q.slice of `x` with unit steps, starting at `offset` along `axis`.
static Value sliceAlong(NodeImporter &n, Value x, RankedTensorType type,
                        int64_t axis, int64_t offset) {
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts(rank, 0), steps(rank, 1);
  starts[axis] = offset;
  return q::SliceOp::create(n.b(), n.getLoc(), type, x, starts, steps);
}

static LogicalResult importSplit(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t rank = inType.getRank();
  std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", 0), rank);
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", 0)
                         << " out of range for rank " << rank;
  int64_t dim = inType.getDimSize(*axis);
  int numOutputs = n.numOutputs();
  // The sizes: the `split` input (opset 13+, and optional in opset 1), the
  // `split` attribute (opsets 2 to 12), or equal parts.
  SmallVector<int64_t> sizes;
  if (n.hasInput(1)) {
    std::optional<SmallVector<int64_t>> split = staticInts(n, 1, "split");
    if (!split)
      return failure();
    sizes = *split;
  } else if (n.hasAttr("split")) {
    sizes = n.attrInts("split");
  } else {
    if (dim % numOutputs != 0)
      return n.emitError() << "dimension " << *axis << " of size " << dim
                           << " does not split into " << numOutputs
                           << " equal parts";
    sizes.assign(numOutputs, dim / numOutputs);
  }
  int64_t total = 0;
  for (int64_t s : sizes)
    total += s;
  if (static_cast<int>(sizes.size()) != numOutputs || total != dim ||
      llvm::any_of(sizes, [](int64_t s) { return s < 0; }))
    return n.emitError() << "split sizes " << formatInts(sizes) << " do not "
                         << "divide dimension " << *axis << " of size " << dim
                         << " into " << numOutputs << " outputs";
  int64_t offset = 0;
  for (int i = 0; i < numOutputs; ++i) {
    SmallVector<int64_t> shape(inType.getShape());
    shape[*axis] = sizes[i];
    if (n.hasOutput(i)) {
      RankedTensorType type = n.outputType(i);
      if (!type || failed(checkInferred(n, type, shape)))
        return failure();
      n.setOutput(i, sliceAlong(n, x, type, *axis, offset));
    }
    offset += sizes[i];
  }
  return success();
}

static LogicalResult importSlice(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t rank = inType.getRank();
  // Opset 1 has attributes; opset 10+ inputs (axes and steps optional).
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.getOpset() < 10) {
    starts = n.attrInts("starts");
    ends = n.attrInts("ends");
    axes = n.attrInts("axes");
  } else {
    std::optional<SmallVector<int64_t>> s = staticInts(n, 1, "starts");
    if (!s)
      return failure();
    std::optional<SmallVector<int64_t>> e = staticInts(n, 2, "ends");
    if (!e)
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      std::optional<SmallVector<int64_t>> a = staticInts(n, 3, "axes");
      if (!a)
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      std::optional<SmallVector<int64_t>> st = staticInts(n, 4, "steps");
      if (!st)
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.emitError() << "starts, ends, axes and steps differ in length ("
                         << starts.size() << ", " << ends.size() << ", "
                         << axes.size() << ", " << steps.size() << ")";

  SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1);
  SmallVector<int64_t> shape(inType.getShape());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    std::optional<int64_t> axis = normalizeAxis(axes[i], rank);
    if (!axis || seen[*axis])
      return n.emitError() << "axes " << formatInts(axes)
                           << " are out of range for rank " << rank
                           << " or repeated";
    seen[*axis] = true;
    int64_t dim = inType.getDimSize(*axis), step = steps[i];
    if (step == 0)
      return n.emitError() << "step 0 along axis " << *axis;
    // ONNX's rules: negative positions count from the end, then starts and
    // ends are clamped to [0, dim] (positive steps) or [-1, dim - 1].
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start = start < -dim ? -1 : start + dim;
    if (end < 0)
      end = end < -dim ? -1 : end + dim;
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end - step - 1) / -step : 0;
    }
    outStarts[*axis] = size > 0 ? start : 0;
    outSteps[*axis] = step;
    shape[*axis] = size;
  }
  RankedTensorType type = n.outputType();
  if (!type || failed(checkInferred(n, type, shape)))
    return failure();
  n.setOutput(
      0, q::SliceOp::create(n.b(), n.getLoc(), type, x, outStarts, outSteps));
  return success();
}

//===----------------------------------------------------------------------===//
// Gather, GatherElements
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult importGatherLike(NodeImporter &n) {
  Value x = n.input(0), indices = n.input(1);
  RankedTensorType type = n.outputType();
  if (!x || !indices || !type)
    return failure();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", 0), rank);
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", 0)
                         << " out of range for rank " << rank;
  n.setOutput(0, OpTy::create(n.b(), n.getLoc(), type, x, indices, *axis));
  return success();
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// A 0-d q.constant of `elem` holding `value` (Pad's `value` attribute
/// before opset 11).
static Value scalarConstant(NodeImporter &n, Type elem, double value) {
  Type storage = elem;
  if (auto qtype = dyn_cast<quant::QuantizedType>(elem))
    storage = qtype.getStorageType();
  if (auto it = dyn_cast<IntegerType>(storage); it && !it.isSignless())
    storage = IntegerType::get(elem.getContext(), it.getWidth());
  auto storageType = RankedTensorType::get({}, storage);
  Attribute attr;
  if (auto ft = dyn_cast<FloatType>(storage))
    attr = DenseElementsAttr::get(storageType, FloatAttr::get(ft, value));
  else
    attr = DenseElementsAttr::get(
        storageType, IntegerAttr::get(storage, static_cast<int64_t>(value)));
  return q::ConstantOp::create(n.b(), n.getLoc(),
                               RankedTensorType::get({}, elem),
                               cast<ElementsAttr>(attr));
}

static LogicalResult importPad(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t rank = inType.getRank();
  std::string mode = n.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return n.emitError() << "mode '" << mode
                         << "' is unsupported (supported: constant, "
                            "reflect, edge)";
  // Pads: `paddings` (opset 1), `pads` (opsets 2 to 10), an input (11+).
  SmallVector<int64_t> pads;
  Value value;
  if (n.getOpset() < 11) {
    pads = n.attrInts(n.getOpset() < 2 ? "paddings" : "pads");
    double v = n.attrFloat("value", 0.0);
    if (mode == "constant" && v != 0.0)
      value = scalarConstant(n, inType.getElementType(), v);
  } else {
    std::optional<SmallVector<int64_t>> p = staticInts(n, 1, "pads");
    if (!p)
      return failure();
    pads = *p;
    if (mode == "constant" && n.hasInput(2)) {
      value = n.input(2);
      if (!value)
        return failure();
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return n.emitError() << "pads " << formatInts(pads) << " need " << 2 * rank
                         << " values for rank " << rank;
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  // Negative pads crop: a slice first, then the non-negative pads.
  SmallVector<int64_t> starts(rank, 0), steps(rank, 1), cropped;
  SmallVector<int64_t> positive(2 * rank);
  bool crops = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t begin = pads[d], end = pads[rank + d];
    int64_t size = inType.getDimSize(d) + std::min<int64_t>(begin, 0) +
                   std::min<int64_t>(end, 0);
    if (size < 0)
      return n.emitError() << "pads " << formatInts(pads)
                           << " crop more than dimension " << d << " holds";
    crops |= begin < 0 || end < 0;
    starts[d] = std::max<int64_t>(-begin, 0);
    cropped.push_back(size);
    positive[d] = std::max<int64_t>(begin, 0);
    positive[rank + d] = std::max<int64_t>(end, 0);
  }
  if (crops)
    x = q::SliceOp::create(
        n.b(), n.getLoc(),
        RankedTensorType::get(cropped, inType.getElementType()), x, starts,
        steps);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(cropped[d] + positive[d] + positive[rank + d]);
  if (failed(checkInferred(n, type, shape)))
    return failure();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t p = std::max(positive[d], positive[rank + d]);
    if (mode == "reflect" && p > 0 && p >= cropped[d])
      return n.emitError() << "reflect pads of " << p << " along dimension "
                           << d << " of size " << cropped[d]
                           << " are unsupported (a pad must be smaller than "
                              "its dimension)";
    if (mode == "edge" && p > 0 && cropped[d] == 0)
      return n.emitError() << "edge pads of the empty dimension " << d;
  }
  n.setOutput(
      0, q::PadOp::create(n.b(), n.getLoc(), type, x, value, positive, mode));
  return success();
}

//===----------------------------------------------------------------------===//
// Expand, Tile
//===----------------------------------------------------------------------===//

static LogicalResult importExpand(NodeImporter &n) {
  Value x = n.input(0);
  if (!x || !staticInts(n, 1, "target shape"))
    return failure();
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  n.setOutput(0, q::ExpandOp::create(n.b(), n.getLoc(), type, x));
  return success();
}

/// Tile(x, r) as reshape(expand(reshape(x, [1, d0, 1, d1, ...]),
/// [r0, d0, r1, d1, ...]), [r0 * d0, r1 * d1, ...]) (dimensions repeated
/// once stay single).
static LogicalResult importTile(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  if (n.getOpset() < 6)
    return n.emitError() << "Tile before opset 6 (tiles and axis inputs) is "
                            "unsupported";
  std::optional<SmallVector<int64_t>> repeats = staticInts(n, 1, "repeats");
  if (!repeats)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t rank = inType.getRank();
  if (static_cast<int64_t>(repeats->size()) != rank ||
      llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return n.emitError() << "repeats " << formatInts(*repeats)
                         << " need one non-negative value per dimension "
                            "(rank "
                         << rank << ")";
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  SmallVector<int64_t> split, expanded, shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t r = (*repeats)[d], size = inType.getDimSize(d);
    if (r != 1) {
      split.push_back(1);
      expanded.push_back(r);
    }
    split.push_back(size);
    expanded.push_back(size);
    shape.push_back(r * size);
  }
  if (failed(checkInferred(n, type, shape)))
    return failure();
  Type elem = inType.getElementType();
  Value v = x;
  if (split.size() != static_cast<size_t>(rank)) {
    v = q::ReshapeOp::create(n.b(), n.getLoc(),
                             RankedTensorType::get(split, elem), v);
    v = q::ExpandOp::create(n.b(), n.getLoc(),
                            RankedTensorType::get(expanded, elem), v);
    v = q::ReshapeOp::create(n.b(), n.getLoc(), type, v);
  }
  n.setOutput(0, v);
  return success();
}

//===----------------------------------------------------------------------===//
// Shape, Size, ConstantOfShape, Range: constants
//===----------------------------------------------------------------------===//

/// A TensorProto of `dims` holding `bytes` in `dataType`'s layout.
static onnx::TensorProto makeTensor(int32_t dataType, ArrayRef<int64_t> dims,
                                    std::string bytes) {
  onnx::TensorProto t;
  t.set_data_type(dataType);
  for (int64_t d : dims)
    t.add_dims(d);
  t.set_raw_data(std::move(bytes));
  return t;
}

static LogicalResult importShape(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(x.getType()).getShape();
  int64_t rank = shape.size();
  // Opset 15's start and end, clamped to [0, rank] after counting negative
  // ones from the end.
  auto clampEnd = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampEnd(n.attrInt("start", 0));
  int64_t end = clampEnd(n.attrInt("end", rank));
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back(shape[i]);
  std::string bytes(reinterpret_cast<const char *>(dims.data()),
                    dims.size() * sizeof(int64_t));
  return n.setConstantOutput(0, makeTensor(onnx::TensorProto::INT64,
                                           {static_cast<int64_t>(dims.size())},
                                           std::move(bytes)));
}

static LogicalResult importSize(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  int64_t size = cast<RankedTensorType>(x.getType()).getNumElements();
  std::string bytes(reinterpret_cast<const char *>(&size), sizeof(size));
  return n.setConstantOutput(
      0, makeTensor(onnx::TensorProto::INT64, {}, std::move(bytes)));
}

static LogicalResult importConstantOfShape(NodeImporter &n) {
  std::optional<SmallVector<int64_t>> shape = staticInts(n, 0, "shape");
  if (!shape)
    return failure();
  DecodedTensor value;
  if (const onnx::TensorProto *attr = n.attrTensor("value")) {
    std::string error;
    if (!decodeTensorProto(*attr, "", value, error))
      return n.emitError() << "cannot read the value attribute: " << error;
    if (value.numElements() != 1)
      return n.emitError() << "the value attribute must hold one element, "
                              "got "
                           << value.numElements();
  } else {
    float zero = 0;
    value.dataType = onnx::TensorProto::FLOAT;
    value.bytes.assign(reinterpret_cast<const char *>(&zero), sizeof(zero));
  }
  int64_t count = 1;
  for (int64_t d : *shape) {
    if (d < 0)
      return n.emitError() << "shape " << formatInts(*shape)
                           << " has a negative dimension";
    count *= d;
  }
  std::string bytes;
  bytes.reserve(count * value.bytes.size());
  for (int64_t i = 0; i < count; ++i)
    bytes += value.bytes;
  return n.setConstantOutput(
      0, makeTensor(value.dataType, *shape, std::move(bytes)));
}

/// start, start + delta, ... up to limit (excluded), in `T`.
template <typename T> static std::string rangeBytes(T start, T limit, T delta) {
  double count =
      std::ceil((static_cast<double>(limit) - static_cast<double>(start)) /
                static_cast<double>(delta));
  int64_t n = std::max<int64_t>(0, static_cast<int64_t>(count));
  std::string bytes(n * sizeof(T), '\0');
  for (int64_t i = 0; i < n; ++i) {
    T v = static_cast<T>(start + static_cast<T>(i) * delta);
    std::memcpy(&bytes[i * sizeof(T)], &v, sizeof(T));
  }
  return bytes;
}

static LogicalResult importRange(NodeImporter &n) {
  // The three scalars fix the output's length: all must be constants.
  for (int i = 0; i < 3; ++i)
    if (!n.constantInput(i))
      return runtimeShapeInputError(n, i,
                                    i == 0   ? "start"
                                    : i == 1 ? "limit"
                                             : "delta");
  int32_t dataType = n.constantInput(0)->data_type();
  std::string bytes;
  if (dataType == onnx::TensorProto::FLOAT ||
      dataType == onnx::TensorProto::DOUBLE) {
    auto s = n.constantFloats(0), l = n.constantFloats(1),
         d = n.constantFloats(2);
    if (!s || !l || !d || s->size() != 1 || l->size() != 1 || d->size() != 1)
      return n.emitError() << "start, limit and delta must be scalars";
    if ((*d)[0] == 0)
      return n.emitError() << "delta is zero";
    bytes = dataType == onnx::TensorProto::FLOAT
                ? rangeBytes<float>((*s)[0], (*l)[0], (*d)[0])
                : rangeBytes<double>((*s)[0], (*l)[0], (*d)[0]);
  } else if (dataType == onnx::TensorProto::INT32 ||
             dataType == onnx::TensorProto::INT64) {
    auto s = n.constantInts(0), l = n.constantInts(1), d = n.constantInts(2);
    if (!s || !l || !d || s->size() != 1 || l->size() != 1 || d->size() != 1)
      return n.emitError() << "start, limit and delta must be scalars";
    if ((*d)[0] == 0)
      return n.emitError() << "delta is zero";
    bytes = dataType == onnx::TensorProto::INT32
                ? rangeBytes<int32_t>((*s)[0], (*l)[0], (*d)[0])
                : rangeBytes<int64_t>((*s)[0], (*l)[0], (*d)[0]);
  } else {
    return n.emitError() << "Range of " << onnxTypeName(dataType)
                         << " is unsupported (supported: float, double, "
                            "int32, int64)";
  }
  int64_t count = bytes.size() / onnxElementSize(dataType);
  return n.setConstantOutput(0, makeTensor(dataType, {count}, bytes));
}

//===----------------------------------------------------------------------===//
// Trilu, DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

static LogicalResult importTrilu(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  // k is data: it may be computed at run time.
  Value k;
  if (n.hasInput(1) && !(k = n.input(1)))
    return failure();
  if (k && cast<RankedTensorType>(k.getType()).getRank() != 0)
    return n.emitError() << "k must be a scalar";
  n.setOutput(0, q::TriluOp::create(n.b(), n.getLoc(), type, x, k,
                                    n.attrInt("upper", 1) != 0));
  return success();
}

/// reshape(x, `split`), transpose by `perm`, reshape to the output type.
static LogicalResult importBlockShuffle(NodeImporter &n, Value x,
                                        ArrayRef<int64_t> split,
                                        ArrayRef<int64_t> perm,
                                        ArrayRef<int64_t> outShape) {
  RankedTensorType type = n.outputType();
  if (!type || failed(checkInferred(n, type, outShape)))
    return failure();
  Type elem = type.getElementType();
  SmallVector<int64_t> permuted;
  for (int64_t p : perm)
    permuted.push_back(split[p]);
  Value v = q::ReshapeOp::create(n.b(), n.getLoc(),
                                 RankedTensorType::get(split, elem), x);
  v = q::TransposeOp::create(n.b(), n.getLoc(),
                             RankedTensorType::get(permuted, elem), v, perm);
  n.setOutput(0, q::ReshapeOp::create(n.b(), n.getLoc(), type, v));
  return success();
}

static LogicalResult importDepthToSpace(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t b = n.attrInt("blocksize", 0);
  if (inType.getRank() != 4)
    return n.emitError() << "input must have rank 4, got " << inType.getRank();
  int64_t N = inType.getDimSize(0), C = inType.getDimSize(1),
          H = inType.getDimSize(2), W = inType.getDimSize(3);
  if (b <= 0 || C % (b * b) != 0)
    return n.emitError() << "blocksize " << b << " does not divide the " << C
                         << " channels into blocks of blocksize^2";
  std::string mode = n.attrString("mode", "DCR");
  int64_t c = C / (b * b);
  SmallVector<int64_t> out = {N, c, H * b, W * b};
  if (mode == "DCR")
    return importBlockShuffle(n, x, {N, b, b, c, H, W}, {0, 3, 4, 1, 5, 2},
                              out);
  if (mode == "CRD")
    return importBlockShuffle(n, x, {N, c, b, b, H, W}, {0, 1, 4, 2, 5, 3},
                              out);
  return n.emitError() << "mode '" << mode
                       << "' is unsupported (supported: DCR, CRD)";
}

static LogicalResult importSpaceToDepth(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t b = n.attrInt("blocksize", 0);
  if (inType.getRank() != 4)
    return n.emitError() << "input must have rank 4, got " << inType.getRank();
  int64_t N = inType.getDimSize(0), C = inType.getDimSize(1),
          H = inType.getDimSize(2), W = inType.getDimSize(3);
  if (b <= 0 || H % b != 0 || W % b != 0)
    return n.emitError() << "blocksize " << b << " does not divide the "
                         << "spatial size " << H << "x" << W;
  return importBlockShuffle(n, x, {N, C, H / b, b, W / b, b},
                            {0, 3, 5, 1, 2, 4}, {N, C * b * b, H / b, W / b});
}

void registerShapeOps(ImporterRegistry &r) {
  r.add("", "Reshape", importReshape);
  r.add("", "Flatten", importFlatten);
  r.add("", "Transpose", importTranspose);
  r.add("", "Concat", importConcat);
  r.add("", "Squeeze", importSqueezeLike);
  r.add("", "Unsqueeze", importSqueezeLike);
  r.add("", "Split", importSplit);
  r.add("", "Slice", importSlice);
  r.add("", "Gather", importGatherLike<q::GatherOp>);
  r.add("", "GatherElements", importGatherLike<q::GatherElementsOp>);
  r.add("", "Pad", importPad);
  r.add("", "Expand", importExpand);
  r.add("", "Tile", importTile);
  r.add("", "Shape", importShape);
  r.add("", "Size", importSize);
  r.add("", "ConstantOfShape", importConstantOfShape);
  r.add("", "Range", importRange);
  r.add("", "Trilu", importTrilu);
  r.add("", "DepthToSpace", importDepthToSpace);
  r.add("", "SpaceToDepth", importSpaceToDepth);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// The zero of a tensor's element type as q reads it: the zero point of a
/// quantized type, else 0.
static int64_t zeroOf(Value v) {
  Type elem = cast<RankedTensorType>(v.getType()).getElementType();
  if (auto qtype = dyn_cast<quant::UniformQuantizedType>(elem))
    return qtype.getZeroPoint();
  return 0;
}

static LogicalResult exportReshape(q::ReshapeOp op, NodeExporter &e) {
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  onnx::NodeProto &node =
      e.addNode("Reshape", {e.name(op.getInput()), e.i64Vector(shape, "shape")},
                {e.output()});
  // A 0 in the shape copies the input's dimension unless allowzero is set.
  if (llvm::is_contained(shape, 0))
    setIntAttr(node, "allowzero", 1);
  return success();
}

/// ONNX Slice's starts, ends, axes and steps for the dimensions q.slice
/// does not take whole.
static LogicalResult exportSlice(q::SliceOp op, NodeExporter &e) {
  ArrayRef<int64_t> in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  SmallVector<int64_t> starts, ends, axes, steps;
  for (auto [d, start, step] : llvm::enumerate(op.getStarts(), op.getSteps())) {
    int64_t size = out[d];
    if (start == 0 && step == 1 && size == in[d])
      continue;
    // Past the first element when running backwards is "before 0", which
    // a negative end would not say (it counts from the end).
    int64_t end = start + size * step;
    if (step < 0 && end < 0)
      end = std::numeric_limits<int64_t>::min();
    starts.push_back(start);
    ends.push_back(end);
    axes.push_back(d);
    steps.push_back(step);
  }
  if (axes.empty()) {
    e.addNodeOfOperands("Identity");
    return success();
  }
  e.addNode("Slice",
            {e.name(op.getInput()), e.i64Vector(starts, "starts"),
             e.i64Vector(ends, "ends"), e.i64Vector(axes, "axes"),
             e.i64Vector(steps, "steps")},
            {e.output()});
  return success();
}

static LogicalResult exportPad(q::PadOp op, NodeExporter &e) {
  std::string value = e.name(op.getValue());
  // ONNX pads with 0, q with the zero point of a quantized type.
  int64_t zero = zeroOf(op.getInput());
  if (!op.getValue() && op.getMode() == "constant" && zero != 0) {
    Type elem = cast<RankedTensorType>(op.getType()).getElementType();
    value = e.intConstant(onnxDataType(elem), {zero}, {}, "zero_point");
  }
  onnx::NodeProto &node = e.addNode(
      "Pad", {e.name(op.getInput()), e.i64Vector(op.getPads(), "pads"), value},
      {e.output()});
  setStringAttr(node, "mode", op.getMode());
  return success();
}

static LogicalResult exportTrilu(q::TriluOp op, NodeExporter &e) {
  if (zeroOf(op.getInput()) != 0)
    return e.emitError()
           << "ONNX Trilu fills with 0, not with the zero point "
           << zeroOf(op.getInput()) << " of "
           << cast<RankedTensorType>(op.getType()).getElementType();
  setIntAttr(e.addNodeOfOperands("Trilu"), "upper", op.getUpper() ? 1 : 0);
  return success();
}

void registerShapeExporters(ExporterRegistry &r) {
  r.add<q::ReshapeOp>(exportReshape, [](Operation *op) -> int64_t {
    return llvm::is_contained(shapeOf(op->getResult(0)), 0) ? 14 : 13;
  });
  r.add<q::FlattenOp>([](q::FlattenOp op, NodeExporter &e) {
    setIntAttr(e.addNodeOfOperands("Flatten"), "axis", op.getAxis());
    return success();
  });
  r.add<q::TransposeOp>([](q::TransposeOp op, NodeExporter &e) {
    setIntsAttr(e.addNodeOfOperands("Transpose"), "perm", op.getPerm());
    return success();
  });
  r.add<q::ConcatOp>([](q::ConcatOp op, NodeExporter &e) {
    setIntAttr(e.addNodeOfOperands("Concat"), "axis", op.getAxis());
    return success();
  });
  r.add<q::SliceOp>(exportSlice);
  r.add<q::PadOp>(exportPad);
  r.add<q::GatherOp>([](q::GatherOp op, NodeExporter &e) {
    setIntAttr(e.addNodeOfOperands("Gather"), "axis", op.getAxis());
    return success();
  });
  r.add<q::GatherElementsOp>([](q::GatherElementsOp op, NodeExporter &e) {
    setIntAttr(e.addNodeOfOperands("GatherElements"), "axis", op.getAxis());
    return success();
  });
  r.add<q::ExpandOp>([](q::ExpandOp op, NodeExporter &e) {
    e.addNode(
        "Expand",
        {e.name(op.getInput()), e.i64Vector(shapeOf(op.getOutput()), "shape")},
        {e.output()});
    return success();
  });
  r.add<q::TriluOp>(exportTrilu, [](Operation *) -> int64_t { return 14; });
}

} // namespace qmlir::onnx_export
