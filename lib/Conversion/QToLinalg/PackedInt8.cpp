//===- PackedInt8.cpp - int8 contractions on pre-packed weights -----------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QToLinalg/PackedInt8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace qmlir;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

SmallVector<int64_t> qmlir::packedInt8RhsShape(int64_t k, int64_t n) {
  return {ceilDiv(n, kInt8TileColumns), ceilDiv(k, kInt8Depth),
          kInt8TileColumns, kInt8Depth};
}

std::vector<int8_t> qmlir::packInt8Rhs(ArrayRef<int64_t> w, int64_t k,
                                       int64_t n) {
  int64_t tiles = ceilDiv(n, kInt8TileColumns), groups = ceilDiv(k, kInt8Depth);
  std::vector<int8_t> packed(tiles * groups * kInt8TileColumns * kInt8Depth, 0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t t = j / kInt8TileColumns, g = i / kInt8Depth;
      int64_t at =
          ((t * groups + g) * kInt8TileColumns + j % kInt8TileColumns) *
              kInt8Depth +
          i % kInt8Depth;
      packed[at] = static_cast<int8_t>(w[i * n + j]);
    }
  return packed;
}

SmallVector<int64_t> qmlir::packedInt8LhsShape(int64_t m, int64_t k) {
  return {m, ceilDiv(k, kInt8Depth), kInt8Depth};
}

std::vector<int8_t> qmlir::packInt8Lhs(ArrayRef<int64_t> w, int64_t m,
                                       int64_t k) {
  int64_t kp = ceilDiv(k, kInt8Depth) * kInt8Depth;
  std::vector<int8_t> packed(m * kp, 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j)
      packed[i * kp + j] = static_cast<int8_t>(w[i * k + j]);
  return packed;
}

/// Indexing maps (activation, weight[, window], out) and iterators of a
/// form; `conv` gives PackedConv's window, strides and dilations.
static void formOf(MLIRContext *ctx, PackedInt8Kind kind,
                   SmallVectorImpl<AffineMap> &maps,
                   SmallVectorImpl<utils::IteratorType> &iters,
                   const PackedInt8Op *conv = nullptr) {
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto par = utils::IteratorType::parallel;
  auto red = utils::IteratorType::reduction;
  if (kind == PackedInt8Kind::PackedConv) {
    // (b, m, y, x, c, i, j)
    AffineExpr bt = d(0), m = d(1), y = d(2), x = d(3), c = d(4), i = d(5),
               j = d(6);
    AffineExpr r = (c * conv->kh + i) * conv->kw + j;
    maps.push_back(
        AffineMap::get(7, 0,
                       {bt, c, y * conv->strides[0] + i * conv->dilations[0],
                        x * conv->strides[1] + j * conv->dilations[1]},
                       ctx));
    maps.push_back(
        AffineMap::get(7, 0, {m, r.floorDiv(kInt8Depth), r % kInt8Depth}, ctx));
    maps.push_back(AffineMap::get(7, 0, {i, j}, ctx));
    maps.push_back(AffineMap::get(7, 0, {bt, m, y, x}, ctx));
    iters.assign({par, par, par, par, red, red, red});
    return;
  }
  if (kind == PackedInt8Kind::PackedRhs) {
    // (m, n, k)
    AffineExpr m = d(0), n = d(1), k = d(2);
    maps.push_back(AffineMap::get(3, 0, {m, k}, ctx));
    maps.push_back(
        AffineMap::get(3, 0,
                       {n.floorDiv(kInt8TileColumns), k.floorDiv(kInt8Depth),
                        n % kInt8TileColumns, k % kInt8Depth},
                       ctx));
    maps.push_back(AffineMap::get(3, 0, {m, n}, ctx));
    iters.assign({par, par, red});
    return;
  }
  // (b, m, n, k)
  AffineExpr bt = d(0), m = d(1), n = d(2), k = d(3);
  maps.push_back(AffineMap::get(4, 0, {bt, k, n}, ctx));
  maps.push_back(
      AffineMap::get(4, 0, {m, k.floorDiv(kInt8Depth), k % kInt8Depth}, ctx));
  maps.push_back(AffineMap::get(4, 0, {bt, m, n}, ctx));
  iters.assign({par, par, par, red});
}

Value qmlir::buildPackedInt8(OpBuilder &b, Location loc, PackedInt8Kind kind,
                             Value activation, Value weight, Value init) {
  SmallVector<AffineMap> maps;
  SmallVector<utils::IteratorType> iters;
  formOf(b.getContext(), kind, maps, iters);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{activation, weight}, init, maps,
             iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               Type i32 = nb.getI32Type();
               Value a = arith::ExtUIOp::create(nb, l, i32, args[0]);
               Value w = arith::ExtSIOp::create(nb, l, i32, args[1]);
               Value p = arith::MulIOp::create(nb, l, a, w);
               linalg::YieldOp::create(
                   nb, l, ValueRange{arith::AddIOp::create(nb, l, args[2], p)});
             })
      .getResult(0);
}

Value qmlir::buildPackedInt8Conv(OpBuilder &b, Location loc, Value activation,
                                 Value weight, Value init, int64_t kh,
                                 int64_t kw, ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> dilations) {
  PackedInt8Op conv;
  conv.kh = kh;
  conv.kw = kw;
  conv.strides.assign(strides.begin(), strides.end());
  conv.dilations.assign(dilations.begin(), dilations.end());
  SmallVector<AffineMap> maps;
  SmallVector<utils::IteratorType> iters;
  formOf(b.getContext(), PackedInt8Kind::PackedConv, maps, iters, &conv);
  Value window =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{kh, kw}, b.getI8Type());
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{activation, weight, window},
             init, maps, iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               Type i32 = nb.getI32Type();
               Value a = arith::ExtUIOp::create(nb, l, i32, args[0]);
               Value w = arith::ExtSIOp::create(nb, l, i32, args[1]);
               Value p = arith::MulIOp::create(nb, l, a, w);
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::AddIOp::create(nb, l, args.back(), p)});
             })
      .getResult(0);
}

/// Is `v` `op(x)` of the given op type with x the block argument `arg`?
template <typename OpTy> static bool isExtensionOf(Value v, Value arg) {
  auto ext = v.getDefiningOp<OpTy>();
  return ext && ext.getIn() == arg;
}

/// The body buildPackedInt8 writes (commuted operands accepted); the
/// accumulator is the last argument.
static bool hasPackedBody(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != op->getNumOperands() ||
      body.getOperations().size() != 5)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto sum = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!sum)
    return false;
  Value acc = body.getArguments().back(), prodValue = sum.getRhs();
  if (sum.getLhs() != acc)
    prodValue = sum.getLhs();
  if (prodValue == acc || (sum.getLhs() != acc && sum.getRhs() != acc))
    return false;
  auto prod = prodValue.getDefiningOp<arith::MulIOp>();
  if (!prod)
    return false;
  Value a = body.getArgument(0), w = body.getArgument(1);
  auto matches = [&](Value x, Value y) {
    return isExtensionOf<arith::ExtUIOp>(x, a) &&
           isExtensionOf<arith::ExtSIOp>(y, w);
  };
  return matches(prod.getLhs(), prod.getRhs()) ||
         matches(prod.getRhs(), prod.getLhs());
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

static bool hasElement(Value v, unsigned width) {
  auto type = dyn_cast<ShapedType>(v.getType());
  return type && type.hasStaticShape() &&
         type.getElementType().isInteger(width);
}

/// PackedConv's parameters from a generic's operands and activation map
/// (its rows and columns are y sy + i dy and x sx + j dx: the coefficients
/// are the map's values at unit vectors), if the shapes fit.
static std::optional<PackedInt8Op> convParameters(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 3 || op.getNumLoops() != 7)
    return std::nullopt;
  Value window = op.getDpsInputs()[2];
  auto windowType = dyn_cast<ShapedType>(window.getType());
  if (!windowType || windowType.getRank() != 2 || !windowType.hasStaticShape())
    return std::nullopt;
  AffineMap x = op.getIndexingMapsArray()[0];
  if (x.getNumResults() != 4)
    return std::nullopt;
  auto at = [&](unsigned dim) {
    SmallVector<int64_t> point(7, 0);
    point[dim] = 1;
    return x.compose(point);
  };
  PackedInt8Op r;
  r.kind = PackedInt8Kind::PackedConv;
  r.kh = windowType.getDimSize(0);
  r.kw = windowType.getDimSize(1);
  r.strides = {at(2)[2], at(3)[3]};
  r.dilations = {at(5)[2], at(6)[3]};
  if (llvm::any_of(r.strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(r.dilations, [](int64_t s) { return s < 1; }))
    return std::nullopt;
  return r;
}

static std::optional<PackedInt8Op> matchPackedInt8Conv(linalg::GenericOp op) {
  std::optional<PackedInt8Op> r = convParameters(op);
  if (!r)
    return std::nullopt;
  r->activation = op.getDpsInputs()[0];
  r->weight = op.getDpsInputs()[1];
  r->out = op.getDpsInits()[0];
  if (!hasElement(r->activation, 8) || !hasElement(r->weight, 8) ||
      !hasElement(r->out, 32) || !hasPackedBody(op))
    return std::nullopt;
  SmallVector<AffineMap> maps;
  SmallVector<utils::IteratorType> iters;
  formOf(op.getContext(), PackedInt8Kind::PackedConv, maps, iters, &*r);
  if (op.getIndexingMapsArray() != maps || op.getIteratorTypesArray() != iters)
    return std::nullopt;
  ArrayRef<int64_t> x = shapeOf(r->activation), out = shapeOf(r->out),
                    w = shapeOf(r->weight);
  if (x.size() != 4 || out.size() != 4 || x[0] != out[0])
    return std::nullopt;
  r->batch = out[0];
  r->m = out[1];
  r->n = out[2] * out[3];
  r->k = x[1] * r->kh * r->kw;
  if (ArrayRef<int64_t>(packedInt8LhsShape(r->m, r->k)) != w ||
      (out[2] - 1) * r->strides[0] + (r->kh - 1) * r->dilations[0] >= x[2] ||
      (out[3] - 1) * r->strides[1] + (r->kw - 1) * r->dilations[1] >= x[3])
    return std::nullopt;
  return r;
}

std::optional<PackedInt8Op> qmlir::matchPackedInt8(Operation *operation) {
  auto op = dyn_cast_or_null<linalg::GenericOp>(operation);
  if (!op || op.getNumDpsInits() != 1 || op->getNumResults() > 1)
    return std::nullopt;
  if (op.getNumDpsInputs() == 3)
    return matchPackedInt8Conv(op);
  if (op.getNumDpsInputs() != 2)
    return std::nullopt;
  PackedInt8Op r;
  r.activation = op.getDpsInputs()[0];
  r.weight = op.getDpsInputs()[1];
  r.out = op.getDpsInits()[0];
  if (!hasElement(r.activation, 8) || !hasElement(r.weight, 8) ||
      !hasElement(r.out, 32) || !hasPackedBody(op))
    return std::nullopt;
  SmallVector<AffineMap> actual = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  for (PackedInt8Kind kind :
       {PackedInt8Kind::PackedRhs, PackedInt8Kind::PackedLhs}) {
    SmallVector<AffineMap> maps;
    SmallVector<utils::IteratorType> expected;
    formOf(op.getContext(), kind, maps, expected);
    if (actual != maps || iters != expected)
      continue;
    ArrayRef<int64_t> a = shapeOf(r.activation), w = shapeOf(r.weight),
                      out = shapeOf(r.out);
    r.kind = kind;
    if (kind == PackedInt8Kind::PackedRhs) {
      r.m = out[0];
      r.n = out[1];
      r.k = a[1];
      if (a[0] != r.m || ArrayRef<int64_t>(packedInt8RhsShape(r.k, r.n)) != w)
        return std::nullopt;
    } else {
      r.batch = out[0];
      r.m = out[1];
      r.n = out[2];
      r.k = a[1];
      if (a[0] != r.batch || a[2] != r.n ||
          ArrayRef<int64_t>(packedInt8LhsShape(r.m, r.k)) != w)
        return std::nullopt;
    }
    return r;
  }
  return std::nullopt;
}
