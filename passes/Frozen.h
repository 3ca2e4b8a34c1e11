// Frozen weights (nn.variable with a `value`, from nnc --weights): reading their
// values and adding folded ones, for the constant-folding passes.
#ifndef NNC_PASSES_FROZEN_H
#define NNC_PASSES_FROZEN_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace mlir {
class ModuleOp;
class RankedTensorType;
} // namespace mlir

namespace nnc::passes {

/// The values `v` holds when it is an nn.read of a frozen variable.
std::optional<std::vector<double>> frozenValues(mlir::Value v);

/// The symbol of the variable `v` reads ("" when it is no nn.read).
llvm::StringRef variableName(mlir::Value v);

/// A new frozen, non-trainable variable (named `base`, made unique) holding
/// `values`, and its nn.read inserted before `at`.
mlir::Value newFrozen(mlir::Operation *at, llvm::StringRef base, mlir::RankedTensorType type,
                      const std::vector<double> &values);

/// Erases the frozen variables that no op references any more.
void eraseUnusedFrozen(mlir::ModuleOp module);

} // namespace nnc::passes

#endif
