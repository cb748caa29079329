//===- CalibrationTest.cpp - statistics, merging and range selection ------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Quant/Calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace qmlir::quant;

static std::vector<float> normal(int64_t n, float sigma, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

TEST(Calibration, MinMaxAndAverage) {
  TensorStats s;
  std::vector<float> a = {-1.0f, 2.0f, 0.5f}, b = {-3.0f, 1.0f};
  s.observe(a.data(), a.size());
  s.observe(b.data(), b.size());
  EXPECT_EQ(s.getSamples(), 2);
  auto [lo, hi] = s.range(CalibrationMethod::MinMax);
  EXPECT_FLOAT_EQ(lo, -3.0f);
  EXPECT_FLOAT_EQ(hi, 2.0f);
  auto [alo, ahi] = s.range(CalibrationMethod::AvgMinMax);
  EXPECT_FLOAT_EQ(alo, -2.0f);
  EXPECT_FLOAT_EQ(ahi, 1.5f);
}

TEST(Calibration, HistogramWidthIsAPowerOfTwoThatGrows) {
  TensorStats s;
  std::vector<float> small = {0.5f, -0.25f};
  s.observe(small.data(), small.size());
  double w = s.getBinWidth();
  EXPECT_EQ(w, std::ldexp(1.0, std::ilogb(w)));
  EXPECT_LT(0.5, TensorStats::kBins * w);
  EXPECT_GE(0.5, TensorStats::kBins * w / 2);
  std::vector<float> big = {100.0f};
  s.observe(big.data(), big.size());
  EXPECT_LT(100.0, TensorStats::kBins * s.getBinWidth());
  double total = 0;
  for (double c : s.getHistogram())
    total += c;
  EXPECT_EQ(total, 3.0); // nothing lost when bins merge
  EXPECT_EQ(s.getZeros(), 0.0);
}

TEST(Calibration, MergingShardsEqualsObservingEverything) {
  std::vector<float> a = normal(5000, 1.0f, 1), b = normal(5000, 8.0f, 2);
  TensorStats all, left, right;
  all.observe(a.data(), a.size());
  all.observe(b.data(), b.size());
  left.observe(a.data(), a.size());
  right.observe(b.data(), b.size());
  left.merge(right);
  EXPECT_EQ(left.getHistogram(), all.getHistogram());
  EXPECT_EQ(left.getBinWidth(), all.getBinWidth());
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::AvgMinMax,
        CalibrationMethod::Percentile, CalibrationMethod::Entropy,
        CalibrationMethod::MSE})
    EXPECT_EQ(left.range(m), all.range(m)) << calibrationMethodName(m).str();
}

TEST(Calibration, OutliersAreClippedByHistogramMethods) {
  // A Gaussian with one huge outlier: min-max follows the outlier; the
  // percentile lands in the bulk; entropy clips to its smallest candidate
  // (128 of 2048 bins, 64 here); MSE trades the outlier's clipping error
  // against the rounding noise of 200k values and clips part of the way.
  std::vector<float> v = normal(200000, 1.0f, 3);
  v.push_back(1000.0f);
  TensorStats s;
  s.observe(v.data(), v.size());
  EXPECT_FLOAT_EQ(s.range(CalibrationMethod::MinMax).second, 1000.0f);
  float p = s.range(CalibrationMethod::Percentile, 99.99).second;
  EXPECT_GT(p, 3.0f);
  EXPECT_LT(p, 6.0f);
  float e = s.range(CalibrationMethod::Entropy).second;
  EXPECT_GT(e, 60.0f);
  EXPECT_LT(e, 70.0f);
  float m = s.range(CalibrationMethod::MSE).second;
  EXPECT_GT(m, 64.0f);
  EXPECT_LT(m, 900.0f);
}

TEST(Calibration, EntropyClipsAHeavyTail) {
  // Laplace-like data (a product of normals) spans many bins: the entropy
  // threshold lies well inside the observed maximum.
  std::vector<float> a = normal(100000, 1.0f, 5), b = normal(100000, 1.0f, 6);
  for (size_t i = 0; i < a.size(); ++i)
    a[i] *= b[i];
  TensorStats s;
  s.observe(a.data(), a.size());
  float e = s.range(CalibrationMethod::Entropy).second;
  EXPECT_LT(e, 0.8f * s.getMax());
  EXPECT_GT(e, 1.0f);
}

TEST(Calibration, ZerosAreCountedApart) {
  // Half exact zeros (a ReLU output): the entropy threshold follows the
  // non-zero values, not the spike at zero.
  std::vector<float> v = normal(100000, 1.0f, 7);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = i % 2 ? std::fabs(v[i]) : 0.0f;
  TensorStats s;
  s.observe(v.data(), v.size());
  EXPECT_EQ(s.getZeros(), 50000.0);
  float e = s.range(CalibrationMethod::Entropy).second;
  EXPECT_GT(e, 2.0f);
  // The 50th percentile of |x| is 0 (the zeros), rounded up to one bin.
  EXPECT_LT(s.range(CalibrationMethod::Percentile, 50.0).second, 0.01f);
}

TEST(Calibration, AllZeros) {
  std::vector<float> z(16, 0.0f);
  TensorStats s;
  s.observe(z.data(), z.size());
  EXPECT_EQ(s.range(CalibrationMethod::Entropy), std::make_pair(0.0f, 0.0f));
}

TEST(Calibration, JSONRoundTrip) {
  std::vector<float> v = normal(1000, 2.0f, 4);
  TensorStats s;
  s.observe(v.data(), v.size());
  llvm::Expected<TensorStats> back = TensorStats::fromJSON(s.toJSON());
  ASSERT_TRUE(static_cast<bool>(back));
  EXPECT_EQ(back->getHistogram(), s.getHistogram());
  EXPECT_EQ(back->range(CalibrationMethod::Entropy),
            s.range(CalibrationMethod::Entropy));
}

TEST(Calibration, JSONErrors) {
  llvm::json::Value bad = llvm::json::Object{{"samples", 1}};
  llvm::Expected<TensorStats> r = TensorStats::fromJSON(bad);
  ASSERT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(llvm::toString(r.takeError()),
            "calibration statistics: missing or invalid "
            "samples/min/max/avg_min/avg_max/histogram");
  llvm::json::Value shortHist =
      llvm::json::Object{{"samples", 1},
                         {"min", 0},
                         {"max", 1},
                         {"avg_min", 0},
                         {"avg_max", 1},
                         {"zeros", 0},
                         {"histogram", llvm::json::Array{1, 2}}};
  r = TensorStats::fromJSON(shortHist);
  ASSERT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(llvm::toString(r.takeError()),
            "calibration statistics: histogram must have 2048 bins, not 2");
}

TEST(Calibration, MethodNames) {
  EXPECT_EQ(parseCalibrationMethod("entropy"), CalibrationMethod::Entropy);
  EXPECT_EQ(parseCalibrationMethod("avg-minmax"), CalibrationMethod::AvgMinMax);
  EXPECT_FALSE(parseCalibrationMethod("kl").has_value());
}
