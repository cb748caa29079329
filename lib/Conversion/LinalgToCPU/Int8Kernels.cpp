//===- Int8Kernels.cpp - register-tiled int8 dot-product kernels ----------===//
//
// Part of qmlir. A packed int8 contraction is C[row][col] += sum over groups
// g of 4 reduction steps of dot4(S[row][g], V[g][col]): S is read 4 bytes
// at a time and broadcast, V holds the 4 steps of a column in adjacent
// bytes (the packed weight of a matmul; a panel of the activation, packed
// here, for a convolution). A register block of MR rows x NV vectors
// of i32 accumulators is updated per group by one vpdpbusd per vector
// (u8 x s8 -> i32, exact), or by multiplies and adds on i32 vectors.
//
//===----------------------------------------------------------------------===//

#include "Int8Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <functional>

using namespace mlir;
using namespace qmlir;

namespace {

/// The register block (MR rows x NV vectors of VL i32 lanes) and the groups
/// of 4 reduction steps per depth block (KC).
struct Blocking {
  int64_t vl, mr, nv, kc;
};

/// C[row][col] += sum_g dot4(S[row][g], V[g][col]) as callbacks.
struct Int8Contraction {
  int64_t rows = 0, cols = 0;
  /// Full groups of 4 steps, and the steps of a last partial group.
  int64_t groups = 0, tail = 0;
  /// S holds the unsigned operand (matmul: the activation) or the signed one
  /// (convolutions: the weight); V the other.
  bool sUnsigned = true;
  /// S[row][g] as vector<4xi8>, bytes past `valid` zero.
  std::function<Value(OpBuilder &, Location, Value row, Value g, int64_t valid)>
      loadS;
  /// V[g][col0 + j * vl ..] as vector<4 * vl x i8>; `local` is g minus the
  /// first group of the depth block.
  std::function<Value(OpBuilder &, Location, Value g, Value local, Value col0,
                      int64_t j)>
      loadV;
  /// Called once per column block and depth block (groups [gBegin, gEnd))
  /// before its rows, for V's that are packed on the fly (and so have no
  /// partial group: the packing pads it).
  std::function<void(OpBuilder &, Location, Value gBegin, Value gEnd,
                     Value col0, int64_t cols)>
      prepareColumns;
  /// C[row][col ..] as vector<vl x i32> (lanes past `lanes` unspecified) and
  /// its store.
  std::function<Value(OpBuilder &, Location, Value row, Value col,
                      int64_t lanes)>
      loadC;
  std::function<void(OpBuilder &, Location, Value v, Value row, Value col,
                     int64_t lanes)>
      storeC;
};

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value addIdx(OpBuilder &b, Location loc, Value x, int64_t c) {
  if (c == 0)
    return x;
  return arith::AddIOp::create(b, loc, x, idx(b, loc, c));
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A vector of `vl` elements of `mem` at `indices`, masked to `lanes`
/// (other lanes zero).
Value loadMasked(OpBuilder &b, Location loc, Value mem, ValueRange indices,
                 int64_t vl, int64_t lanes) {
  Type elem = cast<MemRefType>(mem.getType()).getElementType();
  auto type = VectorType::get({vl}, elem);
  if (lanes == vl)
    return vector::LoadOp::create(b, loc, type, mem, indices);
  Value mask = vector::ConstantMaskOp::create(
      b, loc, VectorType::get({vl}, b.getI1Type()), ArrayRef<int64_t>{lanes});
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getZeroAttr(elem)));
  return vector::MaskedLoadOp::create(b, loc, type, mem, indices, mask, zero);
}

/// `then()` when `cond` holds, else `values`; a static `cond` (a constant)
/// emits one side only.
SmallVector<Value>
ifElse(OpBuilder &b, Location loc, Value cond, ValueRange values,
       function_ref<SmallVector<Value>(OpBuilder &, Location)> then) {
  if (auto c = cond.getDefiningOp<arith::ConstantIntOp>())
    return c.value() ? then(b, loc) : SmallVector<Value>(values);
  auto op = scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &tb, Location tl) {
        scf::YieldOp::create(tb, tl, then(tb, tl));
      },
      [&](OpBuilder &eb, Location el) {
        scf::YieldOp::create(eb, el, values);
      });
  return SmallVector<Value>(op.getResults());
}

/// Emits the kernels of one contraction.
class Int8Emitter {
public:
  Int8Emitter(const Int8Contraction &c, const Blocking &blk,
              const Int8KernelTarget &target, bool zeroInit)
      : c(c), blk(blk), target(target), zeroInit(zeroInit) {}

  /// Depth blocks, then column blocks, then row blocks: V's block of
  /// KC x NR bytes stays in L1 while every row passes over it, S's panel of
  /// rows x KC in L2.
  void emit(OpBuilder &b, Location loc) {
    int64_t blocks = std::max<int64_t>(ceilDiv(c.groups, blk.kc), 1);
    auto depthBlock = [&](OpBuilder &nb, Location nl, Value kb) {
      Value gBegin = arith::MulIOp::create(nb, nl, kb, idx(nb, nl, blk.kc));
      Value gEnd = arith::MinSIOp::create(
          nb, nl, addIdx(nb, nl, gBegin, blk.kc), idx(nb, nl, c.groups));
      Value first = nb.createOrFold<arith::CmpIOp>(nl, arith::CmpIPredicate::eq,
                                                   kb, idx(nb, nl, 0));
      Value last = nb.createOrFold<arith::CmpIOp>(nl, arith::CmpIPredicate::eq,
                                                  kb, idx(nb, nl, blocks - 1));
      emitColumns(nb, nl, gBegin, gEnd, first, last);
    };
    if (blocks == 1) {
      depthBlock(b, loc, idx(b, loc, 0));
      return;
    }
    scf::ForOp::create(b, loc, idx(b, loc, 0), idx(b, loc, blocks),
                       idx(b, loc, 1), ValueRange(),
                       [&](OpBuilder &nb, Location nl, Value kb, ValueRange) {
                         depthBlock(nb, nl, kb);
                         scf::YieldOp::create(nb, nl);
                       });
  }

private:
  const Int8Contraction &c;
  Blocking blk;
  Int8KernelTarget target;
  bool zeroInit;

  void emitColumns(OpBuilder &b, Location loc, Value gBegin, Value gEnd,
                   Value first, Value last) {
    int64_t nr = blk.nv * blk.vl;
    int64_t full = c.cols / nr * nr;
    Value withTail =
        c.tail ? last
               : Value(arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0));
    auto columnBlock = [&](OpBuilder &nb, Location nl, Value col0, int64_t nv,
                           int64_t lastLanes) {
      if (c.prepareColumns)
        c.prepareColumns(nb, nl, gBegin, gEnd, col0,
                         (nv - 1) * blk.vl + lastLanes);
      emitRows(nb, nl, gBegin, gEnd, first, withTail, col0, nv, lastLanes);
    };
    if (full == nr) {
      columnBlock(b, loc, idx(b, loc, 0), blk.nv, blk.vl);
    } else if (full > 0) {
      scf::ForOp::create(
          b, loc, idx(b, loc, 0), idx(b, loc, full), idx(b, loc, nr),
          ValueRange(),
          [&](OpBuilder &nb, Location nl, Value col0, ValueRange) {
            columnBlock(nb, nl, col0, blk.nv, blk.vl);
            scf::YieldOp::create(nb, nl);
          });
    }
    if (int64_t rest = c.cols - full) {
      int64_t nv = ceilDiv(rest, blk.vl);
      columnBlock(b, loc, idx(b, loc, full), nv, rest - (nv - 1) * blk.vl);
    }
  }

  void emitRows(OpBuilder &b, Location loc, Value gBegin, Value gEnd,
                Value first, Value withTail, Value col0, int64_t nv,
                int64_t lastLanes) {
    int64_t full = c.rows / blk.mr * blk.mr;
    auto block = [&](OpBuilder &nb, Location nl, Value row0, int64_t mr) {
      emitBlock(nb, nl, gBegin, gEnd, first, withTail, row0, mr, col0, nv,
                lastLanes);
    };
    if (full == blk.mr) {
      block(b, loc, idx(b, loc, 0), blk.mr);
    } else if (full > 0) {
      scf::ForOp::create(
          b, loc, idx(b, loc, 0), idx(b, loc, full), idx(b, loc, blk.mr),
          ValueRange(),
          [&](OpBuilder &nb, Location nl, Value row0, ValueRange) {
            block(nb, nl, row0, blk.mr);
            scf::YieldOp::create(nb, nl);
          });
    }
    if (c.rows > full)
      block(b, loc, idx(b, loc, full), c.rows - full);
  }

  /// One register block: accumulators initialized (zero in the first depth
  /// block when the output's contents are not read, else loaded), the
  /// groups of the depth block, the partial group, the store.
  void emitBlock(OpBuilder &b, Location loc, Value gBegin, Value gEnd,
                 Value first, Value withTail, Value row0, int64_t mr,
                 Value col0, int64_t nv, int64_t lastLanes) {
    int64_t vl = blk.vl;
    auto lanesOf = [&](int64_t j) { return j == nv - 1 ? lastLanes : vl; };
    SmallVector<Value> rows, cols;
    for (int64_t i = 0; i < mr; ++i)
      rows.push_back(addIdx(b, loc, row0, i));
    for (int64_t j = 0; j < nv; ++j)
      cols.push_back(addIdx(b, loc, col0, j * vl));
    auto load = [&](OpBuilder &nb, Location nl) {
      SmallVector<Value> acc;
      for (int64_t i = 0; i < mr; ++i)
        for (int64_t j = 0; j < nv; ++j)
          acc.push_back(c.loadC(nb, nl, rows[i], cols[j], lanesOf(j)));
      return acc;
    };
    SmallVector<Value> acc;
    if (zeroInit) {
      auto accType = VectorType::get({vl}, b.getI32Type());
      Value zero = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(accType, b.getI32IntegerAttr(0)));
      SmallVector<Value> zeros(mr * nv, zero);
      // Zeros in the first depth block, the stored partial sums after.
      Value notFirst = b.createOrFold<arith::XOrIOp>(
          loc, first, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
      acc = ifElse(b, loc, notFirst, zeros, load);
    } else {
      acc = load(b, loc);
    }
    auto loop = scf::ForOp::create(
        b, loc, gBegin, gEnd, idx(b, loc, 1), acc,
        [&](OpBuilder &nb, Location nl, Value g, ValueRange in) {
          SmallVector<Value> out(in.begin(), in.end());
          Value local = arith::SubIOp::create(nb, nl, g, gBegin);
          step(nb, nl, out, rows, col0, nv, g, local, 4);
          scf::YieldOp::create(nb, nl, out);
        });
    acc.assign(loop.getResults().begin(), loop.getResults().end());
    if (c.tail)
      acc = ifElse(b, loc, withTail, acc, [&](OpBuilder &nb, Location nl) {
        SmallVector<Value> out = acc;
        Value g = idx(nb, nl, c.groups);
        step(nb, nl, out, rows, col0, nv, g,
             arith::SubIOp::create(nb, nl, g, gBegin), c.tail);
        return out;
      });
    for (int64_t i = 0; i < mr; ++i)
      for (int64_t j = 0; j < nv; ++j)
        c.storeC(b, loc, acc[i * nv + j], rows[i], cols[j], lanesOf(j));
  }

  /// One group of 4 steps (`valid` of them: S is zero past them) into the
  /// accumulators `acc` (row-major, mr x nv).
  void step(OpBuilder &b, Location loc, SmallVectorImpl<Value> &acc,
            ArrayRef<Value> rows, Value col0, int64_t nv, Value g, Value local,
            int64_t valid) {
    int64_t vl = blk.vl, mr = rows.size();
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    auto accType = VectorType::get({vl}, i32);
    SmallVector<Value> v;
    for (int64_t j = 0; j < nv; ++j)
      v.push_back(c.loadV(b, loc, g, local, col0, j));
    if (target.vnni || target.usdot) {
      auto bytesType = VectorType::get({4 * vl}, i8);
      StringAttr intrinsic = b.getStringAttr(
          target.usdot ? "llvm.aarch64.neon.usdot.v4i32.v16i8"
          : vl == 16   ? "llvm.x86.avx512.vpdpbusd.512"
                       : "llvm.x86.avx512.vpdpbusd.256");
      for (int64_t i = 0; i < mr; ++i) {
        // The 4 bytes of S as one i32, in every lane.
        Value s = c.loadS(b, loc, rows[i], g, valid);
        Value word = vector::ExtractOp::create(
            b, loc,
            vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), s),
            ArrayRef<int64_t>{0});
        Value splat = vector::BitCastOp::create(
            b, loc, bytesType,
            vector::BroadcastOp::create(b, loc, accType, word));
        for (int64_t j = 0; j < nv; ++j) {
          Value u8 = c.sUnsigned ? splat : v[j];
          Value s8 = c.sUnsigned ? v[j] : splat;
          acc[i * nv + j] =
              LLVM::CallIntrinsicOp::create(b, loc, accType, intrinsic,
                                            ValueRange{acc[i * nv + j], u8, s8})
                  .getResult(0);
        }
      }
      return;
    }
    // Generic: V split into its 4 steps (lanes q, q + 4, ...), each
    // extended to i32; S's bytes extended and broadcast.
    auto extend = [&](OpBuilder &nb, Location nl, Value x, bool isUnsigned,
                      Type type) -> Value {
      if (isUnsigned)
        return arith::ExtUIOp::create(nb, nl, type, x);
      return arith::ExtSIOp::create(nb, nl, type, x);
    };
    SmallVector<SmallVector<Value, 4>> vq(nv);
    for (int64_t j = 0; j < nv; ++j)
      for (int64_t q = 0; q < valid; ++q) {
        SmallVector<int64_t> picks;
        for (int64_t l = 0; l < vl; ++l)
          picks.push_back(l * 4 + q);
        Value lanes = vector::ShuffleOp::create(b, loc, v[j], v[j], picks);
        vq[j].push_back(extend(b, loc, lanes, !c.sUnsigned, accType));
      }
    for (int64_t i = 0; i < mr; ++i) {
      Value s = c.loadS(b, loc, rows[i], g, valid);
      for (int64_t q = 0; q < valid; ++q) {
        Value byte = vector::ExtractOp::create(b, loc, s, ArrayRef<int64_t>{q});
        Value splat = vector::BroadcastOp::create(
            b, loc, accType, extend(b, loc, byte, c.sUnsigned, i32));
        for (int64_t j = 0; j < nv; ++j)
          acc[i * nv + j] = arith::AddIOp::create(
              b, loc, acc[i * nv + j],
              arith::MulIOp::create(b, loc, splat, vq[j][q]));
      }
    }
  }
};

/// Static buffers whose innermost dimension is contiguous.

/// The register block and depth block for a target.
Blocking blockingFor(const Int8KernelTarget &target) {
  Blocking blk;
  blk.vl = target.vectorBits / 32;
  int64_t regs = target.vectorRegisters;
  if (target.vnni || target.usdot) {
    // MR x NV accumulators, NV vectors of V and the broadcast of S.
    blk.nv = std::min<int64_t>(std::max<int64_t>(64 / blk.vl, 1),
                               regs >= 32 ? 4 : 2);
    blk.mr = std::max<int64_t>(
        std::min<int64_t>((regs - blk.nv - 2) / blk.nv, 6), 1);
  } else {
    // Accumulators plus V split into 4 steps.
    blk.nv = regs >= 32 ? 2 : 1;
    blk.mr = std::max<int64_t>(
        std::min<int64_t>((regs - 4 * blk.nv - 2) / blk.nv, 6), 1);
  }
  // V's depth block (KC groups of 4 bytes x NR columns) is 64 KiB: it
  // streams from L2 (Zen 4: 1 MiB) while the rows pass over it, and C is
  // loaded and stored once per depth block; on Zen 4, 1024-deep blocks of
  // 64 columns ran as fast as oneDNN, 256-deep ones fitting L1 (32 KiB)
  // about 5% slower for reloading C.
  int64_t nrBytes = blk.nv * blk.vl * 4;
  blk.kc = std::max<int64_t>(64 * 1024 / nrBytes, 1);
  return blk;
}

/// Nested loops over `extents` (no loop for an extent of 1) around `body`.
void buildOuterLoops(
    OpBuilder &b, Location loc, ArrayRef<int64_t> extents,
    function_ref<void(OpBuilder &, Location, ArrayRef<Value>)> body,
    SmallVector<Value> ivs = {}) {
  if (extents.empty()) {
    body(b, loc, ivs);
    return;
  }
  if (extents.front() == 1) {
    ivs.push_back(idx(b, loc, 0));
    buildOuterLoops(b, loc, extents.drop_front(), body, ivs);
    return;
  }
  scf::ForOp::create(
      b, loc, idx(b, loc, 0), idx(b, loc, extents.front()), idx(b, loc, 1),
      ValueRange(), [&](OpBuilder &nb, Location nl, Value iv, ValueRange) {
        SmallVector<Value> inner = ivs;
        inner.push_back(iv);
        buildOuterLoops(nb, nl, extents.drop_front(), body, inner);
        scf::YieldOp::create(nb, nl);
      });
}

/// 16 columns of the activation for reduction step `r` from column `col`,
/// `lanes` of them (the rest zero), as vector<16xi8>.
using RowSource = std::function<Value(OpBuilder &, Location, Value r, Value col,
                                      int64_t lanes)>;
/// Where C(row, col) is.
using OutputIndices = std::function<SmallVector<Value>(Value row, Value col)>;

/// The contraction of a weight given as rows ([M][K/4][4], S, signed) with
/// an activation packed into `panel` per depth and column block (V,
/// unsigned): byte 4 * column + s of panel row g - gBegin is reduction step
/// 4 g + s, from `rows`; steps past K are zero. `cols` is set by the caller.
Int8Contraction panelContraction(const PackedInt8Op &op, Value panel,
                                 const Blocking &blk, RowSource rows,
                                 OutputIndices at) {
  Value w = op.weight, out = op.out;
  int64_t vl = blk.vl, k = op.k, groups = ceilDiv(op.k, kInt8Depth);
  Int8Contraction c;
  c.rows = op.m;
  c.groups = groups;
  c.tail = 0;
  c.sUnsigned = false;
  c.loadS = [=](OpBuilder &nb, Location nl, Value row, Value g, int64_t) {
    return vector::LoadOp::create(nb, nl, VectorType::get({4}, nb.getI8Type()),
                                  w, ValueRange{row, g, idx(nb, nl, 0)})
        .getResult();
  };
  c.loadV = [=](OpBuilder &nb, Location nl, Value, Value local, Value,
                int64_t j) {
    return vector::LoadOp::create(
               nb, nl, VectorType::get({4 * vl}, nb.getI8Type()), panel,
               ValueRange{local, idx(nb, nl, j * vl * 4)})
        .getResult();
  };
  c.prepareColumns = [=](OpBuilder &nb, Location nl, Value gBegin, Value gEnd,
                         Value col0, int64_t cols) {
    int64_t chunks = ceilDiv(cols, kInt8TileColumns);
    Type i8 = nb.getI8Type();
    auto packGroup = [&](OpBuilder &pb, Location pl, Value g, Value local,
                         bool partial) {
      for (int64_t q = 0; q < chunks; ++q) {
        int64_t lanes =
            std::min<int64_t>(cols - q * kInt8TileColumns, kInt8TileColumns);
        Value col = addIdx(pb, pl, col0, q * kInt8TileColumns);
        SmallVector<Value> r;
        for (int64_t s = 0; s < kInt8Depth; ++s) {
          if (partial && (groups - 1) * kInt8Depth + s >= k) {
            r.push_back(arith::ConstantOp::create(
                pb, pl,
                DenseElementsAttr::get(VectorType::get({kInt8TileColumns}, i8),
                                       pb.getIntegerAttr(i8, 0))));
            continue;
          }
          Value step = addIdx(
              pb, pl, arith::MulIOp::create(pb, pl, g, idx(pb, pl, kInt8Depth)),
              s);
          r.push_back(rows(pb, pl, step, col, lanes));
        }
        // Bytes of steps 0 and 1 (2 and 3) interleaved, then pairs of them.
        SmallVector<int64_t> pairs, quads;
        for (int64_t l = 0; l < kInt8TileColumns; ++l) {
          pairs.push_back(l);
          pairs.push_back(kInt8TileColumns + l);
        }
        for (int64_t l = 0; l < kInt8TileColumns; ++l)
          for (int64_t h : {2 * l, 2 * l + 1, 2 * kInt8TileColumns + 2 * l,
                            2 * kInt8TileColumns + 2 * l + 1})
            quads.push_back(h);
        Value r01 = vector::ShuffleOp::create(pb, pl, r[0], r[1], pairs);
        Value r23 = vector::ShuffleOp::create(pb, pl, r[2], r[3], pairs);
        Value tile = vector::ShuffleOp::create(pb, pl, r01, r23, quads);
        vector::StoreOp::create(
            pb, pl, tile, panel,
            ValueRange{local, idx(pb, pl, q * kInt8TileColumns * 4)});
      }
    };
    // Full groups, then a last group with steps past K.
    bool lastPartial = k % kInt8Depth != 0;
    Value fullEnd = gEnd;
    if (lastPartial)
      fullEnd = arith::MinSIOp::create(nb, nl, gEnd, idx(nb, nl, groups - 1));
    scf::ForOp::create(
        nb, nl, gBegin, fullEnd, idx(nb, nl, 1), ValueRange(),
        [&](OpBuilder &lb, Location ll, Value g, ValueRange) {
          packGroup(lb, ll, g, arith::SubIOp::create(lb, ll, g, gBegin), false);
          scf::YieldOp::create(lb, ll);
        });
    if (lastPartial) {
      Value hasIt = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                          gEnd, idx(nb, nl, groups));
      scf::IfOp::create(nb, nl, hasIt, [&](OpBuilder &ib, Location il) {
        Value g = idx(ib, il, groups - 1);
        packGroup(ib, il, g, arith::SubIOp::create(ib, il, g, gBegin), true);
        scf::YieldOp::create(ib, il);
      });
    }
  };
  c.loadC = [=](OpBuilder &nb, Location nl, Value row, Value col,
                int64_t lanes) {
    return loadMasked(nb, nl, out, at(row, col), vl, lanes);
  };
  c.storeC = [=](OpBuilder &nb, Location nl, Value v, Value row, Value col,
                 int64_t lanes) {
    storeMasked(nb, nl, v, out, at(row, col), vl, lanes);
  };
  return c;
}

} // namespace

bool qmlir::hasContiguousRows(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  if (!type || !type.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.empty() || strides.back() == 1;
}

LogicalResult qmlir::lowerPackedInt8(OpBuilder &b, Location loc,
                                     const PackedInt8Op &op,
                                     const Int8KernelTarget &target,
                                     bool zeroInit) {
  int64_t vl = target.vectorBits / 32;
  if (vl < 4 || vl > 16 || 16 % vl != 0 || target.vectorRegisters < 8)
    return failure();
  // vpdpbusd comes in 256 and 512 bits.
  Int8KernelTarget t = target;
  t.vnni = target.vnni && vl >= 8;
  t.usdot = target.usdot && vl == 4;
  if (!hasContiguousRows(op.activation) || !hasContiguousRows(op.out) ||
      !cast<MemRefType>(op.weight.getType()).getLayout().isIdentity())
    return failure();
  Blocking blk = blockingFor(t);
  Type i8 = b.getI8Type();

  if (op.kind == PackedInt8Kind::PackedRhs) {
    // S: the activation's rows; V: the weight's tiles, [N/16][K/4][64].
    Value a = op.activation, out = op.out;
    Value w = memref::CollapseShapeOp::create(
        b, loc, op.weight, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    Int8Contraction c;
    c.rows = op.m;
    c.cols = op.n;
    c.groups = op.k / kInt8Depth;
    c.tail = op.k % kInt8Depth;
    c.sUnsigned = true;
    c.loadS = [=](OpBuilder &nb, Location nl, Value row, Value g,
                  int64_t valid) {
      Value k = arith::MulIOp::create(nb, nl, g, idx(nb, nl, kInt8Depth));
      return loadMasked(nb, nl, a, ValueRange{row, k}, 4, valid);
    };
    c.loadV = [=](OpBuilder &nb, Location nl, Value g, Value, Value col0,
                  int64_t j) {
      Value col = addIdx(nb, nl, col0, j * vl);
      Value tile =
          arith::DivUIOp::create(nb, nl, col, idx(nb, nl, kInt8TileColumns));
      Value within =
          arith::RemUIOp::create(nb, nl, col, idx(nb, nl, kInt8TileColumns));
      Value byte =
          arith::MulIOp::create(nb, nl, within, idx(nb, nl, kInt8Depth));
      return vector::LoadOp::create(nb, nl, VectorType::get({4 * vl}, i8), w,
                                    ValueRange{tile, g, byte})
          .getResult();
    };
    c.loadC = [=](OpBuilder &nb, Location nl, Value row, Value col,
                  int64_t lanes) {
      return loadMasked(nb, nl, out, ValueRange{row, col}, vl, lanes);
    };
    c.storeC = [=](OpBuilder &nb, Location nl, Value v, Value row, Value col,
                   int64_t lanes) {
      storeMasked(nb, nl, v, out, ValueRange{row, col}, vl, lanes);
    };
    Int8Emitter(c, blk, t, zeroInit).emit(b, loc);
    return success();
  }

  // PackedLhs and PackedConv: S is the weight's rows ([M][K/4][4], zero
  // padded), V a panel of the activation packed here. A 1x1 convolution is
  // one contraction per image over its flattened pixels, a general one one
  // per output row.
  Value x = op.activation, out = op.out;
  int64_t cols = op.kind == PackedInt8Kind::PackedLhs
                     ? op.n
                     : cast<MemRefType>(out.getType()).getDimSize(3);
  int64_t panelColumns = std::min(blk.nv * vl, cols);
  int64_t panelBytes =
      ceilDiv(panelColumns, kInt8TileColumns) * kInt8TileColumns * kInt8Depth;
  Value panel = memref::AllocOp::create(
      b, loc,
      MemRefType::get({std::min(blk.kc, ceilDiv(op.k, kInt8Depth)), panelBytes},
                      i8),
      b.getI64IntegerAttr(64));
  SmallVector<int64_t> outer = {op.batch};
  if (op.kind == PackedInt8Kind::PackedConv)
    outer.push_back(cast<MemRefType>(out.getType()).getDimSize(2));
  buildOuterLoops(
      b, loc, outer, [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) {
        Value image = ivs[0];
        if (op.kind == PackedInt8Kind::PackedLhs) {
          Int8Contraction c = panelContraction(
              op, panel, blk,
              [=](OpBuilder &pb, Location pl, Value r, Value col,
                  int64_t lanes) {
                return loadMasked(pb, pl, x, ValueRange{image, r, col},
                                  kInt8TileColumns, lanes);
              },
              [=](Value row, Value col) {
                return SmallVector<Value>{image, row, col};
              });
          c.cols = op.n;
          Int8Emitter(c, blk, t, zeroInit).emit(nb, nl);
          return;
        }
        // The row of input c at y sy + i dy, columns x sx + j dx, for r =
        // (c KH + i) KW + j; every sx-th byte of a wide load when sx > 1.
        Value y = ivs[1];
        int64_t kh = op.kh, kw = op.kw;
        int64_t sy = op.strides[0], sx = op.strides[1], dy = op.dilations[0],
                dx = op.dilations[1];
        Int8Contraction c = panelContraction(
            op, panel, blk,
            [=](OpBuilder &pb, Location pl, Value r, Value col, int64_t lanes) {
              auto div = [&](Value v, int64_t d) -> Value {
                return d == 1
                           ? v
                           : arith::DivUIOp::create(pb, pl, v, idx(pb, pl, d))
                                 .getResult();
              };
              auto rem = [&](Value v, int64_t d) -> Value {
                return d == 1
                           ? idx(pb, pl, 0)
                           : arith::RemUIOp::create(pb, pl, v, idx(pb, pl, d))
                                 .getResult();
              };
              Value ch = div(r, kh * kw);
              Value i = rem(div(r, kw), kh), j = rem(r, kw);
              auto mulAdd = [&](Value a, int64_t ca, Value b2, int64_t cb) {
                Value s = arith::MulIOp::create(pb, pl, a, idx(pb, pl, ca));
                return arith::AddIOp::create(
                           pb, pl, s,
                           arith::MulIOp::create(pb, pl, b2, idx(pb, pl, cb)))
                    .getResult();
              };
              Value iy = mulAdd(y, sy, i, dy), ix = mulAdd(col, sx, j, dx);
              if (sx == 1)
                return loadMasked(pb, pl, x, ValueRange{image, ch, iy, ix},
                                  kInt8TileColumns, lanes);
              Value wide =
                  loadMasked(pb, pl, x, ValueRange{image, ch, iy, ix},
                             kInt8TileColumns * sx, (lanes - 1) * sx + 1);
              SmallVector<int64_t> picks;
              for (int64_t t = 0; t < kInt8TileColumns; ++t)
                picks.push_back(t * sx);
              return Value(
                  vector::ShuffleOp::create(pb, pl, wide, wide, picks));
            },
            [=](Value row, Value col) {
              return SmallVector<Value>{image, row, y, col};
            });
        c.cols = cols;
        Int8Emitter(c, blk, t, zeroInit).emit(nb, nl);
      });
  return success();
}

void qmlir::storeMasked(OpBuilder &b, Location loc, Value v, Value mem,
                        ValueRange indices, int64_t vl, int64_t lanes) {
  if (lanes == vl) {
    vector::StoreOp::create(b, loc, v, mem, indices);
    return;
  }
  Value mask = vector::ConstantMaskOp::create(
      b, loc, VectorType::get({vl}, b.getI1Type()), ArrayRef<int64_t>{lanes});
  vector::MaskedStoreOp::create(b, loc, mem, indices, mask, v);
}
