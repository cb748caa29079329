//===- PlanWorkspace.h - what q-plan-workspace leaves behind ----*- C++ -*-===//
//
// Part of qmlir. The names and constants q-plan-workspace shares with the
// code that exports the planned function through the C ABI.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_LINALGTOCPU_PLANWORKSPACE_H
#define QMLIR_CONVERSION_LINALGTOCPU_PLANWORKSPACE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace qmlir {
/// The function attribute holding the workspace's size in bytes (an i64);
/// the workspace is the function's last argument.
inline constexpr llvm::StringLiteral kWorkspaceSizeAttrName =
    "q.workspace_size";
/// The workspace's alignment in bytes: callers provide it, every buffer's
/// offset in it is a multiple of it.
inline constexpr int64_t kWorkspaceAlignment = 64;
} // namespace qmlir

#endif // QMLIR_CONVERSION_LINALGTOCPU_PLANWORKSPACE_H
