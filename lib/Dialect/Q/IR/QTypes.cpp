//===- QTypes.cpp - q dialect types ---------------------------------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QTypes.h"
#include "qmlir/Dialect/Q/IR/QDialect.h"

#include "mlir/IR/DialectImplementation.h"

#include <cmath>

using namespace mlir;
using namespace qmlir::q;

// bitsandbytes functional.py get_4bit_type("nf4").
static const double kNF4Table[16] = {
    -1.0,
    -0.6961928009986877,
    -0.5250730514526367,
    -0.39491748809814453,
    -0.28444138169288635,
    -0.18477343022823334,
    -0.09105003625154495,
    0.0,
    0.07958029955625534,
    0.16093020141124725,
    0.24611230194568634,
    0.33791524171829224,
    0.44070982933044434,
    0.5626170039176941,
    0.7229568362236023,
    1.0};

// bitsandbytes functional.py get_4bit_type("fp4"): [0, 0.0625, 8, 12, 4, 6,
// 2, 3] / 12 and their negatives (index 8..15), not OCP's E2M1.
static const double kFP4Table[16] = {
    0.0,        0.0625 / 12, 8.0 / 12,        12.0 / 12,
    4.0 / 12,   6.0 / 12,    2.0 / 12,        3.0 / 12,
    -0.0,       -0.0625 / 12, -8.0 / 12,      -12.0 / 12,
    -4.0 / 12,  -6.0 / 12,   -2.0 / 12,       -3.0 / 12};

/// Bitwise equality, so that the -0.0 of fp4 differs from +0.0.
static bool sameTable(ArrayRef<double> a, ArrayRef<double> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip_equal(a, b))
    if (!APFloat(x).bitwiseIsEqual(APFloat(y)))
      return false;
  return true;
}

ArrayRef<double> CodebookType::getNamedTable(StringRef name) {
  if (name == "nf4")
    return kNF4Table;
  if (name == "fp4")
    return kFP4Table;
  return {};
}

CodebookType CodebookType::getNamed(MLIRContext *ctx, StringRef name,
                                    FloatType expressedType,
                                    int64_t blockSize) {
  return CodebookType::get(ctx, name, IntegerType::get(ctx, 4), expressedType,
                           DenseF64ArrayAttr::get(ctx, getNamedTable(name)),
                           blockSize);
}

LogicalResult
CodebookType::verify(function_ref<InFlightDiagnostic()> emitError,
                     StringRef name, IntegerType storageType,
                     FloatType expressedType, DenseF64ArrayAttr table,
                     int64_t blockSize) {
  ArrayRef<double> values = table.asArrayRef();
  unsigned width = storageType.getWidth();
  if (width < 2 || width > 8)
    return emitError() << "codebook storage must be 2 to 8 bits wide, got "
                       << storageType;
  if (values.size() != (size_t(1) << width))
    return emitError() << "codebook of " << storageType << " needs "
                       << (1u << width) << " values, got " << values.size();
  for (double v : values)
    if (!std::isfinite(v))
      return emitError() << "codebook values must be finite";
  if (blockSize <= 0)
    return emitError() << "codebook block size must be positive, got "
                       << blockSize;
  ArrayRef<double> named = getNamedTable(name);
  if (!named.empty() && !sameTable(named, values))
    return emitError() << "codebook '" << name
                       << "' does not match the builtin table of that name";
  return success();
}

// !q.codebook<nf4, i4:f32, block = 64>
// !q.codebook<"name", i4:f32, block = 32, [v0, v1, ...]>
Type CodebookType::parse(AsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  std::string name;
  Type storageType, expressedType;
  int64_t blockSize = 0;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess())
    return {};
  if (failed(parser.parseOptionalString(&name))) {
    StringRef keyword;
    if (parser.parseKeyword(&keyword))
      return {};
    name = keyword.str();
  }
  SMLoc storageLoc, expressedLoc;
  if (parser.parseComma() || parser.getCurrentLocation(&storageLoc) ||
      parser.parseType(storageType) || parser.parseColon() ||
      parser.getCurrentLocation(&expressedLoc) ||
      parser.parseType(expressedType))
    return {};
  auto storage = dyn_cast<IntegerType>(storageType);
  if (!storage) {
    parser.emitError(storageLoc, "codebook storage type must be an integer "
                                 "type, got ")
        << storageType;
    return {};
  }
  auto expressed = dyn_cast<FloatType>(expressedType);
  if (!expressed) {
    parser.emitError(expressedLoc, "codebook expressed type must be a float "
                                   "type, got ")
        << expressedType;
    return {};
  }
  if (parser.parseComma() || parser.parseKeyword("block") ||
      parser.parseEqual() || parser.parseInteger(blockSize))
    return {};
  SmallVector<double> values;
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseCommaSeparatedList(
            AsmParser::Delimiter::Square, [&]() -> ParseResult {
              double v;
              if (parser.parseFloat(v))
                return failure();
              values.push_back(v);
              return success();
            }))
      return {};
  } else {
    ArrayRef<double> named = getNamedTable(name);
    if (named.empty()) {
      parser.emitError(loc) << "unknown codebook '" << name
                            << "': write its values out";
      return {};
    }
    values.assign(named.begin(), named.end());
  }
  if (parser.parseGreater())
    return {};
  return getChecked([&]() { return parser.emitError(loc); }, ctx, StringRef(name),
                    storage, expressed, DenseF64ArrayAttr::get(ctx, values),
                    blockSize);
}

void CodebookType::print(AsmPrinter &printer) const {
  ArrayRef<double> table = getNamedTable(getName());
  bool named = !table.empty() && sameTable(table, getValues());
  printer << "<";
  if (named)
    printer << getName();
  else
    printer.printString(getName());
  printer << ", " << getStorageType() << ":" << getExpressedType()
          << ", block = " << getBlockSize();
  if (!named) {
    printer << ", [";
    llvm::interleaveComma(getValues(), printer,
                          [&](double v) { printer.printFloat(APFloat(v)); });
    printer << "]";
  }
  printer << ">";
}
