//===- Calibration.h - activation statistics and range selection -*- C++
//-*-===//
//
// Part of qmlir. What calibration records about one tensor and how a
// quantization range is chosen from it (DESIGN.md §4, NUMERICS.md):
// min/max, a moving average of per-sample min/max, and a histogram of |x|
// whose bin width is a power of two, doubled (pairs of bins merged) as the
// magnitude grows. Because widths are powers of two, statistics gathered by
// separate processes over shards of the data merge exactly: the finer
// histogram is re-binned to the coarser width and the counts add.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_CALIBRATION_H
#define QMLIR_QUANT_CALIBRATION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qmlir::quant {

enum class CalibrationMethod { MinMax, AvgMinMax, Percentile, Entropy, MSE };

std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);
llvm::StringRef calibrationMethodName(CalibrationMethod method);

class TensorStats {
public:
  static constexpr int64_t kBins = 2048;

  /// Adds one sample's values.
  void observe(const float *data, int64_t count);
  /// Adds another tensor's statistics (shards of the same data set).
  void merge(const TensorStats &other);

  int64_t getSamples() const { return samples; }
  float getMin() const { return min; }
  float getMax() const { return max; }
  /// The range a method selects, before any extension to include 0.
  /// `percentile` is used by the percentile method (e.g. 99.999).
  std::pair<float, float> range(CalibrationMethod method,
                                double percentile = 99.999) const;

  llvm::json::Value toJSON() const;
  static llvm::Expected<TensorStats> fromJSON(const llvm::json::Value &value);

  /// Histogram of |x| != 0: bin i counts |x| in [i * width, (i + 1) * width).
  const std::vector<double> &getHistogram() const { return histogram; }
  double getBinWidth() const { return binWidth(); }
  double getZeros() const { return zeros; }

private:
  double binWidth() const;
  void growTo(int exponent);
  /// |x| threshold at which `fraction` of the values are below.
  double percentileThreshold(double fraction) const;
  double entropyThreshold() const;
  double mseThreshold() const;
  std::pair<float, float> clampedTo(double threshold) const;

  int64_t samples = 0;
  float min = 0.0f, max = 0.0f;
  double avgMin = 0.0, avgMax = 0.0; // means of per-sample min and max
  double zeros = 0.0;                // exact zeros, kept out of the histogram
  /// Bin width 2^widthExponent; meaningful once something non-zero was seen.
  int widthExponent = 0;
  bool hasWidth = false;
  std::vector<double> histogram;
};

} // namespace qmlir::quant

#endif // QMLIR_QUANT_CALIBRATION_H
