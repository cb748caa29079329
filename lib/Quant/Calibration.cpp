//===- Calibration.cpp - activation statistics and range selection --------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Quant/Calibration.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace qmlir::quant;

std::optional<CalibrationMethod>
qmlir::quant::parseCalibrationMethod(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<CalibrationMethod>>(name)
      .Case("minmax", CalibrationMethod::MinMax)
      .Case("avg-minmax", CalibrationMethod::AvgMinMax)
      .Case("percentile", CalibrationMethod::Percentile)
      .Case("entropy", CalibrationMethod::Entropy)
      .Case("mse", CalibrationMethod::MSE)
      .Default(std::nullopt);
}

llvm::StringRef qmlir::quant::calibrationMethodName(CalibrationMethod method) {
  switch (method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::AvgMinMax:
    return "avg-minmax";
  case CalibrationMethod::Percentile:
    return "percentile";
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::MSE:
    return "mse";
  }
  return "";
}

/// The smallest e with |x| < kBins * 2^e for every |x| <= absmax (> 0).
static int exponentFor(double absmax) {
  int e = std::ilogb(absmax) - 11; // kBins = 2^11
  if (absmax >= std::ldexp(static_cast<double>(TensorStats::kBins), e))
    ++e;
  return e;
}

double TensorStats::binWidth() const { return std::ldexp(1.0, widthExponent); }

void TensorStats::growTo(int exponent) {
  if (exponent <= widthExponent)
    return;
  int shift = exponent - widthExponent;
  std::vector<double> coarse(kBins, 0.0);
  for (int64_t i = 0; i < kBins; ++i)
    coarse[shift >= 31 ? 0 : (i >> shift)] += histogram[i];
  histogram = std::move(coarse);
  widthExponent = exponent;
}

void TensorStats::observe(const float *data, int64_t count) {
  if (count <= 0)
    return;
  float smin = data[0], smax = data[0];
  for (int64_t i = 1; i < count; ++i) {
    smin = std::min(smin, data[i]);
    smax = std::max(smax, data[i]);
  }
  if (samples == 0) {
    min = smin;
    max = smax;
  } else {
    min = std::min(min, smin);
    max = std::max(max, smax);
  }
  avgMin = (avgMin * samples + smin) / static_cast<double>(samples + 1);
  avgMax = (avgMax * samples + smax) / static_cast<double>(samples + 1);
  ++samples;

  double absmax = std::max(std::fabs(smin), std::fabs(smax));
  if (histogram.empty())
    histogram.assign(kBins, 0.0);
  if (absmax > 0.0) {
    int e = exponentFor(absmax);
    if (!hasWidth) {
      widthExponent = e;
      hasWidth = true;
    } else {
      growTo(e);
    }
  }
  // Exact zeros (ReLU outputs, padding) are counted apart: every affine
  // quantization represents 0 exactly, so they carry no error, and as a
  // spike in the first bin they would dominate the entropy search.
  for (int64_t i = 0; i < count; ++i) {
    double a = std::fabs(data[i]);
    if (a == 0.0) {
      zeros += 1.0;
      continue;
    }
    int64_t bin = static_cast<int64_t>(std::ldexp(a, -widthExponent));
    histogram[std::min<int64_t>(bin, kBins - 1)] += 1.0;
  }
}

void TensorStats::merge(const TensorStats &other) {
  if (other.samples == 0)
    return;
  if (samples == 0) {
    *this = other;
    return;
  }
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  double total = static_cast<double>(samples + other.samples);
  avgMin = (avgMin * samples + other.avgMin * other.samples) / total;
  avgMax = (avgMax * samples + other.avgMax * other.samples) / total;
  samples += other.samples;
  zeros += other.zeros;
  TensorStats rhs = other;
  if (!hasWidth && rhs.hasWidth) {
    std::swap(histogram, rhs.histogram);
    std::swap(widthExponent, rhs.widthExponent);
    hasWidth = true;
    rhs.hasWidth = false;
  }
  if (hasWidth && rhs.hasWidth) {
    int e = std::max(widthExponent, rhs.widthExponent);
    growTo(e);
    rhs.growTo(e);
  }
  if (histogram.empty())
    histogram.assign(kBins, 0.0);
  for (int64_t i = 0;
       i < kBins && i < static_cast<int64_t>(rhs.histogram.size()); ++i)
    histogram[i] += rhs.histogram[i];
}

double TensorStats::percentileThreshold(double fraction) const {
  double total = zeros;
  for (double c : histogram)
    total += c;
  double target = fraction * total, cumulative = zeros;
  if (cumulative >= target)
    return binWidth();
  for (int64_t i = 0; i < kBins; ++i) {
    cumulative += histogram[i];
    if (cumulative >= target)
      return (i + 1) * binWidth();
  }
  return kBins * binWidth();
}

double TensorStats::entropyThreshold() const {
  constexpr int64_t levels = 128;
  double best = std::numeric_limits<double>::infinity();
  int64_t bestBins = kBins;
  std::vector<double> ref, expanded;
  for (int64_t bins = levels; bins <= kBins; ++bins) {
    // Reference: the first `bins` bins, outliers folded into the last.
    ref.assign(histogram.begin(), histogram.begin() + bins);
    for (int64_t i = bins; i < kBins; ++i)
      ref[bins - 1] += histogram[i];
    // Candidate: the same bins quantized to `levels` levels, each level's
    // mass spread back over its non-empty bins.
    expanded.assign(bins, 0.0);
    int64_t merged = bins / levels;
    for (int64_t j = 0; j < levels; ++j) {
      int64_t start = j * merged,
              stop = j == levels - 1 ? bins : start + merged;
      double mass = 0.0;
      int64_t nonEmpty = 0;
      for (int64_t i = start; i < stop; ++i) {
        mass += histogram[i];
        nonEmpty += histogram[i] != 0.0;
      }
      if (nonEmpty == 0)
        continue;
      for (int64_t i = start; i < stop; ++i)
        if (histogram[i] != 0.0)
          expanded[i] = mass / nonEmpty;
    }
    double refSum = 0.0, expSum = 0.0;
    for (int64_t i = 0; i < bins; ++i) {
      refSum += ref[i];
      expSum += expanded[i];
    }
    if (refSum == 0.0 || expSum == 0.0)
      continue;
    // KL(ref || expanded); bins the candidate leaves empty where the
    // reference is not (the outlier bin) get a small mass so the divergence
    // stays finite and still penalizes them.
    constexpr double eps = 1e-4;
    int64_t empty = 0;
    for (int64_t i = 0; i < bins; ++i)
      empty += ref[i] != 0.0 && expanded[i] == 0.0;
    double norm = expSum * (1.0 + eps * empty);
    double kl = 0.0;
    for (int64_t i = 0; i < bins; ++i) {
      if (ref[i] == 0.0)
        continue;
      double p = ref[i] / refSum;
      double q = (expanded[i] == 0.0 ? eps * expSum : expanded[i]) / norm;
      kl += p * std::log(p / q);
    }
    if (kl < best) {
      best = kl;
      bestBins = bins;
    }
  }
  return (bestBins + 0.5) * binWidth();
}

double TensorStats::mseThreshold() const {
  // Expected squared error of 8-bit magnitude quantization (128 levels) at
  // threshold T: uniform rounding noise s^2 / 12 inside, clipping outside;
  // values taken at their bin centres.
  constexpr double levels = 127.0;
  double width = binWidth();
  double best = std::numeric_limits<double>::infinity(), bestT = kBins * width;
  for (int64_t bins = 128; bins <= kBins; ++bins) {
    double t = bins * width, step = t / levels, noise = step * step / 12.0;
    double err = 0.0;
    for (int64_t i = 0; i < kBins; ++i) {
      if (histogram[i] == 0.0)
        continue;
      double c = (i + 0.5) * width;
      err += histogram[i] * (c <= t ? noise : (c - t) * (c - t));
    }
    if (err < best) {
      best = err;
      bestT = t;
    }
  }
  return bestT;
}

std::pair<float, float> TensorStats::clampedTo(double threshold) const {
  float t = static_cast<float>(threshold);
  return {std::max(min, -t), std::min(max, t)};
}

std::pair<float, float> TensorStats::range(CalibrationMethod method,
                                           double percentile) const {
  if (samples == 0)
    return {0.0f, 0.0f};
  switch (method) {
  case CalibrationMethod::MinMax:
    return {min, max};
  case CalibrationMethod::AvgMinMax:
    return {static_cast<float>(avgMin), static_cast<float>(avgMax)};
  default:
    break;
  }
  if (!hasWidth)
    return {min, max}; // all zeros
  switch (method) {
  case CalibrationMethod::Percentile:
    return clampedTo(percentileThreshold(percentile / 100.0));
  case CalibrationMethod::Entropy:
    return clampedTo(entropyThreshold());
  default:
    return clampedTo(mseThreshold());
  }
}

llvm::json::Value TensorStats::toJSON() const {
  llvm::json::Array hist;
  for (double c : histogram)
    hist.push_back(c);
  llvm::json::Object o{
      {"samples", samples},          {"min", min},        {"max", max},
      {"avg_min", avgMin},           {"avg_max", avgMax}, {"zeros", zeros},
      {"histogram", std::move(hist)}};
  if (hasWidth)
    o["width_exponent"] = widthExponent;
  return llvm::json::Value(std::move(o));
}

llvm::Expected<TensorStats>
TensorStats::fromJSON(const llvm::json::Value &value) {
  auto fail = [](const llvm::Twine &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "calibration statistics: " + what);
  };
  const llvm::json::Object *o = value.getAsObject();
  if (!o)
    return fail("expected an object");
  TensorStats s;
  std::optional<int64_t> samples = o->getInteger("samples");
  std::optional<double> mn = o->getNumber("min"), mx = o->getNumber("max"),
                        amn = o->getNumber("avg_min"),
                        amx = o->getNumber("avg_max");
  const llvm::json::Array *hist = o->getArray("histogram");
  if (!samples || *samples < 0 || !mn || !mx || !amn || !amx || !hist)
    return fail("missing or invalid samples/min/max/avg_min/avg_max/histogram");
  if (!hist->empty() && static_cast<int64_t>(hist->size()) != kBins)
    return fail("histogram must have " + llvm::Twine(kBins) + " bins, not " +
                llvm::Twine(hist->size()));
  s.samples = *samples;
  s.min = static_cast<float>(*mn);
  s.max = static_cast<float>(*mx);
  s.avgMin = *amn;
  s.avgMax = *amx;
  std::optional<double> z = o->getNumber("zeros");
  if (!z || *z < 0)
    return fail("missing or invalid zeros count");
  s.zeros = *z;
  for (const llvm::json::Value &c : *hist) {
    std::optional<double> v = c.getAsNumber();
    if (!v || *v < 0)
      return fail("histogram counts must be non-negative numbers");
    s.histogram.push_back(*v);
  }
  if (std::optional<int64_t> e = o->getInteger("width_exponent")) {
    s.widthExponent = static_cast<int>(*e);
    s.hasWidth = true;
  }
  return s;
}
