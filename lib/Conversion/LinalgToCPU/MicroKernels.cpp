//===- MicroKernels.cpp - the q-microkernels pass -------------------------===//
//
// Part of qmlir. f32 matmuls and convolutions on buffers become loops around
// a register block of MR rows x U vectors, accumulated with vector.fma;
// packed int8 contractions go to Int8Kernels.cpp.
//
//===----------------------------------------------------------------------===//

#include "Int8Kernels.h"
#include "WeightOnlyKernels.h"
#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <functional>
#include <limits>

namespace qmlir {
#define GEN_PASS_DEF_QMICROKERNELS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

/// The register block: `mr` output rows by `u` vectors of `vl` lanes.
struct Blocking {
  int64_t vl, mr, u;
};

/// A contraction `C[m][n] += sum_k A(m, k) * B(k, m, n)` with `n` the
/// vectorized (contiguous) dimension of B and C, as callbacks over the
/// buffers of one op. `k` may be several nested loops.
struct Contraction {
  int64_t m = 0, n = 0;
  SmallVector<int64_t> k;
  /// Scalar A(m, k...).
  std::function<Value(OpBuilder &, Location, Value, ValueRange)> loadA;
  /// B(k..., m, n0 .. n0 + lanes) as a vector of `vl` lanes.
  std::function<Value(OpBuilder &, Location, ValueRange, Value, Value, int64_t)>
      loadB;
  /// Does B depend on m (convolution rows) or not (matmul, filters)?
  bool bDependsOnM = false;
  /// C(m, n0 .. n0 + lanes) as a vector, and its store.
  std::function<Value(OpBuilder &, Location, Value, Value, int64_t)> loadC;
  std::function<void(OpBuilder &, Location, Value, Value, Value, int64_t)>
      storeC;
};

static Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

static Value add(OpBuilder &b, Location loc, Value x, int64_t c) {
  if (c == 0)
    return x;
  return arith::AddIOp::create(b, loc, x, idx(b, loc, c));
}

/// x * c (+ y when given), in index arithmetic.
static Value mulAdd(OpBuilder &b, Location loc, Value x, int64_t c,
                    Value y = Value()) {
  Value r = c == 1 ? x : arith::MulIOp::create(b, loc, x, idx(b, loc, c));
  return y ? arith::AddIOp::create(b, loc, r, y) : r;
}

/// `lanes` (<= vl) consecutive elements of a row of `mem` starting at
/// `indices` (the last index walks the row), every `stride`-th one when
/// `stride` > 1, as a vector of `vl` lanes (lanes past `lanes` are zero or
/// unspecified).
static Value loadRow(OpBuilder &b, Location loc, Value mem,
                     ArrayRef<Value> indices, int64_t vl, int64_t lanes,
                     int64_t stride) {
  Type f32 = b.getF32Type();
  if (stride == 1 && lanes == vl)
    return vector::LoadOp::create(b, loc, VectorType::get({vl}, f32), mem,
                                  indices);
  // A wide load covering the strided lanes, masked so it never reads past
  // the last element it needs, then the lanes picked out.
  int64_t width = vl * stride, valid = (lanes - 1) * stride + 1;
  auto wideType = VectorType::get({width}, f32);
  Value mask = vector::ConstantMaskOp::create(
      b, loc, VectorType::get({width}, b.getI1Type()),
      ArrayRef<int64_t>{valid});
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(wideType, b.getF32FloatAttr(0.0f)));
  Value wide =
      vector::MaskedLoadOp::create(b, loc, wideType, mem, indices, mask, zero);
  if (stride == 1)
    return wide;
  SmallVector<int64_t> picks;
  for (int64_t i = 0; i < vl; ++i)
    picks.push_back(i * stride);
  return vector::ShuffleOp::create(b, loc, wide, wide, picks);
}

/// Nested `scf.for` loops over `extents` carrying `iterArgs`; extents of 1
/// get no loop (index 0).
static SmallVector<Value>
buildReductionLoops(OpBuilder &b, Location loc, ArrayRef<int64_t> extents,
                    ValueRange iterArgs, SmallVectorImpl<Value> &ivs,
                    function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                    ValueRange, ValueRange)>
                        body) {
  if (extents.empty())
    return body(b, loc, ivs, iterArgs);
  if (extents.front() == 1) {
    ivs.push_back(idx(b, loc, 0));
    SmallVector<Value> r =
        buildReductionLoops(b, loc, extents.drop_front(), iterArgs, ivs, body);
    ivs.pop_back();
    return r;
  }
  auto loop = scf::ForOp::create(
      b, loc, idx(b, loc, 0), idx(b, loc, extents.front()), idx(b, loc, 1),
      iterArgs, [&](OpBuilder &nb, Location nl, Value iv, ValueRange args) {
        ivs.push_back(iv);
        SmallVector<Value> r =
            buildReductionLoops(nb, nl, extents.drop_front(), args, ivs, body);
        ivs.pop_back();
        scf::YieldOp::create(nb, nl, r);
      });
  return SmallVector<Value>(loop.getResults());
}

/// One register block at rows m0 .. m0 + mr and columns n0 .. n0 + u * vl,
/// the last vector holding `lastLanes` lanes.
static void emitBlock(OpBuilder &b, Location loc, const Contraction &c,
                      Value m0, int64_t mr, Value n0, int64_t u,
                      int64_t lastLanes, int64_t vl) {
  auto lanesOf = [&](int64_t j) { return j == u - 1 ? lastLanes : vl; };
  SmallVector<Value> rows, cols;
  for (int64_t i = 0; i < mr; ++i)
    rows.push_back(add(b, loc, m0, i));
  for (int64_t j = 0; j < u; ++j)
    cols.push_back(add(b, loc, n0, j * vl));
  SmallVector<Value> acc;
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t j = 0; j < u; ++j)
      acc.push_back(c.loadC(b, loc, rows[i], cols[j], lanesOf(j)));
  SmallVector<Value> ivs;
  SmallVector<Value> result = buildReductionLoops(
      b, loc, c.k, acc, ivs,
      [&](OpBuilder &nb, Location nl, ValueRange k, ValueRange in) {
        SmallVector<Value> out(in.begin(), in.end());
        SmallVector<Value> bv;
        if (!c.bDependsOnM)
          for (int64_t j = 0; j < u; ++j)
            bv.push_back(c.loadB(nb, nl, k, rows[0], cols[j], lanesOf(j)));
        for (int64_t i = 0; i < mr; ++i) {
          Value a = c.loadA(nb, nl, rows[i], k);
          Value s = vector::BroadcastOp::create(
              nb, nl, VectorType::get({vl}, a.getType()), a);
          for (int64_t j = 0; j < u; ++j) {
            Value bij = c.bDependsOnM
                            ? c.loadB(nb, nl, k, rows[i], cols[j], lanesOf(j))
                            : bv[j];
            out[i * u + j] =
                vector::FMAOp::create(nb, nl, s, bij, out[i * u + j]);
          }
        }
        return out;
      });
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t j = 0; j < u; ++j)
      c.storeC(b, loc, result[i * u + j], rows[i], cols[j], lanesOf(j));
}

/// Row blocks of `mr` (and one of the remainder) at columns n0.
static void emitRowBlocks(OpBuilder &b, Location loc, const Contraction &c,
                          const Blocking &blk, Value n0, int64_t u,
                          int64_t lastLanes) {
  int64_t full = c.m / blk.mr * blk.mr;
  if (full == blk.mr) {
    emitBlock(b, loc, c, idx(b, loc, 0), blk.mr, n0, u, lastLanes, blk.vl);
  } else if (full > 0) {
    scf::ForOp::create(
        b, loc, idx(b, loc, 0), idx(b, loc, full), idx(b, loc, blk.mr),
        ValueRange(), [&](OpBuilder &nb, Location nl, Value m0, ValueRange) {
          emitBlock(nb, nl, c, m0, blk.mr, n0, u, lastLanes, blk.vl);
          scf::YieldOp::create(nb, nl);
        });
  }
  if (c.m > full)
    emitBlock(b, loc, c, idx(b, loc, full), c.m - full, n0, u, lastLanes,
              blk.vl);
}

/// The whole contraction: column blocks of u * vl (the last one narrower
/// and masked), each over all row blocks, so a block of B stays in cache
/// while every row of A passes over it.
static void emitContraction(OpBuilder &b, Location loc, const Contraction &c,
                            const Blocking &blk) {
  int64_t nr = blk.u * blk.vl;
  int64_t full = c.n / nr * nr;
  if (full == nr) {
    emitRowBlocks(b, loc, c, blk, idx(b, loc, 0), blk.u, blk.vl);
  } else if (full > 0) {
    scf::ForOp::create(b, loc, idx(b, loc, 0), idx(b, loc, full),
                       idx(b, loc, nr), ValueRange(),
                       [&](OpBuilder &nb, Location nl, Value n0, ValueRange) {
                         emitRowBlocks(nb, nl, c, blk, n0, blk.u, blk.vl);
                         scf::YieldOp::create(nb, nl);
                       });
  }
  int64_t rest = c.n - full;
  if (rest > 0) {
    int64_t u = (rest + blk.vl - 1) / blk.vl;
    emitRowBlocks(b, loc, c, blk, idx(b, loc, full), u,
                  rest - (u - 1) * blk.vl);
  }
}

/// Loops over `extents` (no loop for an extent of 1) around `body`.
static void buildParallelLoops(
    OpBuilder &b, Location loc, ArrayRef<int64_t> extents,
    SmallVectorImpl<Value> &ivs,
    function_ref<void(OpBuilder &, Location, ArrayRef<Value>)> body) {
  if (extents.empty()) {
    body(b, loc, ivs);
    return;
  }
  if (extents.front() == 1) {
    ivs.push_back(idx(b, loc, 0));
    buildParallelLoops(b, loc, extents.drop_front(), ivs, body);
    ivs.pop_back();
    return;
  }
  scf::ForOp::create(
      b, loc, idx(b, loc, 0), idx(b, loc, extents.front()), idx(b, loc, 1),
      ValueRange(), [&](OpBuilder &nb, Location nl, Value iv, ValueRange) {
        ivs.push_back(iv);
        buildParallelLoops(nb, nl, extents.drop_front(), ivs, body);
        ivs.pop_back();
        scf::YieldOp::create(nb, nl);
      });
}

/// Static f32 buffers whose innermost dimension is contiguous.
static bool isKernelOperand(Value v) {
  return qmlir::hasContiguousRows(v) &&
         cast<MemRefType>(v.getType()).getElementType().isF32();
}

static bool hasIdentityLayout(Value v) {
  return cast<MemRefType>(v.getType()).getLayout().isIdentity();
}

static SmallVector<Value> concat(ArrayRef<Value> a, ArrayRef<Value> b) {
  SmallVector<Value> r(a.begin(), a.end());
  r.append(b.begin(), b.end());
  return r;
}

/// Where C(m, n0) lies in a buffer: its indices.
using OutputIndices = std::function<SmallVector<Value>(Value m, Value n0)>;

/// C's accessors: rows of `out` at `at(m, n0)`.
static void setOutputRows(Contraction &c, Value out, int64_t vl,
                          OutputIndices at) {
  c.loadC = [=](OpBuilder &b, Location loc, Value m, Value n0, int64_t lanes) {
    return loadRow(b, loc, out, at(m, n0), vl, lanes, 1);
  };
  c.storeC = [=](OpBuilder &b, Location loc, Value v, Value m, Value n0,
                 int64_t lanes) {
    qmlir::storeMasked(b, loc, v, out, at(m, n0), vl, lanes);
  };
}

/// A row of a convolution window of `in` ([N][C][H][W]): image `n`,
/// channel `chan`, the input row of output row `row` and kernel row `ky`,
/// the columns of output columns n0.. and kernel column `kx`.
static Value loadWindowRow(OpBuilder &b, Location loc, Value in, Value n,
                           Value chan, Value row, Value ky, Value kx, Value n0,
                           ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations, int64_t vl,
                           int64_t lanes) {
  Value y = mulAdd(b, loc, ky, dilations[0], mulAdd(b, loc, row, strides[0]));
  Value x = mulAdd(b, loc, kx, dilations[1], mulAdd(b, loc, n0, strides[1]));
  return loadRow(b, loc, in, {n, chan, y, x}, vl, lanes, strides[1]);
}

/// C[m][n] += A[m][k] * B[k][n] on 2-D views, with `lead` indices in front
/// of every access to B and C (the batch) and, when `aHasLead`, to A.
static Contraction matmulContraction(Value a, Value bMem, Value cMem,
                                     ArrayRef<Value> lead, int64_t vl,
                                     bool aHasLead = true) {
  auto aType = cast<MemRefType>(a.getType());
  auto cType = cast<MemRefType>(cMem.getType());
  int64_t rank = cType.getRank();
  Contraction c;
  c.m = cType.getDimSize(rank - 2);
  c.n = cType.getDimSize(rank - 1);
  c.k = {aType.getDimSize(aType.getRank() - 1)};
  SmallVector<Value> pre(lead.begin(), lead.end());
  SmallVector<Value> preA = aHasLead ? pre : SmallVector<Value>();
  c.loadA = [=](OpBuilder &b, Location loc, Value m, ValueRange k) -> Value {
    return memref::LoadOp::create(b, loc, a, concat(preA, {m, k[0]}));
  };
  c.loadB = [=](OpBuilder &b, Location loc, ValueRange k, Value, Value n0,
                int64_t lanes) {
    return loadRow(b, loc, bMem, concat(pre, {k[0], n0}), vl, lanes, 1);
  };
  setOutputRows(c, cMem, vl, [=](Value m, Value n0) {
    return concat(pre, {m, n0});
  });
  return c;
}

/// Elements of a memref the kernels below can move as vectors: static
/// shapes, byte-sized integers or floats (bools are bit-packed in vectors).
static bool isVectorElement(Type t) {
  return (isa<FloatType>(t) || isa<IntegerType>(t)) &&
         t.getIntOrFloatBitWidth() % 8 == 0;
}

/// How many trailing dims of `v` form one contiguous run (at least 1 when
/// the innermost stride is 1, else 0).
static int64_t contiguousTrailingDims(Value v) {
  auto type = cast<MemRefType>(v.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) || strides.empty())
    return 0;
  int64_t rank = type.getRank();
  if (strides.back() != 1 && type.getShape().back() != 1)
    return 0;
  int64_t run = 1, expected = type.getShape().back();
  for (int64_t i = rank - 2; i >= 0; --i) {
    if (type.getDimSize(i) != 1 && strides[i] != expected)
      break;
    expected *= type.getDimSize(i);
    ++run;
  }
  return run;
}

/// `v` with its last `dims` dims collapsed into one.
static Value collapseTrailing(OpBuilder &b, Location loc, Value v,
                              int64_t dims) {
  int64_t rank = cast<MemRefType>(v.getType()).getRank();
  if (dims <= 1)
    return v;
  SmallVector<ReassociationIndices> re;
  for (int64_t i = 0; i < rank - dims; ++i)
    re.push_back({i});
  ReassociationIndices last;
  for (int64_t i = rank - dims; i < rank; ++i)
    last.push_back(i);
  re.push_back(last);
  return memref::CollapseShapeOp::create(b, loc, v, re);
}

/// Calls `body(b, loc, leading indices, column, lanes)` for each vector of
/// `vl` lanes along the last dim of a `shape`-shaped iteration (the last
/// vector of each row with `lanes` < vl).
static void forEachRowVector(
    OpBuilder &b, Location loc, ArrayRef<int64_t> shape, int64_t vl,
    function_ref<void(OpBuilder &, Location, ArrayRef<Value>, Value, int64_t)>
        body) {
  int64_t row = shape.back(), full = row / vl * vl;
  SmallVector<Value> ivs;
  buildParallelLoops(b, loc, shape.drop_back(), ivs,
                     [&](OpBuilder &nb, Location nl, ArrayRef<Value> lead) {
                       SmallVector<Value> leadCopy(lead.begin(), lead.end());
                       if (full == vl) {
                         body(nb, nl, leadCopy, idx(nb, nl, 0), vl);
                       } else if (full > 0) {
                         scf::ForOp::create(nb, nl, idx(nb, nl, 0),
                                            idx(nb, nl, full), idx(nb, nl, vl),
                                            ValueRange(),
                                            [&](OpBuilder &ib, Location il,
                                                Value col, ValueRange) {
                                              body(ib, il, leadCopy, col, vl);
                                              scf::YieldOp::create(ib, il);
                                            });
                       }
                       if (row > full)
                         body(nb, nl, leadCopy, idx(nb, nl, full), row - full);
                     });
}

/// A vector of `vl` elements of any type at `indices`, masked to `lanes`
/// (other lanes `fill`).
static Value loadVector(OpBuilder &b, Location loc, Value mem,
                        ArrayRef<Value> indices, int64_t vl, int64_t lanes,
                        TypedAttr fill) {
  Type elem = cast<MemRefType>(mem.getType()).getElementType();
  auto type = VectorType::get({vl}, elem);
  if (lanes == vl)
    return vector::LoadOp::create(b, loc, type, mem, indices);
  Value mask = vector::ConstantMaskOp::create(
      b, loc, VectorType::get({vl}, b.getI1Type()), ArrayRef<int64_t>{lanes});
  Value pass =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, fill));
  return vector::MaskedLoadOp::create(b, loc, type, mem, indices, mask, pass);
}

/// Lanes of the accumulators of vectorized reductions: fixed, not the
/// target's vector width, so every target adds in the same order.
constexpr int64_t kReductionLanes = 16;

/// The buffers and window of a 2-D convolution the kernels can take: input,
/// weight and output with contiguous rows, strides and dilations.
struct WindowOperands {
  Value in, w, out;
  SmallVector<int64_t> strides, dilations;
};

template <typename ConvOp>
static std::optional<WindowOperands> windowOperands(ConvOp op) {
  WindowOperands o{
      op.getDpsInputs()[0], op.getDpsInputs()[1], op.getDpsInits()[0], {}, {}};
  if (!isKernelOperand(o.in) || !isKernelOperand(o.w) ||
      !isKernelOperand(o.out))
    return std::nullopt;
  o.strides.assign(op.getStrides().template getValues<int64_t>().begin(),
                   op.getStrides().template getValues<int64_t>().end());
  o.dilations.assign(op.getDilations().template getValues<int64_t>().begin(),
                     op.getDilations().template getValues<int64_t>().end());
  return o;
}

struct QMicroKernelsPass : qmlir::impl::QMicroKernelsBase<QMicroKernelsPass> {
  using Base::Base;

  Blocking blockingFor(bool rowsShareB) const {
    Blocking blk;
    blk.vl = std::max<int64_t>(vectorBits / 32, 1);
    // Accumulators plus the row of B (and a broadcast) fill the registers.
    blk.u = vectorRegisters >= 32 ? 4 : 2;
    blk.mr = std::max<int64_t>((vectorRegisters - blk.u - 2) / blk.u, 1);
    blk.mr = std::min<int64_t>(blk.mr, 6);
    if (!rowsShareB) {
      // Each row loads its own B: fewer columns, more rows in flight.
      blk.u = vectorRegisters >= 32 ? 2 : 1;
      blk.mr = 4;
    }
    return blk;
  }

  LogicalResult lowerMatmul(OpBuilder &b, linalg::MatmulOp op) {
    Value a = op.getDpsInputs()[0], bm = op.getDpsInputs()[1],
          c = op.getDpsInits()[0];
    if (op.getIndexingMapsArray() != op.getDefaultIndexingMaps(op.getContext()))
      return failure();
    if (!isKernelOperand(a) || !isKernelOperand(bm) || !isKernelOperand(c))
      return failure();
    Blocking blk = blockingFor(true);
    emitContraction(b, op.getLoc(), matmulContraction(a, bm, c, {}, blk.vl),
                    blk);
    return success();
  }

  LogicalResult lowerBatchMatmul(OpBuilder &b, linalg::BatchMatmulOp op) {
    Value a = op.getDpsInputs()[0], bm = op.getDpsInputs()[1],
          c = op.getDpsInits()[0];
    if (op.getIndexingMapsArray() != op.getDefaultIndexingMaps(op.getContext()))
      return failure();
    if (!isKernelOperand(a) || !isKernelOperand(bm) || !isKernelOperand(c))
      return failure();
    Blocking blk = blockingFor(true);
    int64_t batch = cast<MemRefType>(c.getType()).getDimSize(0);
    SmallVector<Value> ivs;
    buildParallelLoops(
        b, op.getLoc(), {batch}, ivs,
        [&](OpBuilder &nb, Location nl, ArrayRef<Value> iv) {
          emitContraction(nb, nl, matmulContraction(a, bm, c, iv, blk.vl), blk);
        });
    return success();
  }

  LogicalResult lowerConv(OpBuilder &b, linalg::Conv2DNchwFchwOp op) {
    std::optional<WindowOperands> ops = windowOperands(op);
    if (!ops)
      return failure();
    Value in = ops->in, w = ops->w, out = ops->out;
    ArrayRef<int64_t> s = ops->strides, d = ops->dilations;
    Location loc = op.getLoc();
    auto inType = cast<MemRefType>(in.getType());
    auto wType = cast<MemRefType>(w.getType());
    auto outType = cast<MemRefType>(out.getType());
    int64_t batch = outType.getDimSize(0), f = outType.getDimSize(1),
            oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    int64_t ch = wType.getDimSize(1), kh = wType.getDimSize(2),
            kw = wType.getDimSize(3);
    Blocking blk = blockingFor(true);

    // A 1x1 stride-1 convolution over a whole image is a matmul over the
    // flattened pixels.
    if (kh == 1 && kw == 1 && s[0] == 1 && s[1] == 1 &&
        inType.getDimSize(2) == oh && inType.getDimSize(3) == ow &&
        hasIdentityLayout(in) && hasIdentityLayout(out) &&
        hasIdentityLayout(w)) {
      SmallVector<ReassociationIndices> img = {{0}, {1}, {2, 3}};
      Value in3 = memref::CollapseShapeOp::create(b, loc, in, img);
      Value out3 = memref::CollapseShapeOp::create(b, loc, out, img);
      Value w2 = memref::CollapseShapeOp::create(
          b, loc, w, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      SmallVector<Value> ivs;
      buildParallelLoops(b, loc, {batch}, ivs,
                         [&](OpBuilder &nb, Location nl, ArrayRef<Value> iv) {
                           emitContraction(
                               nb, nl,
                               matmulContraction(w2, in3, out3, iv, blk.vl,
                                                 /*aHasLead=*/false),
                               blk);
                         });
      return success();
    }

    // Otherwise one contraction per output row: filters x columns, over
    // channels and the window.
    SmallVector<Value> ivs;
    int64_t vl = blk.vl;
    buildParallelLoops(
        b, loc, {batch, oh}, ivs,
        [&](OpBuilder &nb, Location nl, ArrayRef<Value> iv) {
          Value n = iv[0], row = iv[1];
          Contraction c;
          c.m = f;
          c.n = ow;
          c.k = {ch, kh, kw};
          c.loadA = [=](OpBuilder &b, Location loc, Value m, ValueRange k) {
            return memref::LoadOp::create(b, loc, w,
                                          ValueRange{m, k[0], k[1], k[2]})
                .getResult();
          };
          c.loadB = [=](OpBuilder &b, Location loc, ValueRange k, Value,
                        Value n0, int64_t lanes) {
            return loadWindowRow(b, loc, in, n, k[0], row, k[1], k[2], n0, s, d,
                                 vl, lanes);
          };
          setOutputRows(c, out, vl, [=](Value m, Value n0) {
            return SmallVector<Value>{n, m, row, n0};
          });
          emitContraction(nb, nl, c, blk);
        });
    return success();
  }

  LogicalResult lowerDepthwise(OpBuilder &b,
                               linalg::DepthwiseConv2DNchwChwOp op) {
    std::optional<WindowOperands> ops = windowOperands(op);
    if (!ops)
      return failure();
    Value in = ops->in, w = ops->w, out = ops->out;
    ArrayRef<int64_t> s = ops->strides, d = ops->dilations;
    Location loc = op.getLoc();
    auto wType = cast<MemRefType>(w.getType());
    auto outType = cast<MemRefType>(out.getType());
    int64_t batch = outType.getDimSize(0), ch = outType.getDimSize(1),
            oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    int64_t kh = wType.getDimSize(1), kw = wType.getDimSize(2);
    // Rows of one channel are the block's rows: each reads its own input
    // row, all share the filter tap.
    Blocking blk = blockingFor(false);
    int64_t vl = blk.vl;
    SmallVector<Value> ivs;
    buildParallelLoops(b, loc, {batch, ch}, ivs,
                       [&](OpBuilder &nb, Location nl, ArrayRef<Value> iv) {
                         Value n = iv[0], chan = iv[1];
                         Contraction c;
                         c.m = oh;
                         c.n = ow;
                         c.k = {kh, kw};
                         c.bDependsOnM = true;
                         c.loadA = [=](OpBuilder &b, Location loc, Value,
                                       ValueRange k) {
                           return memref::LoadOp::create(
                                      b, loc, w, ValueRange{chan, k[0], k[1]})
                               .getResult();
                         };
                         c.loadB = [=](OpBuilder &b, Location loc, ValueRange k,
                                       Value row, Value n0, int64_t lanes) {
                           return loadWindowRow(b, loc, in, n, chan, row, k[0],
                                                k[1], n0, s, d, vl, lanes);
                         };
                         setOutputRows(c, out, vl, [=](Value row, Value n0) {
                           return SmallVector<Value>{n, chan, row, n0};
                         });
                         emitContraction(nb, nl, c, blk);
                       });
    return success();
  }

  /// Operands whose rows are not contiguous (views into an interleaved or
  /// transposed buffer) are copied to and from contiguous buffers around
  /// the op, so the kernel always loads whole vectors.
  static void stageStridedOperands(linalg::LinalgOp op) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    for (OpOperand &operand : op->getOpOperands()) {
      auto type = dyn_cast<MemRefType>(operand.get().getType());
      if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
          isKernelOperand(operand.get()))
        continue;
      b.setInsertionPoint(op);
      auto plain = MemRefType::get(type.getShape(), type.getElementType());
      Value staged = memref::AllocOp::create(b, loc, plain);
      linalg::CopyOp::create(b, loc, operand.get(), staged);
      if (op.isDpsInit(&operand)) {
        b.setInsertionPointAfter(op);
        linalg::CopyOp::create(b, loc, staged, operand.get());
      }
      operand.set(staged);
    }
  }

  int64_t lanesFor(Type elem) const {
    return std::max<int64_t>(vectorBits / elem.getIntOrFloatBitWidth(), 1);
  }

  /// linalg.fill, and linalg.map yielding one value defined outside it (as
  /// tensor.pad bufferizes): vector stores along contiguous rows.
  LogicalResult lowerFill(OpBuilder &b, Operation *op, Value dest,
                          Value value) {
    auto type = dyn_cast<MemRefType>(dest.getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
        !isVectorElement(type.getElementType()) ||
        value.getType() != type.getElementType())
      return failure();
    int64_t run = contiguousTrailingDims(dest);
    if (run == 0)
      return failure();
    Location loc = op->getLoc();
    Value flat = collapseTrailing(b, loc, dest, run);
    auto flatType = cast<MemRefType>(flat.getType());
    int64_t vl = lanesFor(type.getElementType());
    if (flatType.getShape().back() < vl / 2)
      return failure(); // rows too short to gain from vectors
    Value splat = vector::BroadcastOp::create(
        b, loc, VectorType::get({vl}, type.getElementType()), value);
    forEachRowVector(b, loc, flatType.getShape(), vl,
                     [&](OpBuilder &nb, Location nl, ArrayRef<Value> lead,
                         Value col, int64_t lanes) {
                       SmallVector<Value> at(lead.begin(), lead.end());
                       at.push_back(col);
                       qmlir::storeMasked(nb, nl, splat, flat, at, vl, lanes);
                     });
    return success();
  }

  /// linalg.copy between buffers whose rows are contiguous.
  LogicalResult lowerCopy(OpBuilder &b, linalg::CopyOp op) {
    Value from = op.getDpsInputs()[0], to = op.getDpsInits()[0];
    auto fromType = dyn_cast<MemRefType>(from.getType());
    auto toType = dyn_cast<MemRefType>(to.getType());
    if (!fromType || !toType || !fromType.hasStaticShape() ||
        fromType.getRank() == 0 ||
        fromType.getElementType() != toType.getElementType() ||
        !isVectorElement(fromType.getElementType()))
      return failure();
    int64_t run =
        std::min(contiguousTrailingDims(from), contiguousTrailingDims(to));
    if (run == 0)
      return failure();
    Location loc = op.getLoc();
    Value src = collapseTrailing(b, loc, from, run);
    Value dst = collapseTrailing(b, loc, to, run);
    ArrayRef<int64_t> shape = cast<MemRefType>(src.getType()).getShape();
    Type elem = fromType.getElementType();
    int64_t vl = lanesFor(elem);
    if (shape.back() < vl / 2)
      return failure();
    TypedAttr zero = b.getZeroAttr(elem);
    forEachRowVector(b, loc, shape, vl,
                     [&](OpBuilder &nb, Location nl, ArrayRef<Value> lead,
                         Value col, int64_t lanes) {
                       SmallVector<Value> at(lead.begin(), lead.end());
                       at.push_back(col);
                       Value v = loadVector(nb, nl, src, at, vl, lanes, zero);
                       qmlir::storeMasked(nb, nl, v, dst, at, vl, lanes);
                     });
    return success();
  }

  /// A float sum, max or min over the innermost dims of a buffer (global
  /// pooling, softmax, normalization statistics): loops over the kept
  /// dims; per output, `kReductionLanes` partial results accumulated along
  /// the reduced run, combined in a fixed order, then into the output.
  LogicalResult lowerReduction(OpBuilder &b, linalg::GenericOp op) {
    if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1)
      return failure();
    Value in = op.getDpsInputs()[0], out = op.getDpsInits()[0];
    auto inType = dyn_cast<MemRefType>(in.getType());
    auto outType = dyn_cast<MemRefType>(out.getType());
    if (!inType || !outType || !inType.hasStaticShape() ||
        !outType.hasStaticShape() || !inType.getElementType().isF32() ||
        !outType.getElementType().isF32())
      return failure();
    // Iterators: parallel dims, then reductions.
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    int64_t nLoops = iters.size();
    int64_t nPar = 0;
    while (nPar < nLoops && iters[nPar] == utils::IteratorType::parallel)
      ++nPar;
    if (nPar == nLoops ||
        llvm::any_of(ArrayRef(iters).drop_front(nPar), [](auto it) {
          return it != utils::IteratorType::reduction;
        }))
      return failure();
    AffineMap inMap = op.getIndexingMapsArray()[0];
    AffineMap outMap = op.getIndexingMapsArray()[1];
    if (!inMap.isIdentity() || outMap.getNumResults() != nPar)
      return failure();
    for (int64_t i = 0; i < nPar; ++i)
      if (outMap.getResult(i) != getAffineDimExpr(i, op.getContext()))
        return failure();
    // The body: one combining op of the input and the accumulator.
    Block &body = op.getRegion().front();
    if (body.getOperations().size() != 2)
      return failure();
    Operation *combine = &body.front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    if (yield.getNumOperands() != 1 ||
        yield.getOperand(0) != combine->getResult(0) ||
        combine->getNumOperands() != 2 ||
        !llvm::is_contained(combine->getOperands(), body.getArgument(0)) ||
        !llvm::is_contained(combine->getOperands(), body.getArgument(1)))
      return failure();
    std::optional<vector::CombiningKind> kind;
    float neutral = 0.0f;
    if (isa<arith::AddFOp>(combine)) {
      kind = vector::CombiningKind::ADD;
    } else if (isa<arith::MaximumFOp>(combine)) {
      kind = vector::CombiningKind::MAXIMUMF;
      neutral = -std::numeric_limits<float>::infinity();
    } else if (isa<arith::MinimumFOp>(combine)) {
      kind = vector::CombiningKind::MINIMUMF;
      neutral = std::numeric_limits<float>::infinity();
    } else if (isa<arith::MaxNumFOp>(combine)) {
      kind = vector::CombiningKind::MAXNUMF;
      neutral = -std::numeric_limits<float>::infinity();
    } else if (isa<arith::MinNumFOp>(combine)) {
      kind = vector::CombiningKind::MINNUMF;
      neutral = std::numeric_limits<float>::infinity();
    } else {
      return failure();
    }
    int64_t nRed = nLoops - nPar;
    if (contiguousTrailingDims(in) < nRed)
      return failure();
    int64_t run = 1;
    for (int64_t d : inType.getShape().drop_front(nPar))
      run *= d;
    if (run < kReductionLanes)
      return failure();
    Location loc = op.getLoc();
    Value flat = collapseTrailing(b, loc, in, nRed);
    int64_t lanes = kReductionLanes;
    Type f32 = b.getF32Type();
    auto vecType = VectorType::get({lanes}, f32);
    TypedAttr neutralAttr = b.getF32FloatAttr(neutral);
    Value init = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType, neutralAttr));
    int64_t full = run / lanes * lanes;
    auto combineVec = [&](OpBuilder &nb, Location nl, Value x,
                          Value acc) -> Value {
      switch (*kind) {
      case vector::CombiningKind::ADD:
        return arith::AddFOp::create(nb, nl, acc, x);
      case vector::CombiningKind::MAXIMUMF:
        return arith::MaximumFOp::create(nb, nl, acc, x);
      case vector::CombiningKind::MINIMUMF:
        return arith::MinimumFOp::create(nb, nl, acc, x);
      case vector::CombiningKind::MAXNUMF:
        return arith::MaxNumFOp::create(nb, nl, acc, x);
      default:
        return arith::MinNumFOp::create(nb, nl, acc, x);
      }
    };
    SmallVector<Value> ivs;
    buildParallelLoops(
        b, loc, inType.getShape().take_front(nPar), ivs,
        [&](OpBuilder &nb, Location nl, ArrayRef<Value> lead) {
          SmallVector<Value> at(lead.begin(), lead.end());
          auto loop = scf::ForOp::create(
              nb, nl, idx(nb, nl, 0), idx(nb, nl, full), idx(nb, nl, lanes),
              ValueRange{init},
              [&](OpBuilder &ib, Location il, Value col, ValueRange acc) {
                SmallVector<Value> where = at;
                where.push_back(col);
                Value x =
                    loadVector(ib, il, flat, where, lanes, lanes, neutralAttr);
                scf::YieldOp::create(ib, il,
                                     combineVec(ib, il, x, acc.front()));
              });
          Value acc = loop.getResult(0);
          if (run > full) {
            SmallVector<Value> where = at;
            where.push_back(idx(nb, nl, full));
            Value x =
                loadVector(nb, nl, flat, where, lanes, run - full, neutralAttr);
            acc = combineVec(nb, nl, x, acc);
          }
          Value total = vector::ReductionOp::create(nb, nl, *kind, acc);
          Value old = memref::LoadOp::create(nb, nl, out, at);
          Value result = combineVec(nb, nl, total, old);
          memref::StoreOp::create(nb, nl, result, out, at);
        });
    return success();
  }

  /// Packed int8 contractions, first: the zero fill of an accumulator
  /// right before one is dropped with it.
  void lowerPackedInt8Ops() {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.hasPureBufferSemantics() && qmlir::matchPackedInt8(op))
        generics.push_back(op);
    });
    qmlir::Int8KernelTarget target;
    target.vectorBits = vectorBits;
    target.vectorRegisters = vectorRegisters;
    target.vnni = vnni;
    target.usdot = usdot;
    for (linalg::GenericOp op : generics) {
      qmlir::PackedInt8Op packed = *qmlir::matchPackedInt8(op);
      auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
      if (fill && (fill.getDpsInits()[0] != packed.out ||
                   !matchPattern(fill.getDpsInputs()[0], m_Zero())))
        fill = nullptr;
      OpBuilder b(op);
      if (failed(qmlir::lowerPackedInt8(b, op.getLoc(), packed, target,
                                        /*zeroInit=*/fill != nullptr)))
        continue;
      op->erase();
      if (fill)
        fill->erase();
    }
  }

  /// Weight-only matmuls, with the zero fill of their accumulator.
  void lowerWeightOnlyOps() {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.hasPureBufferSemantics() && qmlir::matchWeightOnly(op))
        generics.push_back(op);
    });
    qmlir::WeightOnlyKernelTarget target;
    target.vectorBits = vectorBits;
    target.vectorRegisters = vectorRegisters;
    // 512-bit vectors are x86 AVX-512 (vectorShapeFor), which has vpermps.
    target.permuteTable = vectorBits == 512;
    for (linalg::GenericOp op : generics) {
      qmlir::WeightOnlyMatmul matmul = *qmlir::matchWeightOnly(op);
      auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
      if (fill && (fill.getDpsInits()[0] != matmul.out ||
                   !matchPattern(fill.getDpsInputs()[0], m_AnyZeroFloat())))
        fill = nullptr;
      OpBuilder b(op);
      if (failed(qmlir::lowerWeightOnly(b, op.getLoc(), matmul, target,
                                        /*zeroInit=*/fill != nullptr)))
        continue;
      op->erase();
      if (fill)
        fill->erase();
    }
  }

  void runOnOperation() override {
    if (vectorBits < 32 || vectorBits % 32 != 0) {
      getOperation().emitError("vector-bits must be a multiple of 32");
      return signalPassFailure();
    }
    lowerPackedInt8Ops();
    lowerWeightOnlyOps();
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      OpBuilder rb(op);
      LogicalResult moved =
          TypeSwitch<Operation *, LogicalResult>(op)
              .Case([&](linalg::FillOp f) {
                return lowerFill(rb, f, f.getDpsInits()[0],
                                 f.getDpsInputs()[0]);
              })
              .Case([&](linalg::MapOp m) -> LogicalResult {
                auto yield = cast<linalg::YieldOp>(
                    m.getMapper().front().getTerminator());
                if (m.getNumDpsInputs() != 0 || yield.getNumOperands() != 1 ||
                    yield.getOperand(0).getParentRegion() == &m.getMapper())
                  return failure();
                return lowerFill(rb, m, m.getDpsInits()[0],
                                 yield.getOperand(0));
              })
              .Case([&](linalg::CopyOp c) { return lowerCopy(rb, c); })
              .Case([&](linalg::GenericOp g) { return lowerReduction(rb, g); })
              .Default([](Operation *) { return failure(); });
      if (succeeded(moved)) {
        op->erase();
        continue;
      }
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp,
               linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(op))
        continue;
      stageStridedOperands(op);
      OpBuilder b(op);
      LogicalResult lowered =
          TypeSwitch<Operation *, LogicalResult>(op)
              .Case([&](linalg::MatmulOp m) { return lowerMatmul(b, m); })
              .Case([&](linalg::BatchMatmulOp m) {
                return lowerBatchMatmul(b, m);
              })
              .Case([&](linalg::Conv2DNchwFchwOp c) { return lowerConv(b, c); })
              .Case([&](linalg::DepthwiseConv2DNchwChwOp c) {
                return lowerDepthwise(b, c);
              })
              .Default([](Operation *) { return failure(); });
      if (succeeded(lowered))
        op->erase();
    }
  }
};
} // namespace
