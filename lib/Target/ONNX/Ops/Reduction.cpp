//===- Reduction.cpp - ONNX Reduce*, ArgMax, ArgMin -----------------------===//
//
// Part of qmlir. The ten Reduce* ops become q.reduce with their kind; the
// axes are an attribute before opset 18 (an input for ReduceSum since
// opset 13) and must be known at compile time. Empty axes mean all of
// them, or no reduction at all with noop_with_empty_axes.
//
//===----------------------------------------------------------------------===//

#include "StaticInputs.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

static LogicalResult importReduce(NodeImporter &n, StringRef kind,
                                  int64_t axesInputSince) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto inType = cast<RankedTensorType>(x.getType());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> axes;
  if (n.getOpset() >= axesInputSince) {
    if (n.hasInput(1)) {
      std::optional<SmallVector<int64_t>> a = staticInts(n, 1, "axes");
      if (!a)
        return failure();
      axes = *a;
    }
  } else {
    axes = n.attrInts("axes");
  }
  if (axes.empty() && n.attrInt("noop_with_empty_axes", 0)) {
    n.setOutput(0, x);
    return success();
  }
  SmallVector<int64_t> normalized;
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      normalized.push_back(d);
  for (int64_t a : axes) {
    std::optional<int64_t> axis = normalizeAxis(a, rank);
    if (!axis || llvm::is_contained(normalized, *axis))
      return n.emitError() << "axis " << a << " is out of range for rank "
                           << rank << " or repeated";
    normalized.push_back(*axis);
  }
  llvm::sort(normalized);
  if ((kind == "l2" || kind == "log_sum" || kind == "log_sum_exp") &&
      !isa<FloatType>(inType.getElementType()))
    return n.emitError() << n.proto().op_type() << " of "
                         << inType.getElementType()
                         << " is unsupported (float types only)";
  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  n.setOutput(
      0, q::ReduceOp::create(n.b(), n.getLoc(), type, kind, x, normalized));
  return success();
}

template <typename OpTy> static LogicalResult importArgReduce(NodeImporter &n) {
  Value x = n.input(0);
  RankedTensorType type = n.outputType();
  if (!x || !type)
    return failure();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", 0), rank);
  if (!axis)
    return n.emitError() << "axis " << n.attrInt("axis", 0)
                         << " out of range for rank " << rank;
  n.setOutput(0, OpTy::create(n.b(), n.getLoc(), type, x, *axis,
                              n.attrInt("select_last_index", 0) != 0));
  return success();
}

void registerReductionOps(ImporterRegistry &r) {
  // ReduceSum takes its axes as an input since opset 13, the others since
  // opset 18.
  struct Entry {
    const char *opType, *kind;
    int64_t axesInputSince;
  };
  static const Entry entries[] = {
      {"ReduceSum", "sum", 13},        {"ReduceMean", "mean", 18},
      {"ReduceMax", "max", 18},        {"ReduceMin", "min", 18},
      {"ReduceProd", "prod", 18},      {"ReduceL1", "l1", 18},
      {"ReduceL2", "l2", 18},          {"ReduceSumSquare", "sum_square", 18},
      {"ReduceLogSum", "log_sum", 18}, {"ReduceLogSumExp", "log_sum_exp", 18},
  };
  for (const Entry &e : entries)
    r.add("", e.opType, [e](NodeImporter &n) {
      return importReduce(n, e.kind, e.axesInputSince);
    });
  r.add("", "ArgMax", importArgReduce<q::ArgMaxOp>);
  r.add("", "ArgMin", importArgReduce<q::ArgMinOp>);
}

} // namespace qmlir::onnx_import
