//===- AffineQuantTest.cpp - scale, zero point and rounding ---------------===//
//
// Part of qmlir. The worked examples of DESIGN.md §4.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Quant/AffineQuant.h"

#include <gtest/gtest.h>

using namespace qmlir::quant;

TEST(AffineQuant, Uint8ZeroToThousand) {
  AffineParams p = asymmetricFromRange(0.0f, 1000.0f, IntRange::uint8());
  EXPECT_NEAR(p.scale, 3.92f, 0.005f);
  EXPECT_FLOAT_EQ(p.scale, 1000.0f / 255.0f);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(quantize(250.0f, p), 64);
  EXPECT_EQ(quantize(1000.0f, p), 255);
  EXPECT_EQ(quantize(2000.0f, p), 255); // saturates
}

TEST(AffineQuant, Uint8NegativeTwentyToThousand) {
  AffineParams p = asymmetricFromRange(-20.0f, 1000.0f, IntRange::uint8());
  EXPECT_FLOAT_EQ(p.scale, 4.0f);
  EXPECT_EQ(p.zeroPoint, 5);
  EXPECT_EQ(quantize(-20.0f, p), 0);
  EXPECT_EQ(quantize(0.0f, p), 5);
  EXPECT_FLOAT_EQ(dequantize(0, p), -20.0f);
}

TEST(AffineQuant, RangeIsExtendedToIncludeZero) {
  AffineParams p = asymmetricFromRange(2.0f, 10.0f, IntRange::uint8());
  EXPECT_FLOAT_EQ(p.scale, 10.0f / 255.0f);
  EXPECT_EQ(p.zeroPoint, 0);
  AffineParams n = asymmetricFromRange(-10.0f, -2.0f, IntRange::int8());
  EXPECT_EQ(n.zeroPoint, 127);
  EXPECT_EQ(quantize(0.0f, n), 127);
}

TEST(AffineQuant, SymmetricInt8) {
  AffineParams p = symmetricFromRange(-3.0f, 12.7f, IntRange::int8Symmetric());
  EXPECT_FLOAT_EQ(p.scale, 0.1f);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(quantize(-100.0f, p), -127); // never -128
  EXPECT_EQ(quantize(0.05f, p), 0);      // half to even
  EXPECT_EQ(quantize(0.15f, p), 2);
}

TEST(AffineQuant, EmptyRange) {
  AffineParams p = asymmetricFromRange(0.0f, 0.0f, IntRange::uint8());
  EXPECT_FLOAT_EQ(p.scale, 1.0f);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(quantize(0.0f, p), 0);
}

TEST(AffineQuant, RoundHalfToEven) {
  EXPECT_EQ(roundHalfEven(0.5f), 0.0f);
  EXPECT_EQ(roundHalfEven(1.5f), 2.0f);
  EXPECT_EQ(roundHalfEven(2.5f), 2.0f);
  EXPECT_EQ(roundHalfEven(-2.5f), -2.0f);
  EXPECT_EQ(roundHalfEven(-3.5f), -4.0f);
}
