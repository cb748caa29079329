//===- SafeTensorsTest.cpp - the safetensors reader -----------------------===//
//
// Part of qmlir. Every malformed header is rejected with a message naming
// the file (and tensor); well-formed files read back exactly.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/SafeTensors/SafeTensors.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/raw_ostream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace qmlir::safetensors;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

/// A safetensors file: the length (the header's own unless given), the
/// header, then `data`.
std::string fileBytes(const std::string &header, const std::string &data = "",
                      std::optional<uint64_t> length = std::nullopt) {
  uint64_t n = length ? *length : header.size();
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

std::unique_ptr<File> parseBytes(const std::string &bytes, std::string &error) {
  return File::parse(
      llvm::MemoryBuffer::getMemBufferCopy(bytes, "test.safetensors"), error);
}

/// The error parsing `bytes` gives (the test fails if it parses).
std::string errorOf(const std::string &bytes) {
  std::string error;
  std::unique_ptr<File> file = parseBytes(bytes, error);
  EXPECT_EQ(file, nullptr) << "parsed a malformed file";
  EXPECT_THAT(error, StartsWith("'test.safetensors': "));
  return error;
}

std::string f32Bytes(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) {
    char b[4];
    std::memcpy(b, &v, 4); // little-endian host
    out.append(b, 4);
  }
  return out;
}

TEST(SafeTensors, TooShort) {
  EXPECT_THAT(errorOf(std::string("\x05\x00\x00", 3)),
              HasSubstr("not a safetensors file: 3 bytes, fewer than the 8 "
                        "of the header length"));
  EXPECT_THAT(errorOf(""), HasSubstr("0 bytes"));
}

TEST(SafeTensors, LengthBeyondFile) {
  EXPECT_THAT(errorOf(fileBytes("{}", "", 4096)),
              HasSubstr("safetensors header of 4096 bytes runs past the end "
                        "of the file (10 bytes)"));
  // A length near 2^64 must not wrap around.
  EXPECT_THAT(errorOf(fileBytes("{}", "", ~uint64_t(0))),
              HasSubstr("larger than the 100000000-byte limit"));
}

TEST(SafeTensors, HeaderOver100MB) {
  // Checked before the file size: no 100 MB file is needed.
  EXPECT_THAT(errorOf(fileBytes("{}", "", 100'000'001)),
              HasSubstr("safetensors header of 100000001 bytes is larger "
                        "than the 100000000-byte limit"));
}

TEST(SafeTensors, NotJSON) {
  EXPECT_THAT(
      errorOf(fileBytes("{not json}")),
      HasSubstr("safetensors header is not valid JSON: parse error "
                "at line 1, column 3: syntax error while parsing object key"));
  EXPECT_THAT(errorOf(fileBytes("{\"a\": 1")), HasSubstr("is not valid JSON"));
  EXPECT_THAT(errorOf(fileBytes("[1, 2]")),
              HasSubstr("safetensors header does not start with '{'"));
  EXPECT_THAT(errorOf(fileBytes("")),
              HasSubstr("safetensors header does not start with '{'"));
}

TEST(SafeTensors, MalformedEntries) {
  EXPECT_THAT(errorOf(fileBytes(R"({"a": 1})")),
              HasSubstr("tensor 'a' is not an object with dtype, shape and "
                        "data_offsets"));
  EXPECT_THAT(errorOf(fileBytes(R"({"a": {"dtype": "F32", "shape": [1]}})")),
              HasSubstr("tensor 'a' lacks data_offsets"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})")),
      HasSubstr("tensor 'a' has a shape that is not a list of non-negative "
                "integers"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}})")),
      HasSubstr("tensor 'a' has data_offsets that are not two non-negative "
                "integers"));
  EXPECT_THAT(errorOf(fileBytes(R"({"__metadata__": {"format": 1}})")),
              HasSubstr("__metadata__ entry 'format' is not a string"));
}

TEST(SafeTensors, MalformedFields) {
  EXPECT_THAT(
      errorOf(fileBytes(R"({"a": {"shape": [1], "data_offsets": [0, 4]}})")),
      HasSubstr("tensor 'a' lacks dtype"));
  EXPECT_THAT(
      errorOf(fileBytes(R"({"a": {"dtype": "F32", "data_offsets": [0, 4]}})")),
      HasSubstr("tensor 'a' lacks shape"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}})")),
      HasSubstr("tensor 'a' has a dtype that is not a string"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}})")),
      HasSubstr("tensor 'a' has a shape that is not a list of sizes"));
  EXPECT_THAT(errorOf(fileBytes(R"({"__metadata__": ["pt"]})")),
              HasSubstr("__metadata__ is not a map of strings to strings"));
}

TEST(SafeTensors, UnknownDType) {
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"w": {"dtype": "Q4_0", "shape": [2], "data_offsets": [0, 1]}})",
          "x")),
      HasSubstr("tensor 'w' has unknown dtype 'Q4_0'"));
}

TEST(SafeTensors, ShapeSizeMismatch) {
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})",
          std::string(20, '\0'))),
      HasSubstr("tensor 'w' is F32[2x3], 24 bytes, but its data_offsets "
                "[0, 20) hold 20"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"w": {"dtype": "F32", "shape": [4611686018427387904, 8], "data_offsets": [0, 0]}})")),
      HasSubstr("more bytes than fit in 64 bits"));
}

TEST(SafeTensors, OffsetsOutOfRange) {
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
          std::string(8, '\0'))),
      HasSubstr("tensor 'w' has data_offsets [4, 12) beyond the end of the "
                "data section (8 bytes)"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})",
          std::string(8, '\0'))),
      HasSubstr("tensor 'w' has data_offsets [8, 4) that end before they "
                "begin"));
}

TEST(SafeTensors, OverlappingOffsets) {
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
          R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
          std::string(12, '\0'))),
      HasSubstr("tensors 'a' [0, 8) and 'b' [4, 12) overlap"));
}

TEST(SafeTensors, Holes) {
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},)"
          R"( "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
          std::string(12, '\0'))),
      HasSubstr("bytes [4, 8) of the data section belong to no tensor (a "
                "hole before 'b')"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
          std::string(8, '\0'))),
      HasSubstr("bytes [0, 4) of the data section belong to no tensor"));
  EXPECT_THAT(
      errorOf(fileBytes(
          R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
          std::string(8, '\0'))),
      HasSubstr("bytes [4, 8) of the data section belong to no tensor (after "
                "the last one)"));
}

TEST(SafeTensors, ReadsFloats) {
  // a: F32 [2]; b: F16 [4] (1, -2, smallest subnormal, inf); c: BF16 [2]
  // (1.5, -0); e: empty; data in an order other than the header's.
  std::string data = f32Bytes({0.25f, -3.5f});
  data += std::string("\x00\x3c\x00\xc0\x01\x00\x00\x7c", 8);
  data += std::string("\xc0\x3f\x00\x80", 4);
  std::string header =
      R"({"c": {"dtype": "BF16", "shape": [2], "data_offsets": [16, 20]},)"
      R"( "__metadata__": {"format": "pt"},)"
      R"( "e": {"dtype": "F32", "shape": [0, 3], "data_offsets": [20, 20]},)"
      R"( "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
      R"( "b": {"dtype": "F16", "shape": [2, 2], "data_offsets": [8, 16]}})";
  header += "   "; // padding, as writers align the data section
  std::string error;
  std::unique_ptr<File> file = parseBytes(fileBytes(header, data), error);
  ASSERT_NE(file, nullptr) << error;
  ASSERT_EQ(file->tensors().size(), 4u);
  EXPECT_EQ(file->tensors()[0].name, "a"); // sorted by offset
  EXPECT_EQ(file->metadata().at("format"), "pt");
  std::vector<float> v;
  ASSERT_TRUE(file->readF32(*file->find("a"), v, error));
  EXPECT_EQ(v, (std::vector<float>{0.25f, -3.5f}));
  ASSERT_TRUE(file->readF32(*file->find("b"), v, error));
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[1], -2.0f);
  EXPECT_EQ(v[2], std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isinf(v[3]) && v[3] > 0);
  ASSERT_TRUE(file->readF32(*file->find("c"), v, error));
  EXPECT_EQ(v[0], 1.5f);
  EXPECT_TRUE(v[1] == 0.0f && std::signbit(v[1]));
  ASSERT_TRUE(file->readF32(*file->find("e"), v, error));
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(file->find("e")->describe(), "F32[0x3]");
  EXPECT_EQ(file->find("missing"), nullptr);
}

TEST(SafeTensors, ReadF32RejectsIntegers) {
  std::string error;
  std::unique_ptr<File> file = parseBytes(
      fileBytes(
          R"({"q": {"dtype": "I8", "shape": [4], "data_offsets": [0, 4]}})",
          "abcd"),
      error);
  ASSERT_NE(file, nullptr) << error;
  std::vector<float> v;
  EXPECT_FALSE(file->readF32(file->tensors()[0], v, error));
  EXPECT_EQ(error, "'test.safetensors': tensor 'q' is I8[4]; only F32, F16 "
                   "and BF16 tensors are read as floats");
}

TEST(SafeTensors, OpenNamesTheFile) {
  std::string error;
  EXPECT_EQ(File::open("/nonexistent/adapter.safetensors", error), nullptr);
  EXPECT_THAT(error,
              HasSubstr("cannot read '/nonexistent/adapter.safetensors'"));

  llvm::SmallString<128> path;
  int fd;
  ASSERT_FALSE(
      llvm::sys::fs::createTemporaryFile("qmlir-st", "safetensors", fd, path));
  llvm::FileRemover remove(path);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << fileBytes(
        R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
        f32Bytes({7.0f}));
  }
  std::unique_ptr<File> file = File::open(path, error);
  ASSERT_NE(file, nullptr) << error;
  EXPECT_EQ(file->path(), path.str());
  std::vector<float> v;
  ASSERT_TRUE(file->readF32(file->tensors()[0], v, error));
  EXPECT_EQ(v, std::vector<float>{7.0f});
}

TEST(SafeTensors, HalfWideningIsExact) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    llvm::APFloat ref(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
    bool lost;
    ref.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
                &lost);
    float got = halfToFloat(static_cast<uint16_t>(bits));
    if (ref.isNaN()) {
      EXPECT_TRUE(std::isnan(got)) << bits;
      continue;
    }
    EXPECT_EQ(got, ref.convertToFloat()) << bits;
    EXPECT_EQ(std::signbit(got), ref.isNegative()) << bits;
  }
  EXPECT_EQ(bfloat16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(bfloat16ToFloat(0xc2f7), -123.5f);
}

} // namespace
