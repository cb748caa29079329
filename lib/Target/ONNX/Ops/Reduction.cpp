//===- Reduction.cpp - ONNX Reduce*, ArgMax, ArgMin -----------------------===//
//
// Part of qmlir. The ten Reduce* ops become q.reduce with their kind; the
// axes are an attribute before opset 18 (an input for ReduceSum since
// opset 13) and must be known at compile time. Empty axes mean all of
// them, or no reduction at all with noop_with_empty_axes.
//
// Export writes the axes in the form of the model's opset: an attribute
// before opset 18, an input from then on (and ReduceSum's always).
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
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

/// The opset-18 version of `opType` (its axes an input, as ReduceSum's
/// since opset 13), which libonnx 1.12 lacks: built from version 13 with
/// ReduceSum-13's shape inference, which reads the axes input.
static void addAxesInputSchema(ImporterRegistry &r, StringRef opType) {
  const onnx::OpSchema *old = onnx::OpSchemaRegistry::Schema(opType.str(), 13);
  const onnx::OpSchema *sum = onnx::OpSchemaRegistry::Schema("ReduceSum", 13);
  if (!old || old->SinceVersion() >= 18 || !sum)
    return;
  onnx::OpSchema schema(old->Name(), __FILE__, __LINE__);
  schema.SetDomain(old->domain()).SinceVersion(18);
  for (const auto &entry : old->attributes())
    if (entry.first != "axes")
      schema.Attr(entry.second);
  schema.Attr("noop_with_empty_axes",
              "With empty axes: 1 passes the input on, 0 reduces all axes.",
              onnx::AttributeProto::INT, static_cast<int64_t>(0));
  const auto &data = old->inputs()[0];
  schema.Input(0, data.GetName(), data.GetDescription(), data.GetTypeStr());
  schema.Input(1, "axes", "The axes to reduce (all when empty).",
               "tensor(int64)", onnx::OpSchema::Optional);
  const auto &out = old->outputs()[0];
  schema.Output(0, out.GetName(), out.GetDescription(), out.GetTypeStr());
  for (const auto &c : old->typeConstraintParams())
    schema.TypeConstraint(c.type_param_str, c.allowed_type_strs, c.description);
  schema.TypeAndShapeInferenceFunction(sum->GetTypeAndShapeInferenceFunction());
  r.addSchema(std::move(schema));
}

namespace {
/// A member of the Reduce* family: its ONNX op, q.reduce's kind, and the
/// opset from which its axes are an input.
struct ReduceKind {
  const char *opType, *kind;
  int64_t axesInputSince;
};
} // namespace

static const ReduceKind kReduceKinds[] = {
    {"ReduceSum", "sum", 13},        {"ReduceMean", "mean", 18},
    {"ReduceMax", "max", 18},        {"ReduceMin", "min", 18},
    {"ReduceProd", "prod", 18},      {"ReduceL1", "l1", 18},
    {"ReduceL2", "l2", 18},          {"ReduceSumSquare", "sum_square", 18},
    {"ReduceLogSum", "log_sum", 18}, {"ReduceLogSumExp", "log_sum_exp", 18},
};

void registerReductionOps(ImporterRegistry &r) {
  for (const ReduceKind &k : kReduceKinds) {
    r.add("", k.opType, [k](NodeImporter &n) {
      return importReduce(n, k.kind, k.axesInputSince);
    });
    if (k.axesInputSince == 18)
      addAxesInputSchema(r, k.opType);
  }
  r.add("", "ArgMax", importArgReduce<q::ArgMaxOp>);
  r.add("", "ArgMin", importArgReduce<q::ArgMinOp>);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

static int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

static LogicalResult exportReduce(q::ReduceOp op, NodeExporter &e) {
  const onnx_import::ReduceKind *k = llvm::find_if(
      onnx_import::kReduceKinds,
      [&](const onnx_import::ReduceKind &k) { return op.getKind() == k.kind; });
  // No axes: nothing is reduced (ONNX would reduce them all).
  if (op.getAxes().empty()) {
    e.alias(0, op.getInput());
    return success();
  }
  bool axesInput = e.getOpset() >= k->axesInputSince;
  onnx::NodeProto &node =
      e.addNode(k->opType,
                {e.name(op.getInput()),
                 axesInput ? e.i64Vector(op.getAxes(), "axes") : std::string()},
                {e.output()});
  if (!axesInput)
    setIntsAttr(node, "axes", op.getAxes());
  setIntAttr(node, "keepdims",
             rankOf(op.getOutput()) == rankOf(op.getInput()) ? 1 : 0);
  return success();
}

template <typename OpTy>
static LogicalResult exportArgReduce(OpTy op, NodeExporter &e) {
  onnx::NodeProto &node = e.addNodeOfOperands(
      std::is_same_v<OpTy, q::ArgMaxOp> ? "ArgMax" : "ArgMin");
  setIntAttr(node, "axis", op.getAxis());
  setIntAttr(node, "keepdims",
             rankOf(op.getOutput()) == rankOf(op.getInput()) ? 1 : 0);
  setIntAttr(node, "select_last_index", op.getSelectLastIndex() ? 1 : 0);
  return success();
}

void registerReductionExporters(ExporterRegistry &r) {
  r.add<q::ReduceOp>(exportReduce);
  r.add<q::ArgMaxOp>(exportArgReduce<q::ArgMaxOp>);
  r.add<q::ArgMinOp>(exportArgReduce<q::ArgMinOp>);
}

} // namespace qmlir::onnx_export
