//===- WeightOnly.cpp - matmuls on packed low-bit weights -----------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QToLinalg/WeightOnly.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace qmlir;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

SmallVector<int64_t> qmlir::weightOnlyPackedShape(int64_t bits, int64_t k,
                                                  int64_t n) {
  return {ceilDiv(n, kWeightOnlyColumns), ceilDiv(k, weightOnlyChunkSteps(bits)),
          kWeightOnlyColumns, kWeightOnlyChunkBytes};
}

std::vector<int8_t> qmlir::packWeightOnly(ArrayRef<int64_t> codes,
                                          int64_t bits, int64_t k, int64_t n) {
  SmallVector<int64_t> shape = weightOnlyPackedShape(bits, k, n);
  int64_t steps = weightOnlyChunkSteps(bits);
  std::vector<int8_t> packed(shape[0] * shape[1] * shape[2] * shape[3], 0);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < k; ++i) {
      uint8_t code = static_cast<uint8_t>(codes[j * k + i]);
      int64_t at = ((j / kWeightOnlyColumns * shape[1] + i / steps) *
                        kWeightOnlyColumns +
                    j % kWeightOnlyColumns) *
                       kWeightOnlyChunkBytes +
                   i % kWeightOnlyChunkBytes;
      if (bits == 8) {
        packed[at] = static_cast<int8_t>(code);
        continue;
      }
      bool high = i % steps >= kWeightOnlyChunkBytes;
      uint8_t byte = static_cast<uint8_t>(packed[at]);
      byte |= high ? static_cast<uint8_t>(code << 4) : (code & 0xF);
      packed[at] = static_cast<int8_t>(byte);
    }
  return packed;
}

/// The indexing maps over (m, n, k) of a, packed, scale[, zeroPoint], out.
static SmallVector<AffineMap> mapsOf(MLIRContext *ctx, int64_t bits,
                                     int64_t group, bool hasZeroPoint) {
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  AffineMap packed = AffineMap::get(
      3, 0,
      {n.floorDiv(kWeightOnlyColumns), k.floorDiv(weightOnlyChunkSteps(bits)),
       n % kWeightOnlyColumns, k % kWeightOnlyChunkBytes},
      ctx);
  AffineMap param = AffineMap::get(3, 0, {n, k.floorDiv(group)}, ctx);
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {m, k}, ctx), packed,
                                 param};
  if (hasZeroPoint)
    maps.push_back(param);
  maps.push_back(AffineMap::get(3, 0, {m, n}, ctx));
  return maps;
}

Value qmlir::buildWeightOnlyMatmul(OpBuilder &b, Location loc, Value a,
                                   Value packed, Value scale, Value zeroPoint,
                                   ArrayRef<float> table, int64_t bits,
                                   int64_t group, Value init) {
  MLIRContext *ctx = b.getContext();
  Value tableValue;
  if (!table.empty()) {
    auto type = RankedTensorType::get({static_cast<int64_t>(table.size())},
                                      b.getF32Type());
    tableValue =
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, table));
  }
  SmallVector<Value> inputs = {a, packed, scale};
  if (zeroPoint)
    inputs.push_back(zeroPoint);
  auto par = utils::IteratorType::parallel;
  auto red = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, init,
             mapsOf(ctx, bits, group, zeroPoint != nullptr),
             ArrayRef<utils::IteratorType>{par, par, red},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Type i32 = nb.getI32Type();
               Value code = arith::ExtUIOp::create(nb, l, i32, args[1]);
               if (bits == 4) {
                 // The low nibble for steps 0..15 of a chunk, else the high.
                 Value k = linalg::IndexOp::create(nb, l, 2);
                 Value inChunk = arith::RemUIOp::create(
                     nb, l, k,
                     arith::ConstantIndexOp::create(
                         nb, l, weightOnlyChunkSteps(bits)));
                 Value high = arith::CmpIOp::create(
                     nb, l, arith::CmpIPredicate::uge, inChunk,
                     arith::ConstantIndexOp::create(nb, l,
                                                    kWeightOnlyChunkBytes));
                 Value hi = arith::ShRUIOp::create(
                     nb, l, code, arith::ConstantIntOp::create(nb, l, i32, 4));
                 Value lo = arith::AndIOp::create(
                     nb, l, code, arith::ConstantIntOp::create(nb, l, i32, 15));
                 code = arith::SelectOp::create(nb, l, high, hi, lo);
               }
               Value v;
               if (tableValue) {
                 Value i = arith::IndexCastUIOp::create(nb, l,
                                                        nb.getIndexType(), code);
                 v = tensor::ExtractOp::create(nb, l, tableValue, i);
               } else {
                 v = arith::UIToFPOp::create(nb, l, nb.getF32Type(), code);
               }
               if (zeroPoint)
                 v = arith::SubFOp::create(nb, l, v, args[3]);
               Value w = arith::MulFOp::create(nb, l, v, args[2]);
               Value p = arith::MulFOp::create(nb, l, args[0], w);
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::AddFOp::create(nb, l, args.back(), p)});
             })
      .getResult(0);
}

/// The f32 values of the table a body reads: a tensor.extract from an
/// arith.constant (on tensors) or a memref.load from a memref.get_global of
/// a constant global (on buffers). Empty when there is none; nullopt when
/// the body reads something else.
static std::optional<SmallVector<float, 16>> tableOf(linalg::GenericOp op,
                                                     Value &sourceOut) {
  SmallVector<float, 16> values;
  DenseElementsAttr attr;
  int reads = 0;
  for (Operation &inner : op.getRegion().front()) {
    Value source;
    if (auto extract = dyn_cast<tensor::ExtractOp>(inner))
      source = extract.getTensor();
    else if (auto load = dyn_cast<memref::LoadOp>(inner))
      source = load.getMemRef();
    else
      continue;
    ++reads;
    sourceOut = source;
    if (auto cst = source.getDefiningOp<arith::ConstantOp>()) {
      attr = dyn_cast<DenseElementsAttr>(cst.getValue());
    } else if (auto get = source.getDefiningOp<memref::GetGlobalOp>()) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          op, get.getNameAttr());
      if (global && global.getConstant() && global.getInitialValue())
        attr = dyn_cast<DenseElementsAttr>(*global.getInitialValue());
    }
  }
  if (reads == 0)
    return values;
  if (reads != 1 || !attr || !attr.getElementType().isF32())
    return std::nullopt;
  for (float v : attr.getValues<float>())
    values.push_back(v);
  return values;
}

/// Whether the body is the one buildWeightOnlyMatmul writes (its constants
/// possibly hoisted): only the ops it uses, two products, one sum into the
/// accumulator and a subtraction exactly when there are zero points; a
/// producer's body fused in would add to them.
static bool hasWeightOnlyBody(linalg::GenericOp op, bool hasZp) {
  Block &body = op.getRegion().front();
  int products = 0, sums = 0, differences = 0;
  for (Operation &inner : body.without_terminator()) {
    if (isa<arith::MulFOp>(inner))
      ++products;
    else if (isa<arith::AddFOp>(inner))
      ++sums;
    else if (isa<arith::SubFOp>(inner))
      ++differences;
    else if (!isa<arith::ExtUIOp, linalg::IndexOp, arith::ConstantOp,
                  arith::RemUIOp, arith::CmpIOp, arith::ShRUIOp, arith::AndIOp,
                  arith::SelectOp, arith::IndexCastUIOp, tensor::ExtractOp,
                  memref::LoadOp, arith::UIToFPOp>(inner))
      return false;
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto sum = yield.getNumOperands() == 1
                 ? yield.getOperand(0).getDefiningOp<arith::AddFOp>()
                 : arith::AddFOp();
  return sum && sum.getLhs() == body.getArguments().back() && products == 2 &&
         sums == 1 && differences == (hasZp ? 1 : 0);
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

static bool hasElement(Value v, Type elem, int64_t rank) {
  auto type = dyn_cast<ShapedType>(v.getType());
  return type && type.hasStaticShape() && type.getRank() == rank &&
         type.getElementType() == elem;
}

std::optional<WeightOnlyMatmul> qmlir::matchWeightOnly(Operation *operation) {
  auto op = dyn_cast_or_null<linalg::GenericOp>(operation);
  if (!op || op.getNumDpsInits() != 1 || op->getNumResults() > 1 ||
      op.getNumDpsInputs() < 3 || op.getNumDpsInputs() > 4 ||
      op.getNumLoops() != 3)
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  WeightOnlyMatmul r;
  r.a = op.getDpsInputs()[0];
  r.packed = op.getDpsInputs()[1];
  r.scale = op.getDpsInputs()[2];
  bool hasZp = op.getNumDpsInputs() == 4;
  if (hasZp)
    r.zeroPoint = op.getDpsInputs()[3];
  r.out = op.getDpsInits()[0];
  Type f32 = Float32Type::get(ctx), i8 = IntegerType::get(ctx, 8);
  if (!hasElement(r.a, f32, 2) || !hasElement(r.packed, i8, 4) ||
      !hasElement(r.scale, f32, 2) || !hasElement(r.out, f32, 2) ||
      (hasZp && !hasElement(r.zeroPoint, f32, 2)))
    return std::nullopt;
  // The group is the divisor in the scale's map (n, k floordiv group).
  AffineMap scaleMap = op.getIndexingMapsArray()[2];
  if (scaleMap.getNumResults() != 2)
    return std::nullopt;
  auto div = dyn_cast<AffineBinaryOpExpr>(scaleMap.getResult(1));
  if (!div || div.getKind() != AffineExprKind::FloorDiv)
    return std::nullopt;
  auto groupExpr = dyn_cast<AffineConstantExpr>(div.getRHS());
  if (!groupExpr || groupExpr.getValue() < 1)
    return std::nullopt;
  r.group = groupExpr.getValue();
  r.m = shapeOf(r.out)[0];
  r.n = shapeOf(r.out)[1];
  r.k = shapeOf(r.a)[1];
  if (shapeOf(r.a)[0] != r.m)
    return std::nullopt;
  auto par = utils::IteratorType::parallel;
  auto red = utils::IteratorType::reduction;
  if (op.getIteratorTypesArray() !=
      SmallVector<utils::IteratorType>{par, par, red})
    return std::nullopt;
  std::optional<SmallVector<float, 16>> table = tableOf(op, r.tableSource);
  if (!table)
    return std::nullopt;
  r.table = *table;
  if (!hasWeightOnlyBody(op, hasZp))
    return std::nullopt;
  for (int64_t bits : {4, 8}) {
    if (op.getIndexingMapsArray() != mapsOf(ctx, bits, r.group, hasZp))
      continue;
    SmallVector<int64_t> packedShape = weightOnlyPackedShape(bits, r.k, r.n);
    if (ArrayRef<int64_t>(packedShape) != shapeOf(r.packed) ||
        shapeOf(r.scale) !=
            ArrayRef<int64_t>{r.n, ceilDiv(r.k, r.group)} ||
        (hasZp && shapeOf(r.zeroPoint) != shapeOf(r.scale)) ||
        (!r.table.empty() && r.table.size() != (size_t(1) << bits)))
      return std::nullopt;
    r.bits = bits;
    return r;
  }
  return std::nullopt;
}
