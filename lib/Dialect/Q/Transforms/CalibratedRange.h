//===- CalibratedRange.h - ranges q-calibrate attached ----------*- C++ -*-===//
//
// Part of qmlir. q-calibrate attaches a `q.calibration` dictionary to each
// f32 result (and function argument): `lo`/`hi` (the range its method
// chose), `min`/`max` (observed), `samples`. The passes that quantize read
// them here.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_Q_TRANSFORMS_CALIBRATEDRANGE_H
#define QMLIR_LIB_DIALECT_Q_TRANSFORMS_CALIBRATEDRANGE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <utility>

namespace qmlir {

/// The range of `v` under keys `loKey`/`hiKey` ("lo"/"hi": the method's
/// choice; "min"/"max": observed) of the `q.calibration` its producer (or,
/// for an argument, its function) carries.
inline std::optional<std::pair<float, float>>
calibratedRange(mlir::Value v, llvm::StringRef loKey = "lo",
                llvm::StringRef hiKey = "hi") {
  mlir::DictionaryAttr d;
  if (auto arg = mlir::dyn_cast<mlir::BlockArgument>(v)) {
    if (auto func = mlir::dyn_cast<mlir::func::FuncOp>(
            arg.getOwner()->getParentOp()))
      d = func.getArgAttrOfType<mlir::DictionaryAttr>(arg.getArgNumber(),
                                                      "q.calibration");
  } else if (auto all = v.getDefiningOp()->getAttrOfType<mlir::ArrayAttr>(
                 "q.calibration")) {
    unsigned i = mlir::cast<mlir::OpResult>(v).getResultNumber();
    if (i < all.size())
      d = mlir::dyn_cast<mlir::DictionaryAttr>(all[i]);
  }
  if (!d)
    return std::nullopt;
  auto lo = d.getAs<mlir::FloatAttr>(loKey), hi = d.getAs<mlir::FloatAttr>(hiKey);
  if (!lo || !hi)
    return std::nullopt;
  return std::make_pair(static_cast<float>(lo.getValueAsDouble()),
                        static_cast<float>(hi.getValueAsDouble()));
}

} // namespace qmlir

#endif // QMLIR_LIB_DIALECT_Q_TRANSFORMS_CALIBRATEDRANGE_H
