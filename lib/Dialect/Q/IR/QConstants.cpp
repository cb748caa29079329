//===- QConstants.cpp - reading and writing weight constants --------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;

/// Constants of at most this many elements stay dense attributes, as the
/// importer keeps them.
static constexpr int64_t kSmallConstantElements = 16;
static constexpr size_t kResourceAlignment = 64;

/// Bytes per element of an integer blob: 4-bit values take a byte each
/// (sign- or zero-extended as their type says); weight packing into nibbles
/// is the kernels' business, not the constants'.
static size_t elementBytes(unsigned width) { return width < 8 ? 1 : width / 8; }

std::optional<std::vector<float>> qmlir::q::readF32Elements(Attribute attr) {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  if (auto res = dyn_cast_or_null<DenseResourceElementsAttr>(attr)) {
    auto type = cast<ShapedType>(res.getType());
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob || !type.getElementType().isF32())
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    if (static_cast<int64_t>(bytes.size()) !=
        type.getNumElements() * static_cast<int64_t>(sizeof(float)))
      return std::nullopt;
    std::vector<float> out(type.getNumElements());
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<float>> qmlir::q::readF32Constant(Value value) {
  auto cst = value.getDefiningOp<q::ConstantOp>();
  if (!cst)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  return readF32Elements(cst.getValue());
}

std::optional<std::vector<int64_t>> qmlir::q::readIntConstant(Value value) {
  auto cst = value.getDefiningOp<q::ConstantOp>();
  if (!cst)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  Type elem = type.getElementType();
  bool isSigned;
  if (auto quant = dyn_cast<quant::QuantizedType>(elem)) {
    elem = quant.getStorageType();
    isSigned = quant.isSigned();
  } else {
    isSigned = !elem.isUnsignedInteger();
  }
  auto intType = dyn_cast<IntegerType>(elem);
  if (!intType || (intType.getWidth() % 8 != 0 && intType.getWidth() != 4) ||
      intType.getWidth() > 64)
    return std::nullopt;
  unsigned width = intType.getWidth();
  auto extend = [&](const APInt &v) {
    return isSigned ? v.getSExtValue() : static_cast<int64_t>(v.getZExtValue());
  };
  Attribute attr = cst.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.getElementType().getIntOrFloatBitWidth() != width ||
        !isa<IntegerType>(dense.getElementType()))
      return std::nullopt;
    std::vector<int64_t> out;
    out.reserve(type.getNumElements());
    for (const APInt &v : dense.getValues<APInt>())
      out.push_back(extend(v));
    return out;
  }
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    size_t size = elementBytes(width);
    if (static_cast<int64_t>(bytes.size()) !=
        type.getNumElements() * static_cast<int64_t>(size))
      return std::nullopt;
    std::vector<int64_t> out(type.getNumElements());
    for (size_t i = 0; i < out.size(); ++i) {
      uint64_t raw = 0;
      std::memcpy(&raw, bytes.data() + i * size, size); // little-endian
      out[i] = extend(APInt(width, raw, /*isSigned=*/false,
                            /*implicitTrunc=*/true));
    }
    return out;
  }
  return std::nullopt;
}

Value qmlir::q::buildF32Constant(OpBuilder &b, Location loc,
                                 RankedTensorType type, ArrayRef<float> data,
                                 StringRef name) {
  ElementsAttr attr;
  if (static_cast<int64_t>(data.size()) <= kSmallConstantElements) {
    attr = DenseElementsAttr::get(type, data);
  } else {
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                       data.size() * sizeof(float)),
        kResourceAlignment);
    attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  }
  return q::ConstantOp::create(b, loc, type, attr);
}

Value qmlir::q::buildIntConstant(OpBuilder &b, Location loc,
                                 RankedTensorType type, ArrayRef<int64_t> data,
                                 StringRef name) {
  auto elem = cast<IntegerType>(type.getElementType());
  unsigned width = elem.getWidth();
  // Attributes store integers signless; the constant's type carries ui*.
  auto storageType = type.clone(IntegerType::get(b.getContext(), width));
  ElementsAttr attr;
  if (static_cast<int64_t>(data.size()) <= kSmallConstantElements) {
    SmallVector<APInt> values;
    for (int64_t v : data)
      values.push_back(APInt(width, static_cast<uint64_t>(v),
                             /*isSigned=*/true, /*implicitTrunc=*/true));
    attr = DenseElementsAttr::get(storageType, values);
  } else {
    size_t size = elementBytes(width);
    std::vector<char> bytes(data.size() * size);
    for (size_t i = 0; i < data.size(); ++i) {
      uint64_t v = static_cast<uint64_t>(data[i]);
      std::memcpy(bytes.data() + i * size, &v, size); // little-endian
    }
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(bytes.data(), bytes.size()), kResourceAlignment);
    attr = DenseResourceElementsAttr::get(storageType, name, std::move(blob));
  }
  return q::ConstantOp::create(b, loc, type, attr);
}

Value qmlir::q::buildHalfConstant(OpBuilder &b, Location loc,
                                  RankedTensorType type, ArrayRef<float> data,
                                  StringRef name) {
  auto elem = cast<FloatType>(type.getElementType());
  assert(elem.getWidth() == 16 && "an f16 or bf16 constant");
  std::vector<uint16_t> bits(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    APFloat v(data[i]);
    bool lost;
    v.convert(elem.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    bits[i] = static_cast<uint16_t>(v.bitcastToAPInt().getZExtValue());
  }
  ElementsAttr attr;
  if (static_cast<int64_t>(data.size()) <= kSmallConstantElements) {
    SmallVector<APFloat> values;
    for (uint16_t v : bits)
      values.push_back(APFloat(elem.getFloatSemantics(), APInt(16, v)));
    attr = DenseElementsAttr::get(type, values);
  } else {
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(reinterpret_cast<const char *>(bits.data()),
                       bits.size() * sizeof(uint16_t)),
        kResourceAlignment);
    attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  }
  return q::ConstantOp::create(b, loc, type, attr);
}
