//===- PlanWorkspace.cpp - the q-plan-workspace pass ----------------------===//
//
// Part of qmlir. Every buffer a bufferized function allocates becomes a view
// into one caller-provided workspace; buffers that are never live at the same
// time share bytes. The emitted code then needs no allocator at all.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/LinalgToCPU/PlanWorkspace.h"
#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"

namespace qmlir {
#define GEN_PASS_DEF_QPLANWORKSPACE
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using qmlir::kWorkspaceAlignment;

namespace {
/// One allocation and where, in the order of the function's top-level ops,
/// it or any of its aliases is in use.
struct Buffer {
  memref::AllocOp alloc;
  int64_t size = 0;
  int64_t alignment = kWorkspaceAlignment;
  unsigned begin = 0, end = 0;
  int64_t offset = -1;
  SmallVector<memref::DeallocOp> deallocs;

  bool overlaps(const Buffer &other) const {
    return begin <= other.end && other.begin <= end;
  }
};
} // namespace

/// Bytes of a statically shaped memref with the identity layout, as its
/// elements are laid out by the LLVM lowering (the data layout's sizes).
static FailureOr<int64_t> byteSize(memref::AllocOp alloc,
                                   const DataLayout &layout) {
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape())
    return alloc.emitError("cannot plan the workspace: the buffer has the "
                           "dynamic shape ")
           << type
           << "; every shape must be static (pin symbolic input dimensions "
              "with --input-shape)";
  if (!type.getLayout().isIdentity())
    return alloc.emitError("cannot plan the workspace: the buffer ")
           << type << " has a non-identity layout";
  if (type.getMemorySpace())
    return alloc.emitError("cannot plan the workspace: the buffer ")
           << type << " is in memory space " << type.getMemorySpace();
  return type.getNumElements() *
         static_cast<int64_t>(layout.getTypeSize(type.getElementType()));
}

/// Finds every value that aliases `alloc` and records the top-level extent
/// of their uses in `buffer`. Fails (with a diagnostic) for what the plan
/// cannot express: a buffer that leaves the function, or one that a loop
/// carries from the iteration that allocated it into the next.
static LogicalResult
computeLiveRange(Buffer &buffer, Block &body,
                 const DenseMap<Operation *, unsigned> &order) {
  auto indexOf = [&](Operation *op) {
    return order.lookup(body.findAncestorOpInBlock(*op));
  };
  Operation *allocOp = buffer.alloc;
  buffer.begin = buffer.end = indexOf(allocOp);

  llvm::SetVector<Value> aliases;
  aliases.insert(buffer.alloc.getResult());
  auto addMemRefs = [&](auto values) {
    for (Value v : values)
      if (isa<BaseMemRefType>(v.getType()))
        aliases.insert(v);
  };
  auto addRegionArguments = [&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        addMemRefs(block.getArguments());
  };

  for (size_t i = 0; i < aliases.size(); ++i) {
    Value value = aliases[i];
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        buffer.deallocs.push_back(dealloc);
        continue;
      }
      buffer.end = std::max(buffer.end, indexOf(user));
      if (isa<func::ReturnOp>(user))
        return buffer.alloc.emitError(
            "cannot plan the workspace: the buffer is returned from the "
            "function (results must be out-parameters, see q-bufferize)");
      if (user->hasTrait<OpTrait::IsTerminator>()) {
        // Yielded: it flows to the parent's results and, for a loop, into
        // the next iteration, where a buffer allocated inside the loop
        // would be allocated again over itself.
        Operation *parent = user->getParentOp();
        if (isa<LoopLikeOpInterface>(parent) &&
            parent->isProperAncestor(allocOp))
          return buffer.alloc.emitError(
                     "cannot plan the workspace: the buffer is allocated in "
                     "a loop and carried into its next iteration by ")
                 << parent->getName();
        addMemRefs(parent->getResults());
        addRegionArguments(parent);
        continue;
      }
      if (auto loop = dyn_cast<LoopLikeOpInterface>(user)) {
        if (BlockArgument arg = loop.getTiedLoopRegionIterArg(&use)) {
          aliases.insert(arg);
          if (OpResult result = loop.getTiedLoopResult(&use))
            aliases.insert(result);
          continue;
        }
      }
      // Views, casts and reshapes (and, conservatively, anything else that
      // takes the buffer and gives back memrefs) alias it.
      addMemRefs(user->getResults());
      if (user->getNumRegions())
        addRegionArguments(user);
    }
  }
  return success();
}

/// Greedy by size, best fit: the largest buffers are placed first, each in
/// the smallest gap (or at the end) among the already placed buffers whose
/// live ranges overlap its own. Returns the workspace size.
static int64_t assignOffsets(MutableArrayRef<Buffer> buffers) {
  SmallVector<Buffer *> bySize;
  for (Buffer &b : buffers)
    bySize.push_back(&b);
  llvm::stable_sort(bySize, [](const Buffer *a, const Buffer *b) {
    if (a->size != b->size)
      return a->size > b->size;
    return a->begin < b->begin;
  });

  SmallVector<Buffer *> placed;
  int64_t total = 0;
  for (Buffer *b : bySize) {
    SmallVector<Buffer *> live;
    for (Buffer *p : placed)
      if (p->overlaps(*b))
        live.push_back(p);
    llvm::sort(live, [](const Buffer *x, const Buffer *y) {
      return x->offset < y->offset;
    });
    int64_t best = -1, bestGap = std::numeric_limits<int64_t>::max();
    int64_t freeFrom = 0;
    for (Buffer *p : live) {
      int64_t start = llvm::alignTo(freeFrom, b->alignment);
      if (start + b->size <= p->offset && p->offset - start < bestGap) {
        best = start;
        bestGap = p->offset - start;
      }
      freeFrom = std::max(freeFrom, p->offset + p->size);
    }
    b->offset = best >= 0 ? best : llvm::alignTo(freeFrom, b->alignment);
    total = std::max(total, b->offset + b->size);
    placed.push_back(b);
  }
  return llvm::alignTo(total, kWorkspaceAlignment);
}

static LogicalResult planFunction(func::FuncOp func, StringRef attrName) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("cannot plan the workspace of @")
           << func.getSymName()
           << ": the function has more than one block (plan before "
              "lowering structured control flow)";
  Block &body = func.getBody().front();
  DenseMap<Operation *, unsigned> order;
  for (auto [i, op] : llvm::enumerate(body))
    order[&op] = i;

  DataLayout layout = DataLayout::closest(func);
  SmallVector<Buffer> buffers;
  WalkResult walk = func.walk([&](memref::AllocOp alloc) {
    Buffer b;
    b.alloc = alloc;
    FailureOr<int64_t> size = byteSize(alloc, layout);
    if (failed(size))
      return WalkResult::interrupt();
    b.size = *size;
    if (std::optional<uint64_t> align = alloc.getAlignment()) {
      if (*align > static_cast<uint64_t>(kWorkspaceAlignment)) {
        alloc.emitError("cannot plan the workspace: the buffer asks for ")
            << *align << "-byte alignment; the workspace guarantees "
            << kWorkspaceAlignment;
        return WalkResult::interrupt();
      }
    }
    if (failed(computeLiveRange(b, body, order)))
      return WalkResult::interrupt();
    buffers.push_back(std::move(b));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  int64_t total = assignOffsets(buffers);
  MLIRContext *ctx = func.getContext();
  auto workspaceType = MemRefType::get({total}, IntegerType::get(ctx, 8));
  unsigned index = func.getNumArguments();
  if (failed(func.insertArgument(index, workspaceType, DictionaryAttr(),
                                 func.getLoc())))
    return func.emitError("cannot add the workspace argument");
  func->setAttr(attrName, IntegerAttr::get(IntegerType::get(ctx, 64), total));
  if (buffers.empty())
    return success();

  // The C ABI rejects a misaligned workspace, so LLVM may rely on it.
  OpBuilder builder = OpBuilder::atBlockBegin(&body);
  Value workspace = memref::AssumeAlignmentOp::create(
      builder, func.getLoc(), func.getArgument(index), kWorkspaceAlignment);
  for (Buffer &b : buffers) {
    builder.setInsertionPoint(b.alloc);
    Location loc = b.alloc.getLoc();
    Value offset = arith::ConstantIndexOp::create(builder, loc, b.offset);
    Value view = memref::ViewOp::create(builder, loc, b.alloc.getType(),
                                        workspace, offset, ValueRange());
    b.alloc.getResult().replaceAllUsesWith(view);
    for (memref::DeallocOp dealloc : b.deallocs)
      dealloc.erase();
    b.alloc.erase();
  }
  return success();
}

namespace {
struct QPlanWorkspacePass
    : qmlir::impl::QPlanWorkspaceBase<QPlanWorkspacePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      // A called function cannot take its own workspace from its callers.
      if (!SymbolTable::symbolKnownUseEmpty(func, module)) {
        func.emitError("cannot plan the workspace of @")
            << func.getSymName()
            << ": it is called within the module; only entry functions "
               "take a workspace";
        return signalPassFailure();
      }
      if (failed(planFunction(func, qmlir::kWorkspaceSizeAttrName)))
        return signalPassFailure();
    }
  }
};
} // namespace
