//===- Calibrate.cpp - the q-calibrate pass -------------------------------===//
//
// Part of qmlir. Runs the float model on calibration samples, through the
// same compiled code qrun and qcompile produce, and records per-tensor
// statistics on the IR.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"
#include "qmlir/Quant/Calibration.h"
#include "qmlir/Runtime/JitModel.h"
#include "qmlir/Target/ONNX/Import.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace qmlir {
#define GEN_PASS_DEF_QCALIBRATE
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;
using namespace qmlir::quant;

namespace {

/// Statistics of one tensor: the whole tensor, and min/max per channel
/// (dimension 1) when asked.
struct Observed {
  std::string key;
  TensorStats stats;
  std::vector<float> channelMin, channelMax;
};

static bool isObservable(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() && t.getElementType().isF32() &&
         t.getNumElements() > 0;
}

/// A stable name for a tensor, from the ONNX node names in its location.
static std::string locationKey(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::string key;
    for (Location l : fused.getLocations()) {
      std::string part = locationKey(l);
      if (!part.empty())
        key += (key.empty() ? "" : "+") + part;
    }
    return key;
  }
  return "";
}

/// One calibration sample: the files holding each input, in input order.
struct Sample {
  std::string dir;
  std::vector<std::string> files;
};

static std::string join(StringRef a, StringRef b) {
  SmallString<256> p(a);
  llvm::sys::path::append(p, b);
  return std::string(p.str());
}

/// The samples under `dir`: test_data_set_N folders (input_K.pb) or one
/// folder per sample with NAME.npy per input, sorted by folder name.
static LogicalResult findSamples(StringRef dir,
                                 ArrayRef<TensorSignature> inputs,
                                 std::vector<Sample> &samples,
                                 std::string &error) {
  std::error_code ec;
  std::vector<std::string> folders;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()))
      folders.push_back(it->path());
  if (ec) {
    error = "cannot read the data folder '" + dir.str() + "': " + ec.message();
    return failure();
  }
  std::sort(folders.begin(), folders.end());
  for (const std::string &folder : folders) {
    Sample s{folder, {}};
    bool onnxSet =
        llvm::sys::path::filename(folder).starts_with("test_data_set_");
    for (auto [k, in] : llvm::enumerate(inputs)) {
      std::string file =
          onnxSet ? join(folder, "input_" + std::to_string(k) + ".pb")
                  : join(folder, in.name + ".npy");
      if (!llvm::sys::fs::exists(file)) {
        error = "sample '" + folder + "' has no " +
                llvm::sys::path::filename(file).str() + " for input '" +
                in.name + "'";
        return failure();
      }
      s.files.push_back(file);
    }
    samples.push_back(std::move(s));
  }
  if (samples.empty()) {
    error = "no samples in '" + dir.str() +
            "' (expected test_data_set_N folders of input_K.pb, or one "
            "folder per sample holding NAME.npy for each input)";
    return failure();
  }
  return success();
}

struct QCalibratePass : qmlir::impl::QCalibrateBase<QCalibratePass> {
  using Base::Base;

  /// The f32 tensors to observe: inputs, then every op result in order.
  SmallVector<Value> observedValues(func::FuncOp func) {
    SmallVector<Value> values;
    for (BlockArgument arg : func.getArguments())
      if (isObservable(arg.getType()))
        values.push_back(arg);
    func.walk([&](Operation *op) {
      if (isa<q::ConstantOp>(op) || op->getNumRegions() != 0)
        return;
      for (Value r : op->getResults())
        if (isObservable(r.getType()))
          values.push_back(r);
    });
    return values;
  }

  std::vector<std::string> keysFor(func::FuncOp func, ArrayRef<Value> values) {
    std::vector<std::string> keys;
    llvm::StringMap<int> seen;
    for (Value v : values) {
      std::string key;
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                      kONNXNameAttr);
        key =
            "input:" + (name ? name.str() : std::to_string(arg.getArgNumber()));
      } else {
        Operation *op = v.getDefiningOp();
        key = locationKey(op->getLoc());
        if (key.empty())
          key = op->getName().getStringRef().str();
        if (op->getNumResults() > 1)
          key += "#" + std::to_string(cast<OpResult>(v).getResultNumber());
      }
      int n = seen[key]++;
      if (n > 0)
        key += "@" + std::to_string(n);
      keys.push_back(key);
    }
    return keys;
  }

  /// Compiles `@main` returning `values` too, and runs it on every sample.
  LogicalResult gather(ModuleOp module, func::FuncOp func,
                       ArrayRef<Value> values,
                       std::vector<Observed> &observed) {
    // Which of `values` are op results, by position in the walk, so the
    // clone's corresponding values can be found.
    IRMapping mapping;
    OwningOpRef<ModuleOp> copy(cast<ModuleOp>(module->clone(mapping)));
    auto copyFunc = cast<func::FuncOp>(mapping.lookup(func.getOperation()));
    auto ret = cast<func::ReturnOp>(copyFunc.getBody().back().getTerminator());
    SmallVector<Value> results(ret.getOperands());
    SmallVector<int64_t> extra(values.size(), -1), argIndex(values.size(), -1);
    for (auto [i, v] : llvm::enumerate(values)) {
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        argIndex[i] = arg.getArgNumber();
        continue;
      }
      // A tensor the model returns anyway is read from that output.
      Value mapped = mapping.lookup(v);
      auto it = llvm::find(results, mapped);
      extra[i] = it - results.begin();
      if (it == results.end())
        results.push_back(mapped);
    }
    int64_t firstExtra = ret.getNumOperands();
    OpBuilder b(ret);
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    SmallVector<Attribute> resultAttrs;
    for (int64_t i = 0; i < firstExtra; ++i)
      resultAttrs.push_back(copyFunc.getResultAttrDict(i)
                                ? Attribute(copyFunc.getResultAttrDict(i))
                                : b.getDictionaryAttr({}));
    for (int64_t i = firstExtra; i < static_cast<int64_t>(results.size()); ++i)
      resultAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
          kONNXNameAttr,
          b.getStringAttr("calibration_" + std::to_string(i - firstExtra)))));
    copyFunc.setFunctionType(FunctionType::get(&getContext(),
                                               copyFunc.getArgumentTypes(),
                                               TypeRange(ValueRange(results))));
    copyFunc.setAllResultAttrs(resultAttrs);

    CPUPipelineOptions options;
    FailureOr<std::unique_ptr<JitModel>> model =
        JitModel::create(*copy, options);
    if (failed(model))
      return emitError(module.getLoc(),
                       "q-calibrate: the model could not be compiled "
                       "for calibration");
    ArrayRef<TensorSignature> ins = (*model)->getInputs();
    ArrayRef<TensorSignature> outs = (*model)->getOutputs();

    std::vector<Sample> samples;
    std::string error;
    if (failed(findSamples(data, ins, samples, error)))
      return emitError(module.getLoc(), "q-calibrate: ") << error;

    std::vector<HostTensor> outputs;
    for (const TensorSignature &sig : outs)
      outputs.emplace_back(sig.kind, sig.shape);
    SmallVector<HostTensor *> outPtrs;
    for (HostTensor &t : outputs)
      outPtrs.push_back(&t);
    bool progress = llvm::errs().is_displayed();
    std::vector<float> channelBuffer;
    for (auto [n, sample] : llvm::enumerate(samples)) {
      std::vector<HostTensor> inputs(ins.size());
      SmallVector<const HostTensor *> inPtrs;
      for (auto [k, sig] : llvm::enumerate(ins)) {
        if (!HostTensor::load(sample.files[k], inputs[k], error))
          return emitError(module.getLoc(), "q-calibrate: ") << error;
        if (inputs[k].getKind() != sig.kind ||
            inputs[k].getShape() != ArrayRef<int64_t>(sig.shape))
          return emitError(module.getLoc(), "q-calibrate: ")
                 << sample.files[k] << " holds " << inputs[k].describe()
                 << " but input '" << sig.name << "' is " << sig.describe();
        inPtrs.push_back(&inputs[k]);
      }
      if (!(*model)->run(inPtrs, outPtrs, error))
        return emitError(module.getLoc(), "q-calibrate: running sample '")
               << sample.dir << "' failed: " << error;
      for (auto [i, obs] : llvm::enumerate(observed)) {
        const HostTensor &t =
            argIndex[i] >= 0 ? inputs[argIndex[i]] : outputs[extra[i]];
        const float *p = static_cast<const float *>(t.data());
        obs.stats.observe(p, t.numElements());
        if (perChannel)
          observeChannels(t, obs);
      }
      if (progress)
        llvm::errs() << "\rq-calibrate: sample " << (n + 1) << "/"
                     << samples.size();
    }
    if (progress)
      llvm::errs() << "\n";
    llvm::errs() << "q-calibrate: " << samples.size() << " samples, "
                 << observed.size() << " tensors\n";
    return success();
  }

  static void observeChannels(const HostTensor &t, Observed &obs) {
    ArrayRef<int64_t> shape = t.getShape();
    if (shape.size() < 2)
      return;
    int64_t outer = shape[0], channels = shape[1], inner = 1;
    for (int64_t d : shape.drop_front(2))
      inner *= d;
    const float *p = static_cast<const float *>(t.data());
    if (obs.channelMin.empty()) {
      obs.channelMin.assign(channels, std::numeric_limits<float>::infinity());
      obs.channelMax.assign(channels, -std::numeric_limits<float>::infinity());
    }
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < inner; ++i) {
          float v = p[(o * channels + c) * inner + i];
          obs.channelMin[c] = std::min(obs.channelMin[c], v);
          obs.channelMax[c] = std::max(obs.channelMax[c], v);
        }
  }

  LogicalResult readCache(ModuleOp module, std::vector<Observed> &observed) {
    auto buffer = llvm::MemoryBuffer::getFile(cache);
    if (!buffer)
      return emitError(module.getLoc(),
                       "q-calibrate: cannot read the calibration "
                       "cache '")
             << cache << "': " << buffer.getError().message();
    llvm::Expected<llvm::json::Value> json =
        llvm::json::parse((*buffer)->getBuffer());
    if (!json)
      return emitError(module.getLoc(), "q-calibrate: the calibration cache '")
             << cache
             << "' is not valid JSON: " << llvm::toString(json.takeError());
    const llvm::json::Object *root = json->getAsObject();
    const llvm::json::Object *tensors =
        root ? root->getObject("tensors") : nullptr;
    if (!root || root->getString("format") != "qmlir-calibration" || !tensors)
      return emitError(module.getLoc(), "q-calibrate: '")
             << cache << "' is not a qmlir calibration cache";
    for (Observed &obs : observed) {
      const llvm::json::Object *entry = tensors->getObject(obs.key);
      if (!entry || !entry->get("stats"))
        return emitError(module.getLoc(),
                         "q-calibrate: the calibration cache '")
               << cache << "' has no statistics for tensor '" << obs.key
               << "' (was it written for another model?)";
      llvm::Expected<TensorStats> stats =
          TensorStats::fromJSON(*entry->get("stats"));
      if (!stats)
        return emitError(module.getLoc(), "q-calibrate: '")
               << cache << "', tensor '" << obs.key
               << "': " << llvm::toString(stats.takeError());
      obs.stats = std::move(*stats);
      auto readArray = [&](StringRef name, std::vector<float> &out) {
        if (const llvm::json::Array *a = entry->getArray(name))
          for (const llvm::json::Value &v : *a)
            out.push_back(static_cast<float>(v.getAsNumber().value_or(0.0)));
      };
      readArray("channel_min", obs.channelMin);
      readArray("channel_max", obs.channelMax);
    }
    llvm::errs() << "q-calibrate: statistics of " << observed.size()
                 << " tensors read from " << cache << "\n";
    return success();
  }

  LogicalResult writeCache(ModuleOp module, ArrayRef<Observed> observed) {
    llvm::json::Object tensors;
    for (const Observed &obs : observed) {
      llvm::json::Object entry{{"stats", obs.stats.toJSON()}};
      if (!obs.channelMin.empty()) {
        entry["channel_min"] = llvm::json::Array(obs.channelMin);
        entry["channel_max"] = llvm::json::Array(obs.channelMax);
      }
      tensors[obs.key] = std::move(entry);
    }
    llvm::json::Object root{{"format", "qmlir-calibration"},
                            {"version", 1},
                            {"tensors", std::move(tensors)}};
    std::error_code ec;
    llvm::raw_fd_ostream os(cache, ec);
    if (ec)
      return emitError(module.getLoc(),
                       "q-calibrate: cannot write the calibration "
                       "cache '")
             << cache << "': " << ec.message();
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    return success();
  }

  DictionaryAttr attributeFor(const Observed &obs, CalibrationMethod m) {
    Builder b(&getContext());
    auto [lo, hi] = obs.stats.range(m, percentile);
    SmallVector<NamedAttribute> attrs = {
        b.getNamedAttr("lo", b.getF32FloatAttr(lo)),
        b.getNamedAttr("hi", b.getF32FloatAttr(hi)),
        b.getNamedAttr("min", b.getF32FloatAttr(obs.stats.getMin())),
        b.getNamedAttr("max", b.getF32FloatAttr(obs.stats.getMax())),
        b.getNamedAttr("samples", b.getI64IntegerAttr(obs.stats.getSamples()))};
    if (!obs.channelMin.empty()) {
      attrs.push_back(
          b.getNamedAttr("channel_lo", b.getDenseF32ArrayAttr(obs.channelMin)));
      attrs.push_back(
          b.getNamedAttr("channel_hi", b.getDenseF32ArrayAttr(obs.channelMax)));
    }
    return b.getDictionaryAttr(attrs);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<CalibrationMethod> m = parseCalibrationMethod(method);
    if (!m) {
      emitError(module.getLoc(), "q-calibrate: unknown method '")
          << method
          << "' (expected minmax, avg-minmax, percentile, entropy or mse)";
      return signalPassFailure();
    }
    if (!(percentile > 0.0 && percentile <= 100.0)) {
      emitError(module.getLoc(),
                "q-calibrate: percentile must be in (0, 100], not ")
          << percentile;
      return signalPassFailure();
    }
    auto func = module.lookupSymbol<func::FuncOp>("main");
    if (!func) {
      emitError(module.getLoc(),
                "q-calibrate: the module has no function @main");
      return signalPassFailure();
    }
    bool fromCache = !cache.empty() && llvm::sys::fs::exists(cache);
    if (!fromCache && data.empty()) {
      emitError(module.getLoc(),
                "q-calibrate: give data=DIR (samples to run) or "
                "cache=FILE (statistics written before)");
      return signalPassFailure();
    }

    SmallVector<Value> values = observedValues(func);
    std::vector<std::string> keys = keysFor(func, values);
    std::vector<Observed> observed(values.size());
    for (auto [i, key] : llvm::enumerate(keys))
      observed[i].key = key;

    if (fromCache) {
      if (failed(readCache(module, observed)))
        return signalPassFailure();
    } else {
      if (failed(gather(module, func, values, observed)))
        return signalPassFailure();
      if (!cache.empty() && failed(writeCache(module, observed)))
        return signalPassFailure();
    }

    // Attach: one dictionary per result of each op, `{}` where nothing was
    // observed; inputs as argument attributes.
    llvm::DenseMap<Value, DictionaryAttr> byValue;
    for (auto [v, obs] : llvm::zip(values, observed))
      byValue[v] = attributeFor(obs, *m);
    Builder b(&getContext());
    for (BlockArgument arg : func.getArguments())
      if (DictionaryAttr d = byValue.lookup(arg))
        func.setArgAttr(arg.getArgNumber(), "q.calibration", d);
    func.walk([&](Operation *op) {
      SmallVector<Attribute> perResult;
      bool any = false;
      for (Value r : op->getResults()) {
        DictionaryAttr d = byValue.lookup(r);
        any |= static_cast<bool>(d);
        perResult.push_back(d ? d : b.getDictionaryAttr({}));
      }
      if (any)
        op->setAttr("q.calibration", b.getArrayAttr(perResult));
    });
    func->setAttr("q.calibration_method",
                  b.getStringAttr(calibrationMethodName(*m)));
  }
};
} // namespace
