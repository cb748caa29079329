//===- WeightOnlyKernels.cpp - dequantize-in-register matmuls -------------===//
//
// Part of qmlir. A weight-only matmul out[m][n] = sum_k a[m][k] w(n, k)
// with w(n, k) = (v(code) - z[n][g]) s[n][g] over blocks g of `group`
// steps is computed as
//   sum_g s[n][g] (sum_{k in g} a[m][k] v(code) - z[n][g] sum_{k in g} a[m][k])
// for a block of MR rows x NR columns: per chunk of 16 code bytes (32
// steps of 4-bit codes, a byte's low nibble holding step j and its high one
// step j + 16; or 16 steps of 8-bit codes), each byte vector is widened,
// split into nibbles, turned into f32 (a conversion, or a codebook lookup)
// and multiplied into the block's accumulators; the scale and zero point
// are applied once per block of steps. The weights stream through once per
// MR rows: for decoding (M = 1) the loop is bound by memory bandwidth.
//
//===----------------------------------------------------------------------===//

#include "WeightOnlyKernels.h"
#include "Int8Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace qmlir;

namespace {

constexpr int64_t kChunkBytes = kWeightOnlyChunkBytes;
/// How many chunks ahead of the one it reads the kernel prefetches.
constexpr int64_t kPrefetchChunks = 8;

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value addIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return c == 0 ? v : arith::AddIOp::create(b, loc, v, idx(b, loc, c));
}

class WeightOnlyEmitter {
public:
  WeightOnlyEmitter(const WeightOnlyMatmul &op,
                    const WeightOnlyKernelTarget &target, bool zeroInit)
      : op(op), target(target), zeroInit(zeroInit),
        vl(target.vectorBits / 32),
        chunkSteps(weightOnlyChunkSteps(op.bits)) {}

  LogicalResult emit(OpBuilder &b, Location loc) {
    if (vl < 4 || vl > 16 || kChunkBytes % vl != 0)
      return failure();
    groups = llvm::divideCeil(op.k, op.group);
    if (op.group % chunkSteps != 0 && groups > 1)
      return failure();
    regularGroups =
        op.k % op.group == 0 && op.group % chunkSteps == 0 ? groups
                                                           : groups - 1;
    f32 = b.getF32Type();
    vecF32 = VectorType::get({vl}, f32);
    // With vpermps, 4-bit integer codes are looked up too (in the table
    // 0..15): it reads only an index's low 4 bits, which saves masking the
    // low nibble, and costs what a conversion would.
    if (target.permuteTable && vl == 16 && op.bits == 4) {
      SmallVector<float, 16> values(op.table.begin(), op.table.end());
      if (values.empty())
        for (int64_t i = 0; i < 16; ++i)
          values.push_back(static_cast<float>(i));
      tableVector = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(vecF32, ArrayRef<float>(values)));
    } else if (!op.table.empty() &&
               !isa<MemRefType>(op.tableSource.getType())) {
      return failure();
    }
    // Rows per block: the accumulators (2 per row and column) and the
    // vectors in flight must fit the registers.
    int64_t nr = kWeightOnlyColumns;
    int64_t mr = target.vectorRegisters >= 32 ? 2 : 1;
    mr = std::min<int64_t>(mr, op.m);
    nr = std::min<int64_t>(nr, op.n);
    forBlocks(b, loc, op.m, mr, [&](OpBuilder &mb, Location ml, Value m0,
                                    int64_t rows) {
      forBlocks(mb, ml, op.n, nr,
                [&](OpBuilder &nb, Location nl, Value n0, int64_t cols) {
                  block(nb, nl, m0, n0, rows, cols);
                });
    });
    return success();
  }

private:
  const WeightOnlyMatmul &op;
  WeightOnlyKernelTarget target;
  bool zeroInit;
  int64_t vl, chunkSteps, groups = 0, regularGroups = 0;
  Type f32;
  VectorType vecF32;
  Value tableVector;

  using BlockFn =
      llvm::function_ref<void(OpBuilder &, Location, Value, int64_t)>;

  /// Calls `fn` for blocks of `size` along a dimension of `extent`: a loop
  /// over the full ones, then the last partial one.
  void forBlocks(OpBuilder &b, Location loc, int64_t extent, int64_t size,
                 BlockFn fn) {
    int64_t full = extent / size;
    if (full > 1) {
      scf::ForOp::create(b, loc, idx(b, loc, 0), idx(b, loc, full * size),
                         idx(b, loc, size), ValueRange(),
                         [&](OpBuilder &nb, Location nl, Value i, ValueRange) {
                           fn(nb, nl, i, size);
                           scf::YieldOp::create(nb, nl);
                         });
    } else if (full == 1) {
      fn(b, loc, idx(b, loc, 0), size);
    }
    if (extent % size != 0)
      fn(b, loc, idx(b, loc, full * size), extent % size);
  }

  /// f32 values of the codes in `codes` (vector<vl x i32>).
  Value decode(OpBuilder &b, Location loc, Value codes) {
    if (tableVector)
      return LLVM::CallIntrinsicOp::create(
                 b, loc, vecF32,
                 b.getStringAttr("llvm.x86.avx512.permvar.sf.512"),
                 ValueRange{tableVector, codes})
          .getResult(0);
    if (op.table.empty())
      return arith::UIToFPOp::create(b, loc, vecF32, codes);
    auto maskType = VectorType::get({vl}, b.getI1Type());
    Value all = vector::ConstantMaskOp::create(b, loc, maskType,
                                               ArrayRef<int64_t>{vl});
    Value zero = arith::ConstantOp::create(b, loc, vecF32,
                                           DenseElementsAttr::get(
                                               vecF32, 0.0f));
    return vector::GatherOp::create(b, loc, vecF32, op.tableSource,
                                    ValueRange{idx(b, loc, 0)}, codes, all,
                                    zero);
  }

  /// a[row][k ..] as vector<vl x f32>, lanes at or past `valid` zero.
  Value loadA(OpBuilder &b, Location loc, Value row, Value k, int64_t valid) {
    if (valid >= vl)
      return vector::LoadOp::create(b, loc, vecF32, op.a, ValueRange{row, k});
    auto maskType = VectorType::get({vl}, b.getI1Type());
    Value mask = vector::ConstantMaskOp::create(b, loc, maskType,
                                                ArrayRef<int64_t>{valid});
    Value zero = arith::ConstantOp::create(
        b, loc, vecF32, DenseElementsAttr::get(vecF32, 0.0f));
    return vector::MaskedLoadOp::create(b, loc, vecF32, op.a,
                                        ValueRange{row, k}, mask, zero);
  }

  /// One chunk of `valid` steps from step `k0`: updates the per-block
  /// accumulators `acc` [rows][cols] and the sums of a `sums` [rows].
  void chunk(OpBuilder &b, Location loc, Value m0, Value n0, int64_t rows,
             int64_t cols, Value k0, int64_t valid, SmallVectorImpl<Value> &acc,
             SmallVectorImpl<Value> &sums) {
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    auto bytesType = VectorType::get({vl}, i8);
    auto codesType = VectorType::get({vl}, i32);
    // The tile of columns n0 .. n0 + 3 and chunk: whole chunks of bytes,
    // padded, are always there.
    Value tile = arith::DivUIOp::create(b, loc, n0,
                                        idx(b, loc, kWeightOnlyColumns));
    Value chunkIndex =
        arith::DivUIOp::create(b, loc, k0, idx(b, loc, chunkSteps));
    int64_t chunks = cast<MemRefType>(op.packed.getType()).getDimSize(1);
    // The tile streams from memory: ask for it ahead, within its range.
    Value ahead = arith::MinUIOp::create(
        b, loc, addIdx(b, loc, chunkIndex, kPrefetchChunks),
        idx(b, loc, chunks - 1));
    memref::PrefetchOp::create(
        b, loc, op.packed,
        ValueRange{tile, ahead, idx(b, loc, 0), idx(b, loc, 0)},
        /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
    for (int64_t s = 0; s < kChunkBytes / vl; ++s) {
      // Steps (relative to k0) of the vectors this byte vector holds.
      SmallVector<int64_t, 2> offsets = {s * vl};
      if (op.bits == 4)
        offsets.push_back(kChunkBytes + s * vl);
      if (offsets.front() >= valid)
        break;
      // values[c][e]: column c's codes at offsets[e], in f32.
      SmallVector<SmallVector<Value, 2>> values(cols);
      for (int64_t c = 0; c < cols; ++c) {
        Value bytes = vector::LoadOp::create(
            b, loc, bytesType, op.packed,
            ValueRange{tile, chunkIndex, idx(b, loc, c), idx(b, loc, s * vl)});
        Value wide = arith::ExtUIOp::create(b, loc, codesType, bytes);
        if (op.bits == 8) {
          values[c].push_back(decode(b, loc, wide));
          continue;
        }
        auto splat = [&](int64_t v) -> Value {
          return arith::ConstantOp::create(
              b, loc, codesType,
              DenseElementsAttr::get(codesType, APInt(32, v)));
        };
        // vpermps ignores all but the low 4 bits of an index.
        Value low = tableVector
                        ? wide
                        : Value(arith::AndIOp::create(b, loc, wide, splat(15)));
        values[c].push_back(decode(b, loc, low));
        values[c].push_back(
            decode(b, loc, arith::ShRUIOp::create(b, loc, wide, splat(4))));
      }
      for (auto [e, off] : llvm::enumerate(offsets)) {
        if (off >= valid)
          continue;
        Value k = addIdx(b, loc, k0, off);
        for (int64_t r = 0; r < rows; ++r) {
          Value x = loadA(b, loc, addIdx(b, loc, m0, r), k, valid - off);
          if (!sums.empty())
            sums[r] = arith::AddFOp::create(b, loc, sums[r], x);
          for (int64_t c = 0; c < cols; ++c)
            acc[r * cols + c] = vector::FMAOp::create(
                b, loc, x, values[c][e], acc[r * cols + c]);
        }
      }
    }
  }

  /// The result of group `g` (an index Value) folded into `total`:
  /// total += s (acc - z sums).
  void finishGroup(OpBuilder &b, Location loc, Value n0, int64_t rows,
                   int64_t cols, Value g, ArrayRef<Value> acc,
                   ArrayRef<Value> sums, SmallVectorImpl<Value> &total) {
    for (int64_t c = 0; c < cols; ++c) {
      Value col = addIdx(b, loc, n0, c);
      Value s = memref::LoadOp::create(b, loc, op.scale, ValueRange{col, g});
      Value sv = vector::BroadcastOp::create(b, loc, vecF32, s);
      Value nz;
      if (op.zeroPoint) {
        Value z =
            memref::LoadOp::create(b, loc, op.zeroPoint, ValueRange{col, g});
        nz = vector::BroadcastOp::create(
            b, loc, vecF32, arith::NegFOp::create(b, loc, z));
      }
      for (int64_t r = 0; r < rows; ++r) {
        Value a = acc[r * cols + c];
        if (nz)
          a = vector::FMAOp::create(b, loc, nz, sums[r], a);
        total[r * cols + c] =
            vector::FMAOp::create(b, loc, a, sv, total[r * cols + c]);
      }
    }
  }

  Value zeroVector(OpBuilder &b, Location loc) {
    return arith::ConstantOp::create(b, loc, vecF32,
                                     DenseElementsAttr::get(vecF32, 0.0f));
  }

  /// Group `g` with `steps` steps from `k0`: chunks, then its result added
  /// to `total`.
  void group(OpBuilder &b, Location loc, Value m0, Value n0, int64_t rows,
             int64_t cols, Value g, Value k0, int64_t steps,
             SmallVectorImpl<Value> &total) {
    int64_t nAcc = rows * cols, nSums = op.zeroPoint ? rows : 0;
    SmallVector<Value> init(nAcc + nSums, zeroVector(b, loc));
    int64_t fullChunks = steps / chunkSteps, tail = steps % chunkSteps;
    SmallVector<Value> state = init;
    auto split = [&](ValueRange all, SmallVectorImpl<Value> &acc,
                     SmallVectorImpl<Value> &sums) {
      acc.assign(all.begin(), all.begin() + nAcc);
      sums.assign(all.begin() + nAcc, all.end());
    };
    if (fullChunks > 0) {
      auto loop = scf::ForOp::create(
          b, loc, idx(b, loc, 0), idx(b, loc, fullChunks * chunkSteps),
          idx(b, loc, chunkSteps), init,
          [&](OpBuilder &nb, Location nl, Value i, ValueRange iter) {
            SmallVector<Value> acc, sums;
            split(iter, acc, sums);
            Value k = arith::AddIOp::create(nb, nl, k0, i);
            chunk(nb, nl, m0, n0, rows, cols, k, chunkSteps, acc, sums);
            SmallVector<Value> next(acc);
            next.append(sums);
            scf::YieldOp::create(nb, nl, next);
          });
      state.assign(loop.getResults().begin(), loop.getResults().end());
    }
    SmallVector<Value> acc, sums;
    split(state, acc, sums);
    if (tail > 0)
      chunk(b, loc, m0, n0, rows, cols,
            addIdx(b, loc, k0, fullChunks * chunkSteps), tail, acc, sums);
    finishGroup(b, loc, n0, rows, cols, g, acc, sums, total);
  }

  /// out[m0 .. m0 + rows][n0 .. n0 + cols].
  void block(OpBuilder &b, Location loc, Value m0, Value n0, int64_t rows,
             int64_t cols) {
    int64_t nAcc = rows * cols;
    SmallVector<Value> total(nAcc, zeroVector(b, loc));
    if (regularGroups > 0) {
      auto loop = scf::ForOp::create(
          b, loc, idx(b, loc, 0), idx(b, loc, regularGroups), idx(b, loc, 1),
          total, [&](OpBuilder &nb, Location nl, Value g, ValueRange iter) {
            SmallVector<Value> t(iter.begin(), iter.end());
            Value k0 = arith::MulIOp::create(nb, nl, g, idx(nb, nl, op.group));
            group(nb, nl, m0, n0, rows, cols, g, k0, op.group, t);
            scf::YieldOp::create(nb, nl, t);
          });
      total.assign(loop.getResults().begin(), loop.getResults().end());
    }
    if (regularGroups < groups) {
      int64_t g = groups - 1;
      group(b, loc, m0, n0, rows, cols, idx(b, loc, g),
            idx(b, loc, g * op.group), op.k - g * op.group, total);
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        Value sum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, total[r * cols + c]);
        SmallVector<Value> where = {addIdx(b, loc, m0, r),
                                    addIdx(b, loc, n0, c)};
        if (!zeroInit)
          sum = arith::AddFOp::create(
              b, loc, memref::LoadOp::create(b, loc, op.out, where), sum);
        memref::StoreOp::create(b, loc, sum, op.out, where);
      }
  }
};

} // namespace

LogicalResult qmlir::lowerWeightOnly(OpBuilder &b, Location loc,
                                     const WeightOnlyMatmul &op,
                                     const WeightOnlyKernelTarget &target,
                                     bool zeroInit) {
  if (!hasContiguousRows(op.a) || !hasContiguousRows(op.packed) ||
      !isa<MemRefType>(op.out.getType()))
    return failure();
  return WeightOnlyEmitter(op, target, zeroInit).emit(b, loc);
}
