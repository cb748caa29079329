//===- LoraMerge.cpp - the q-lora-merge pass ------------------------------===//
//
// Part of qmlir. PEFT LoRA adapters applied to a float model: merged into
// the MatMul/Gemm weights, or added beside them as `((x @ A^T) @ B^T) * s`
// (the QLoRA inference form); LoRA subgraphs already in the graph folded
// into their base weights. The matching rules are in docs/lora.md.
//
//===----------------------------------------------------------------------===//

#include "NodeNames.h"
#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"
#include "qmlir/Target/PEFT/LoraAdapter.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include <map>

namespace qmlir {
#define GEN_PASS_DEF_QLORAMERGE
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;
using llvm::MapVector;
using llvm::StringMap;

namespace {

//===----------------------------------------------------------------------===//
// MatMul / Gemm weights
//===----------------------------------------------------------------------===//

/// The operand index of the weight of a q.matmul (rhs) or q.gemm (b).
constexpr unsigned kWeightOperand = 1;

bool isLinear(Operation *op) { return isa<q::MatMulOp, q::GemmOp>(op); }

StringRef onnxOpType(Operation *op) {
  return isa<q::GemmOp>(op) ? "Gemm" : "MatMul";
}

/// "node '/model/q_proj/MatMul' (MatMul)".
std::string describeNode(Operation *op) {
  return "node '" + nodeName(op->getLoc()) + "' (" + onnxOpType(op).str() + ")";
}

/// The input features and output features of a 2-D weight, and whether the
/// op reads it as [out, in] (Gemm with trans_b) rather than [in, out].
struct WeightShape {
  int64_t in = 0, out = 0;
  bool outIn = false;
};

std::optional<WeightShape> weightShape(Operation *op) {
  auto type =
      dyn_cast<RankedTensorType>(op->getOperand(kWeightOperand).getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape())
    return std::nullopt;
  WeightShape s;
  s.outIn = isa<q::GemmOp>(op) && cast<q::GemmOp>(op).getTransB();
  s.in = type.getDimSize(s.outIn ? 1 : 0);
  s.out = type.getDimSize(s.outIn ? 0 : 1);
  return s;
}

/// The constant a weight is read from, through transposes, casts and
/// dequantization (whose name is the ONNX initializer's), or null.
q::ConstantOp weightSource(Value weight) {
  while (Operation *def = weight.getDefiningOp()) {
    if (auto cst = dyn_cast<q::ConstantOp>(def))
      return cst;
    if (!isa<q::TransposeOp, q::CastOp, q::DequantizeOp, q::DequantizeLinearOp,
             q::StorageCastOp, q::FakeQuantOp>(def))
      return {};
    weight = def->getOperand(0);
  }
  return {};
}

/// The f32 values of a weight in the layout the op reads it, when it is an
/// f32 q.constant or a 2-D q.transpose of one; `source` is that constant.
std::optional<std::vector<float>> readWeight(Value weight,
                                             q::ConstantOp &source) {
  if (auto cst = weight.getDefiningOp<q::ConstantOp>()) {
    source = cst;
    return q::readF32Constant(weight);
  }
  auto transpose = weight.getDefiningOp<q::TransposeOp>();
  if (!transpose || transpose.getPerm() != ArrayRef<int64_t>{1, 0})
    return std::nullopt;
  source = transpose.getInput().getDefiningOp<q::ConstantOp>();
  if (!source)
    return std::nullopt;
  std::optional<std::vector<float>> stored = q::readF32Constant(source);
  if (!stored)
    return std::nullopt;
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  std::vector<float> out(stored->size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      out[j * rows + i] = (*stored)[i * cols + j];
  return out;
}

/// Adds `s * (B @ A)` (B [out, r], A [r, in]) to `acc`, a weight laid out
/// [out, in] when `outIn`, else [in, out]. Sums in double.
void addUpdate(std::vector<double> &acc, ArrayRef<float> a, ArrayRef<float> b,
               int64_t r, const WeightShape &shape, double s) {
  std::vector<double> row(shape.in);
  for (int64_t o = 0; o < shape.out; ++o) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int64_t k = 0; k < r; ++k) {
      double bk = b[o * r + k];
      const float *ak = a.data() + k * shape.in;
      for (int64_t i = 0; i < shape.in; ++i)
        row[i] += bk * ak[i];
    }
    for (int64_t i = 0; i < shape.in; ++i)
      acc[shape.outIn ? o * shape.in + i : i * shape.out + o] += s * row[i];
  }
}

/// `values` ([rows, cols]) transposed.
std::vector<float> transposed(ArrayRef<float> values, int64_t rows,
                              int64_t cols) {
  std::vector<float> out(values.size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      out[j * rows + i] = values[i * cols + j];
  return out;
}

/// Replaces `op`'s weight by the constant `merged` (in the op's layout),
/// built where the old weight's constant `source` was and named after it.
void setMergedWeight(RewriterBase &rewriter, Operation *op,
                     q::ConstantOp source, ArrayRef<double> merged) {
  auto type = cast<RankedTensorType>(op->getOperand(kWeightOperand).getType());
  std::vector<float> values(merged.begin(), merged.end());
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(source);
  Value weight = q::buildF32Constant(rewriter, source.getLoc(), type, values,
                                     blobName(source.getLoc(), ".lora"));
  rewriter.modifyOpInPlace(op, [&] { op->setOperand(kWeightOperand, weight); });
}

/// Erases the replaced weights (constants, or transposes and their
/// constants) nothing reads any more; each op once.
void eraseUnusedWeights(RewriterBase &rewriter, ArrayRef<Operation *> weights) {
  SetVector<Operation *> constants;
  for (Operation *w : weights) {
    if (!isa<q::TransposeOp>(w)) {
      constants.insert(w);
    } else if (w->use_empty()) {
      constants.insert(w->getOperand(0).getDefiningOp());
      rewriter.eraseOp(w);
    }
  }
  for (Operation *c : constants)
    if (c->use_empty())
      rewriter.eraseOp(c);
}

//===----------------------------------------------------------------------===//
// LoRA subgraphs in the graph
//===----------------------------------------------------------------------===//

/// `base + MatMul(MatMul(x, A^T), B^T) * s` where `base` is a MatMul/Gemm
/// of the same `x` (plus a constant bias) with a constant weight: the
/// update `s * (B @ A)` goes into that weight, the branch away. This is how
/// torch exports a PEFT model that was not merged (dropout is the identity
/// at inference).
struct FoldInGraphLora : OpRewritePattern<q::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(q::AddOp add,
                                PatternRewriter &rewriter) const override {
    for (unsigned side = 0; side < 2; ++side)
      if (succeeded(fold(add, add->getOperand(side), add->getOperand(1 - side),
                         rewriter)))
        return success();
    return rewriter.notifyMatchFailure(add, "not a LoRA branch onto a matmul");
  }

private:
  LogicalResult fold(q::AddOp add, Value branch, Value base,
                     PatternRewriter &rewriter) const {
    auto type = cast<RankedTensorType>(add.getType());
    if (!type.getElementType().isF32() || branch.getType() != type ||
        base.getType() != type)
      return failure();
    // The scaling: a one-element constant times the B product.
    auto mul = branch.getDefiningOp<q::MulOp>();
    if (!mul || !mul->hasOneUse())
      return failure();
    std::optional<std::vector<float>> scale;
    Value product;
    for (unsigned i = 0; i < 2 && !scale; ++i)
      if (auto c = q::readF32Constant(mul->getOperand(i));
          c && c->size() == 1) {
        scale = c;
        product = mul->getOperand(1 - i);
      }
    if (!scale || product.getType() != type)
      return failure();
    auto up = product.getDefiningOp<q::MatMulOp>();
    if (!up || !up->hasOneUse())
      return failure();
    auto down = up.getLhs().getDefiningOp<q::MatMulOp>();
    if (!down || !down->hasOneUse())
      return failure();
    auto atType = dyn_cast<RankedTensorType>(down.getRhs().getType());
    auto btType = dyn_cast<RankedTensorType>(up.getRhs().getType());
    if (!atType || !btType || atType.getRank() != 2 || btType.getRank() != 2)
      return failure();
    std::optional<std::vector<float>> at = q::readF32Constant(down.getRhs()),
                                      bt = q::readF32Constant(up.getRhs());
    if (!at || !bt)
      return failure();
    int64_t in = atType.getDimSize(0), r = atType.getDimSize(1),
            out = btType.getDimSize(1);
    if (btType.getDimSize(0) != r)
      return failure();
    Value x = down.getLhs();

    // The base op, possibly followed by its bias.
    Operation *baseOp = base.getDefiningOp();
    if (auto bias = dyn_cast_or_null<q::AddOp>(baseOp)) {
      if (!bias->hasOneUse())
        return failure();
      baseOp = nullptr;
      for (unsigned i = 0; i < 2 && !baseOp; ++i)
        if (bias->getOperand(1 - i).getDefiningOp<q::ConstantOp>())
          baseOp = bias->getOperand(i).getDefiningOp();
    }
    if (!baseOp || !isLinear(baseOp) || !baseOp->hasOneUse() ||
        baseOp->getOperand(0) != x)
      return failure();
    double alpha = 1.0;
    if (auto gemm = dyn_cast<q::GemmOp>(baseOp)) {
      if (gemm.getTransA())
        return failure();
      alpha = gemm.getAlpha().convertToDouble();
      if (alpha == 0)
        return failure();
    }
    std::optional<WeightShape> shape = weightShape(baseOp);
    if (!shape || shape->in != in || shape->out != out)
      return failure();
    q::ConstantOp source;
    std::optional<std::vector<float>> w =
        readWeight(baseOp->getOperand(kWeightOperand), source);
    if (!w)
      return failure();

    std::vector<double> merged(w->begin(), w->end());
    addUpdate(merged, transposed(*at, in, r), transposed(*bt, r, out), r,
              *shape, static_cast<double>((*scale)[0]) / alpha);
    Operation *oldWeight = baseOp->getOperand(kWeightOperand).getDefiningOp();
    setMergedWeight(rewriter, baseOp, source, merged);
    eraseUnusedWeights(rewriter, {oldWeight});
    Operation *atOp = down.getRhs().getDefiningOp(),
              *btOp = up.getRhs().getDefiningOp(),
              *scaleOp = mul->getOperand(product == mul.getLhs() ? 1 : 0)
                             .getDefiningOp();
    rewriter.replaceOp(add, base);
    rewriter.eraseOp(mul);
    rewriter.eraseOp(up);
    rewriter.eraseOp(down);
    for (Operation *cst : {atOp, btOp, scaleOp})
      if (cst && cst->use_empty())
        rewriter.eraseOp(cst);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Adapters
//===----------------------------------------------------------------------===//

/// A MatMul/Gemm an adapter may target, with the names it is matched by.
struct Site {
  Operation *op;
  WeightShape shape;
  /// The initializer the weight is read from ("" when computed).
  std::string weightName;
};

/// The torch module path in a node name: `/model/layers.0/q_proj/MatMul`
/// gives `model.layers.0.q_proj` ("" without a scope).
std::string scopeOf(StringRef node) {
  node.consume_front("/");
  SmallVector<StringRef> parts;
  node.split(parts, '/');
  if (parts.size() < 2)
    return "";
  parts.pop_back();
  if (llvm::is_contained(parts, StringRef()))
    return "";
  return llvm::join(parts, ".");
}

/// One adapter module applied to one op.
struct Contribution {
  unsigned adapter;
  const peft::LoraModule *module;
};

/// Applies the adapters of one q-lora-merge run to a module.
class AdapterApplier {
public:
  AdapterApplier(ModuleOp module, ArrayRef<std::string> specs, bool merging,
                 StringRef mapFile)
      : module(module), specs(specs), merging(merging), mapFile(mapFile) {}

  LogicalResult run() {
    if (failed(loadAdapters()))
      return failure();
    std::vector<Site> sites;
    module.walk([&](Operation *op) {
      if (!isLinear(op))
        return;
      std::optional<WeightShape> shape = weightShape(op);
      if (!shape)
        return;
      q::ConstantOp source = weightSource(op->getOperand(kWeightOperand));
      sites.push_back({op, *shape, source ? nodeName(source.getLoc()) : ""});
    });
    if (failed(match(sites)) || failed(checkShapes(sites)))
      return failure();
    return merging ? merge(sites) : addBranches(sites);
  }

private:
  InFlightDiagnostic error(Location loc) {
    return emitError(loc) << "q-lora-merge: ";
  }
  LogicalResult loadAdapters();
  LogicalResult match(ArrayRef<Site> sites);
  LogicalResult checkShapes(ArrayRef<Site> sites);
  LogicalResult merge(ArrayRef<Site> sites);
  LogicalResult addBranches(ArrayRef<Site> sites);

  ModuleOp module;
  ArrayRef<std::string> specs;
  bool merging;
  std::string mapFile;
  std::vector<std::unique_ptr<peft::LoraAdapter>> loaded;
  std::vector<double> scales;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> mapping;
  /// The contributions to each site (index into the site list), in order.
  MapVector<size_t, SmallVector<Contribution>> plan;
};

struct QLoraMergePass : qmlir::impl::QLoraMergeBase<QLoraMergePass> {
  using QLoraMergeBase::QLoraMergeBase;
  void runOnOperation() override;
};

void QLoraMergePass::runOnOperation() {
  ModuleOp module = getOperation();
  auto fail = [&]() { return emitError(module.getLoc()) << "q-lora-merge: "; };
  if (mode != "merge" && mode != "unmerged") {
    fail() << "unknown mode '" << mode << "' (expected merge or unmerged)";
    return signalPassFailure();
  }
  if (adapters.empty() && mode == "unmerged") {
    fail() << "mode=unmerged needs adapters=DIR[,DIR...]";
    return signalPassFailure();
  }
  if (adapters.empty() && !map.empty()) {
    fail() << "map=" << map << " needs adapters=DIR[,DIR...] to apply to";
    return signalPassFailure();
  }

  if (mode == "merge") {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldInGraphLora>(&getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    for (auto func : module.getOps<func::FuncOp>())
      if (failed(applyPatternsGreedily(func, frozen, config)))
        return signalPassFailure();
  }
  if (adapters.empty())
    return;
  std::vector<std::string> specs(adapters.begin(), adapters.end());
  if (failed(AdapterApplier(module, specs, mode == "merge", map).run()))
    return signalPassFailure();
}

LogicalResult AdapterApplier::loadAdapters() {
  Location loc = module.getLoc();
  StringMap<unsigned> tagCount;
  for (const std::string &spec : specs) {
    peft::AdapterSpec parsed = peft::parseAdapterSpec(spec);
    std::string message;
    std::unique_ptr<peft::LoraAdapter> adapter =
        peft::LoraAdapter::load(parsed.dir, message);
    if (!adapter)
      return error(loc) << message;
    StringRef base =
        llvm::sys::path::filename(StringRef(parsed.dir).rtrim('/'));
    std::string tag = base.empty() ? "adapter" : base.str();
    if (unsigned n = tagCount[tag]++)
      tag += "_" + std::to_string(n + 1);
    loaded.push_back(std::move(adapter));
    scales.push_back(parsed.scale);
    tags.push_back(tag);
  }
  if (!mapFile.empty()) {
    std::string message;
    if (!peft::readModuleMap(mapFile, mapping, message))
      return error(loc) << message;
    llvm::StringSet<> paths;
    for (const auto &adapter : loaded)
      for (const peft::LoraModule &m : adapter->modules())
        paths.insert(m.path);
    for (const auto &[path, target] : mapping)
      if (!paths.contains(path))
        return error(loc) << "the mapping file '" << mapFile
                          << "' names module '" << path
                          << "', which no adapter has";
  }
  return success();
}

LogicalResult AdapterApplier::match(ArrayRef<Site> sites) {
  StringMap<SmallVector<size_t>> byNode, byWeight, byScope;
  for (auto [i, site] : llvm::enumerate(sites)) {
    std::string node = nodeName(site.op->getLoc());
    byNode[node].push_back(i);
    if (std::string scope = scopeOf(node); !scope.empty())
      byScope[scope].push_back(i);
    if (!site.weightName.empty())
      byWeight[site.weightName].push_back(i);
  }
  StringMap<std::string> mapped;
  for (const auto &[path, target] : mapping)
    mapped[path] = target;
  auto lookup = [](const StringMap<SmallVector<size_t>> &index,
                   StringRef key) -> ArrayRef<size_t> {
    auto it = index.find(key);
    return it == index.end() ? ArrayRef<size_t>() : ArrayRef(it->second);
  };

  for (auto [k, adapter] : llvm::enumerate(loaded)) {
    std::vector<std::string> unmatched, problems;
    DenseMap<size_t, const peft::LoraModule *> taken;
    for (const peft::LoraModule &m : adapter->modules()) {
      SetVector<size_t> found;
      auto it = mapped.find(m.path);
      if (it != mapped.end()) {
        for (ArrayRef<size_t> list :
             {lookup(byNode, it->second), lookup(byWeight, it->second)})
          found.insert(list.begin(), list.end());
        if (found.empty()) {
          problems.push_back("the mapping file maps module '" + m.path +
                             "' to '" + it->second +
                             "', which is no MatMul/Gemm node or weight of "
                             "the model");
          continue;
        }
      } else {
        for (ArrayRef<size_t> list :
             {lookup(byWeight, m.path + ".weight"), lookup(byScope, m.path)})
          found.insert(list.begin(), list.end());
        if (found.empty()) {
          unmatched.push_back(m.a->name);
          unmatched.push_back(m.b->name);
          continue;
        }
      }
      // Several ops are one layer only when they share its weight.
      auto identity = [&](size_t i) -> const void * {
        Value w = sites[i].op->getOperand(kWeightOperand);
        if (q::ConstantOp source = weightSource(w))
          return source.getOperation();
        return w.getAsOpaquePointer();
      };
      if (llvm::any_of(found, [&](size_t i) {
            return identity(i) != identity(found.front());
          })) {
        std::vector<std::string> nodes;
        for (size_t i : found)
          nodes.push_back(describeNode(sites[i].op));
        problems.push_back(
            "module '" + m.path + "' matches " + std::to_string(found.size()) +
            " ops with different weights: " + llvm::join(nodes, ", ") +
            "; name the one meant in a mapping file");
        continue;
      }
      for (size_t i : found) {
        auto [slot, inserted] = taken.try_emplace(i, &m);
        if (!inserted) {
          problems.push_back(describeNode(sites[i].op) +
                             " is matched by two modules, '" +
                             slot->second->path + "' and '" + m.path + "'");
          continue;
        }
        plan[i].push_back({static_cast<unsigned>(k), &m});
      }
    }
    if (!unmatched.empty())
      problems.insert(problems.begin(),
                      std::to_string(unmatched.size()) +
                          " tensors match no MatMul/Gemm weight of the "
                          "model: " +
                          llvm::join(unmatched, ", "));
    if (!problems.empty()) {
      InFlightDiagnostic diag = error(module.getLoc());
      diag << "adapter '" << adapter->dir() << "' does not fit the model:";
      for (const std::string &p : problems)
        diag << "\n  " << p;
      diag << "\n  (modules match an initializer 'MODULE.weight' or a node "
              "scope '/MODULE/...'; see docs/lora.md, or name them in a "
              "mapping file with map=FILE)";
      return failure();
    }
  }
  return success();
}

LogicalResult AdapterApplier::checkShapes(ArrayRef<Site> sites) {
  for (const auto &[i, contributions] : plan) {
    const Site &site = sites[i];
    for (const Contribution &c : contributions) {
      const peft::LoraModule &m = *c.module;
      if (m.inFeatures() == site.shape.in && m.outFeatures() == site.shape.out)
        continue;
      return error(site.op->getLoc())
             << "adapter '" << loaded[c.adapter]->dir() << "' module '"
             << m.path << "' (lora_A " << m.a->describe() << ", lora_B "
             << m.b->describe() << ": " << m.inFeatures() << " -> "
             << m.outFeatures() << " features) does not fit "
             << describeNode(site.op) << ", whose weight "
             << (site.weightName.empty() ? "" : "'" + site.weightName + "' ")
             << "maps " << site.shape.in << " -> " << site.shape.out
             << " features";
    }
    if (merging) {
      q::ConstantOp source;
      if (!readWeight(site.op->getOperand(kWeightOperand), source))
        return error(site.op->getLoc())
               << describeNode(site.op)
               << ": its weight is not an f32 constant (it is quantized or "
                  "computed), so LoRA cannot be merged into it; merge before "
                  "quantizing, or use mode=unmerged";
      if (auto gemm = dyn_cast<q::GemmOp>(site.op);
          gemm && gemm.getAlpha().isZero())
        return error(site.op->getLoc())
               << describeNode(site.op)
               << " has alpha = 0, so an update of its weight has no effect; "
                  "use mode=unmerged";
    } else {
      Value x = site.op->getOperand(0);
      if (!cast<RankedTensorType>(x.getType()).getElementType().isF32() ||
          !cast<RankedTensorType>(site.op->getResult(0).getType())
               .getElementType()
               .isF32())
        return error(site.op->getLoc())
               << describeNode(site.op) << " computes in "
               << cast<RankedTensorType>(x.getType()).getElementType()
               << "; LoRA branches are added to f32 ops";
    }
  }
  return success();
}

LogicalResult AdapterApplier::merge(ArrayRef<Site> sites) {
  IRRewriter rewriter(module.getContext());
  // Ops reading one weight with the same updates (and gemm alpha, which
  // divides them) share the merged weight. Old weights are erased at the
  // end, so no key refers to an erased value.
  std::map<std::tuple<const void *, std::vector<const void *>, double>, Value>
      done;
  SetVector<Operation *> oldWeights;
  for (const auto &[i, contributions] : plan) {
    const Site &site = sites[i];
    Value old = site.op->getOperand(kWeightOperand);
    oldWeights.insert(old.getDefiningOp());
    double alpha = 1.0;
    if (auto gemm = dyn_cast<q::GemmOp>(site.op))
      alpha = gemm.getAlpha().convertToDouble();
    std::vector<const void *> modules;
    for (const Contribution &c : contributions)
      modules.push_back(c.module);
    auto [slot, inserted] =
        done.try_emplace({old.getAsOpaquePointer(), modules, alpha}, Value());
    if (!inserted) {
      Value shared = slot->second;
      rewriter.modifyOpInPlace(
          site.op, [&] { site.op->setOperand(kWeightOperand, shared); });
      continue;
    }
    q::ConstantOp source;
    std::optional<std::vector<float>> w = readWeight(old, source);
    std::vector<double> merged(w->begin(), w->end());
    for (const Contribution &c : contributions) {
      const peft::LoraAdapter &adapter = *loaded[c.adapter];
      std::vector<float> a, b;
      std::string message;
      if (!adapter.readA(*c.module, a, message) ||
          !adapter.readB(*c.module, b, message))
        return error(site.op->getLoc()) << message;
      addUpdate(merged, a, b, c.module->rank, site.shape,
                scales[c.adapter] * c.module->scaling / alpha);
    }
    setMergedWeight(rewriter, site.op, source, merged);
    slot->second = site.op->getOperand(kWeightOperand);
  }
  eraseUnusedWeights(rewriter, oldWeights.getArrayRef());
  return success();
}

LogicalResult AdapterApplier::addBranches(ArrayRef<Site> sites) {
  OpBuilder b(module.getContext());
  Type f32 = b.getF32Type();
  DenseMap<Block *, Operation *> lastConstant;
  for (const auto &[i, contributions] : plan) {
    Operation *op = sites[i].op;
    const WeightShape &shape = sites[i].shape;
    std::string node = nodeName(op->getLoc());
    auto func = op->getParentOfType<func::FuncOp>();
    Block &entry = func.getBody().front();
    Value y = op->getResult(0);
    auto yType = cast<RankedTensorType>(y.getType());
    b.setInsertionPointAfter(op);
    Value x = op->getOperand(0);
    if (auto gemm = dyn_cast<q::GemmOp>(op); gemm && gemm.getTransA()) {
      auto aType = cast<RankedTensorType>(x.getType());
      x = q::TransposeOp::create(
          b, NameLoc::get(b.getStringAttr(node + "/lora/input"), op->getLoc()),
          RankedTensorType::get({aType.getDimSize(1), aType.getDimSize(0)},
                                f32),
          x, ArrayRef<int64_t>{1, 0});
    }
    auto xType = cast<RankedTensorType>(x.getType());
    Value sum = y;
    Operation *firstAdd = nullptr;
    for (const Contribution &c : contributions) {
      const peft::LoraAdapter &adapter = *loaded[c.adapter];
      const peft::LoraModule &m = *c.module;
      std::vector<float> a, bw;
      std::string message;
      if (!adapter.readA(m, a, message) || !adapter.readB(m, bw, message))
        return error(op->getLoc()) << message;
      std::string prefix = node + "/" + tags[c.adapter] + "/";
      auto named = [&](StringRef what) {
        return NameLoc::get(b.getStringAttr(prefix + what), op->getLoc());
      };
      int64_t r = m.rank;
      Value at, bt, s;
      {
        // The new weights go at the top of the function, in order.
        OpBuilder::InsertionGuard guard(b);
        if (Operation *last = lastConstant.lookup(&entry))
          b.setInsertionPointAfter(last);
        else
          b.setInsertionPointToStart(&entry);
        at = q::buildF32Constant(
            b, named("lora_A"), RankedTensorType::get({shape.in, r}, f32),
            transposed(a, r, shape.in), blobName(named("lora_A"), ".weight"));
        bt = q::buildF32Constant(
            b, named("lora_B"), RankedTensorType::get({r, shape.out}, f32),
            transposed(bw, shape.out, r), blobName(named("lora_B"), ".weight"));
        s = q::buildF32Constant(
            b, named("scaling"), RankedTensorType::get({}, f32),
            {static_cast<float>(scales[c.adapter] * m.scaling)},
            blobName(named("scaling"), ""));
        lastConstant[&entry] = s.getDefiningOp();
      }
      SmallVector<int64_t> hShape(xType.getShape());
      hShape.back() = r;
      auto h = q::MatMulOp::create(b, named("lora_A/MatMul"),
                                   RankedTensorType::get(hShape, f32), x, at);
      auto d = q::MatMulOp::create(b, named("lora_B/MatMul"), yType, h, bt);
      // The branch says which adapter it is, so that weight quantization
      // leaves it in f32 (QLoRA's inference form: a low-bit base, f32
      // adapters).
      for (Operation *branch : {h.getOperation(), d.getOperation()})
        branch->setAttr(q::kLoraAdapterAttr, b.getStringAttr(tags[c.adapter]));
      Value ds = q::MulOp::create(b, named("Mul"), yType, d, s);
      auto add = q::AddOp::create(b, named("Add"), yType, sum, ds);
      if (!firstAdd)
        firstAdd = add;
      sum = add;
    }
    y.replaceAllUsesExcept(sum, firstAdd);
  }
  return success();
}

} // namespace
