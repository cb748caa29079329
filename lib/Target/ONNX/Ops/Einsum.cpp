//===- Einsum.cpp - ONNX Einsum -------------------------------------------===//
//
// Part of qmlir. Einsum is not a q op: it decomposes into the ops later
// passes already know.
//
// - A label repeated in one operand (a diagonal) is a transpose, a
//   q.gather_elements with constant indices and a reshape.
// - A label that only one operand has and the output lacks is summed out
//   with q.reduce.
// - Operands contract pairwise, left to right, as one q.matmul: each is
//   transposed to [batch, free, contracted] (resp. [batch, contracted,
//   free]) and reshaped to 3-D (2-D without batch labels).
// - The result is transposed into the output's order.
//
// Ellipsis dimensions get labels of their own, aligned on the right across
// operands; a label of size 1 in one operand broadcasts (q.expand) to its
// size in the other. Only float operands are supported (q.matmul's types).
//
// Einsum has no q op, so this family exports nothing: its ops export with
// their own families.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace qmlir::onnx_import {

namespace {

/// A letter is its character code; ellipsis dimension k (counted over the
/// widest ellipsis) is kEllipsisLabel + k.
constexpr int kEllipsisLabel = 256;

struct Term {
  SmallVector<int> labels;
  Value value;

  RankedTensorType type() const {
    return cast<RankedTensorType>(value.getType());
  }
  int64_t size(int label) const {
    return type().getDimSize(llvm::find(labels, label) - labels.begin());
  }
};

class EinsumImporter {
public:
  explicit EinsumImporter(NodeImporter &n) : n(n) {}
  LogicalResult run();

private:
  InFlightDiagnostic error() {
    return n.emitError() << "equation '" << n.attrString("equation", "")
                         << "': ";
  }
  /// Parses one side of the equation ("ij...k"); `rank` is the operand's
  /// rank, or -1 for the output (whose ellipsis is the widest one).
  FailureOr<SmallVector<int>> parseTerm(StringRef text, int64_t rank);

  Value reshape(Value v, ArrayRef<int64_t> shape);
  /// Transposes `t` so its labels are `order` (a permutation of them).
  void transposeTo(Term &t, ArrayRef<int> order);
  /// Takes the diagonal of every label repeated in `t`.
  void takeDiagonals(Term &t);
  /// Sums out the labels of `t` that are not in `keep`.
  void sumOut(Term &t, ArrayRef<int> keep);
  /// Broadcasts the labels of `t` that have size 1 to their size in
  /// `other`.
  void broadcastTo(Term &t, const Term &other);
  Term contract(Term a, Term b, ArrayRef<int> keep);

  NodeImporter &n;
  int64_t ellipsisRank = 0;
};

} // namespace

FailureOr<SmallVector<int>> EinsumImporter::parseTerm(StringRef text,
                                                      int64_t rank) {
  SmallVector<int> labels;
  size_t dots = text.find("...");
  StringRef before = text.substr(0, dots);
  StringRef after = dots == StringRef::npos ? "" : text.substr(dots + 3);
  for (StringRef part : {before, after})
    for (char c : part)
      if (!llvm::isAlpha(c)) {
        error() << "'" << c << "' is not a letter";
        return failure();
      }
  int64_t letters = before.size() + after.size();
  int64_t ellipsis = 0;
  if (dots != StringRef::npos)
    ellipsis = rank < 0 ? ellipsisRank : rank - letters;
  if (rank >= 0 &&
      (ellipsis < 0 || (dots == StringRef::npos && letters != rank))) {
    error() << "term '" << text << "' does not match an operand of rank "
            << rank;
    return failure();
  }
  for (char c : before)
    labels.push_back(c);
  for (int64_t k = 0; k < ellipsis; ++k)
    labels.push_back(kEllipsisLabel + (ellipsisRank - ellipsis) + k);
  for (char c : after)
    labels.push_back(c);
  return labels;
}

Value EinsumImporter::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return q::ReshapeOp::create(
      n.b(), n.getLoc(), RankedTensorType::get(shape, type.getElementType()),
      v);
}

void EinsumImporter::transposeTo(Term &t, ArrayRef<int> order) {
  SmallVector<int64_t> perm, shape;
  for (int label : order) {
    int64_t pos = llvm::find(t.labels, label) - t.labels.begin();
    perm.push_back(pos);
    shape.push_back(t.type().getDimSize(pos));
  }
  if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    t.value = q::TransposeOp::create(
        n.b(), n.getLoc(),
        RankedTensorType::get(shape, t.type().getElementType()), t.value, perm);
  t.labels.assign(order.begin(), order.end());
}

void EinsumImporter::takeDiagonals(Term &t) {
  while (true) {
    // The first label that occurs twice, at positions `first` < `second`.
    int64_t rank = t.labels.size(), first = -1, second = -1;
    for (int64_t i = 0; i < rank && second < 0; ++i)
      for (int64_t j = i + 1; j < rank; ++j)
        if (t.labels[j] == t.labels[i]) {
          first = i;
          second = j;
          break;
        }
    if (second < 0)
      return;
    int label = t.labels[first];
    // Both copies last: [..., n, n]; element [..., i, 0] of the gather with
    // indices [..., i, 0] = i is [..., i, i].
    SmallVector<int> labels;
    SmallVector<int64_t> perm, shape;
    for (int64_t i = 0; i < rank; ++i)
      if (i != first && i != second) {
        labels.push_back(t.labels[i]);
        perm.push_back(i);
        shape.push_back(t.type().getDimSize(i));
      }
    int64_t size = t.type().getDimSize(first);
    perm.append({first, second});
    shape.append({size, size});
    Type elem = t.type().getElementType();
    Value v = t.value;
    if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
      v = q::TransposeOp::create(n.b(), n.getLoc(),
                                 RankedTensorType::get(shape, elem), v, perm);
    SmallVector<int64_t> iota;
    for (int64_t i = 0; i < size; ++i)
      iota.push_back(i);
    Type i64 = n.b().getI64Type();
    auto idxType = RankedTensorType::get({size, 1}, i64);
    Value indices = q::ConstantOp::create(
        n.b(), n.getLoc(), idxType,
        DenseElementsAttr::get(idxType, ArrayRef<int64_t>(iota)));
    SmallVector<int64_t> gathered(shape);
    gathered.back() = 1;
    indices = q::ExpandOp::create(
        n.b(), n.getLoc(), RankedTensorType::get(gathered, i64), indices);
    v = q::GatherElementsOp::create(n.b(), n.getLoc(),
                                    RankedTensorType::get(gathered, elem), v,
                                    indices, gathered.size() - 1);
    gathered.pop_back();
    t.value = reshape(v, gathered);
    labels.push_back(label);
    t.labels = labels;
  }
}

void EinsumImporter::sumOut(Term &t, ArrayRef<int> keep) {
  SmallVector<int64_t> axes, shape;
  SmallVector<int> labels;
  for (auto [i, l] : llvm::enumerate(t.labels)) {
    if (llvm::is_contained(keep, l)) {
      labels.push_back(l);
      shape.push_back(t.type().getDimSize(i));
    } else {
      axes.push_back(i);
    }
  }
  if (axes.empty())
    return;
  t.value = q::ReduceOp::create(
      n.b(), n.getLoc(),
      RankedTensorType::get(shape, t.type().getElementType()), "sum", t.value,
      axes);
  t.labels = labels;
}

void EinsumImporter::broadcastTo(Term &t, const Term &other) {
  SmallVector<int64_t> shape(t.type().getShape());
  bool changed = false;
  for (auto [i, l] : llvm::enumerate(t.labels))
    if (llvm::is_contained(other.labels, l) && shape[i] == 1 &&
        other.size(l) != 1) {
      shape[i] = other.size(l);
      changed = true;
    }
  if (changed)
    t.value = q::ExpandOp::create(
        n.b(), n.getLoc(),
        RankedTensorType::get(shape, t.type().getElementType()), t.value);
}

Term EinsumImporter::contract(Term a, Term b, ArrayRef<int> keep) {
  // Labels of one side that the other lacks and nothing later needs.
  SmallVector<int> keepA(keep), keepB(keep);
  llvm::append_range(keepA, b.labels);
  llvm::append_range(keepB, a.labels);
  sumOut(a, keepA);
  sumOut(b, keepB);
  broadcastTo(a, b);
  broadcastTo(b, a);
  SmallVector<int> batch, contracted, freeA, freeB;
  for (int l : a.labels) {
    bool inB = llvm::is_contained(b.labels, l);
    if (inB && llvm::is_contained(keep, l))
      batch.push_back(l);
    else if (inB)
      contracted.push_back(l);
    else
      freeA.push_back(l);
  }
  for (int l : b.labels)
    if (!llvm::is_contained(a.labels, l))
      freeB.push_back(l);
  auto product = [](const Term &t, ArrayRef<int> labels) {
    int64_t p = 1;
    for (int l : labels)
      p *= t.size(l);
    return p;
  };
  int64_t batchSize = product(a, batch), m = product(a, freeA),
          k = product(a, contracted), nn = product(b, freeB);
  SmallVector<int> orderA(batch), orderB(batch);
  llvm::append_range(orderA, freeA);
  llvm::append_range(orderA, contracted);
  llvm::append_range(orderB, contracted);
  llvm::append_range(orderB, freeB);
  transposeTo(a, orderA);
  transposeTo(b, orderB);
  SmallVector<int64_t> lhsShape, rhsShape, outShape;
  if (!batch.empty()) {
    lhsShape.push_back(batchSize);
    rhsShape.push_back(batchSize);
    outShape.push_back(batchSize);
  }
  lhsShape.append({m, k});
  rhsShape.append({k, nn});
  outShape.append({m, nn});
  Type elem = a.type().getElementType();
  Value lhs = reshape(a.value, lhsShape);
  Value rhs = reshape(b.value, rhsShape);
  Value matmul = q::MatMulOp::create(
      n.b(), n.getLoc(), RankedTensorType::get(outShape, elem), lhs, rhs);
  Term result;
  SmallVector<int64_t> shape;
  for (int l : batch) {
    result.labels.push_back(l);
    shape.push_back(a.size(l));
  }
  for (int l : freeA) {
    result.labels.push_back(l);
    shape.push_back(a.size(l));
  }
  for (int l : freeB) {
    result.labels.push_back(l);
    shape.push_back(b.size(l));
  }
  result.value = reshape(matmul, shape);
  return result;
}

LogicalResult EinsumImporter::run() {
  std::string equation;
  for (char c : n.attrString("equation", ""))
    if (!llvm::isSpace(c))
      equation += c;
  auto [lhs, rhs] = StringRef(equation).split("->");
  bool explicitOutput = StringRef(equation).contains("->");
  SmallVector<StringRef> texts;
  lhs.split(texts, ',');
  if (static_cast<int>(texts.size()) != n.numInputs())
    return error() << "has " << texts.size() << " operand terms for "
                   << n.numInputs() << " inputs";

  SmallVector<Term> terms;
  for (int i = 0; i < n.numInputs(); ++i) {
    Value v = n.input(i);
    if (!v)
      return failure();
    int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
    int64_t letters = llvm::count_if(texts[i], llvm::isAlpha);
    if (texts[i].contains("..."))
      ellipsisRank = std::max(ellipsisRank, rank - letters);
    terms.push_back({{}, v});
  }
  Type elem = terms.front().type().getElementType();
  if (!isa<FloatType>(elem))
    return error() << "Einsum of " << elem
                   << " is unsupported (float types only)";
  for (auto [i, t] : llvm::enumerate(terms)) {
    FailureOr<SmallVector<int>> labels =
        parseTerm(texts[i], t.type().getRank());
    if (failed(labels))
      return failure();
    t.labels = *labels;
  }
  // Sizes must agree, up to broadcasting of size 1.
  llvm::DenseMap<int, int64_t> sizes;
  for (const Term &t : terms)
    for (auto [i, l] : llvm::enumerate(t.labels)) {
      int64_t s = t.type().getDimSize(i);
      auto [it, inserted] = sizes.try_emplace(l, s);
      if (!inserted && it->second != s && it->second != 1 && s != 1)
        return error() << "label '"
                       << (l < kEllipsisLabel ? std::string(1, char(l))
                                              : std::string("..."))
                       << "' has sizes " << it->second << " and " << s;
      if (it->second == 1)
        it->second = s;
    }

  SmallVector<int> output;
  if (explicitOutput) {
    FailureOr<SmallVector<int>> labels = parseTerm(rhs, -1);
    if (failed(labels))
      return failure();
    output = *labels;
    for (auto [i, l] : llvm::enumerate(output))
      if (!sizes.count(l) ||
          llvm::is_contained(ArrayRef(output).take_front(i), l))
        return error() << "output labels must be distinct input labels";
  } else {
    // The ellipsis dimensions, then the letters used once, sorted.
    for (int64_t k = 0; k < ellipsisRank; ++k)
      output.push_back(kEllipsisLabel + k);
    llvm::DenseMap<int, int> uses;
    for (const Term &t : terms)
      for (int l : t.labels)
        ++uses[l];
    SmallVector<int> once;
    for (auto [l, count] : uses)
      if (count == 1 && l < kEllipsisLabel)
        once.push_back(l);
    llvm::sort(once);
    llvm::append_range(output, once);
  }

  RankedTensorType type = n.outputType();
  if (!type)
    return failure();
  for (Term &t : terms)
    takeDiagonals(t);
  // Contracting with operand i keeps the labels of the output and of the
  // operands after i.
  Term acc = terms.front();
  for (size_t i = 1; i < terms.size(); ++i) {
    SmallVector<int> keep(output);
    for (size_t j = i + 1; j < terms.size(); ++j)
      llvm::append_range(keep, terms[j].labels);
    acc = contract(acc, terms[i], keep);
  }
  sumOut(acc, output);
  transposeTo(acc, output);
  if (acc.type() != type)
    return error() << "computed a result of type " << acc.type()
                   << " instead of " << type;
  n.setOutput(0, acc.value);
  return success();
}

static LogicalResult importEinsum(NodeImporter &n) {
  return EinsumImporter(n).run();
}

void registerEinsumOps(ImporterRegistry &r) {
  r.add("", "Einsum", importEinsum);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

void registerEinsumExporters(ExporterRegistry &) {}

} // namespace qmlir::onnx_export
