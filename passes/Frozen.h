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

/// A Dense/Conv2D's frozen kernel and bias (zeros when the layer has none), per
/// output channel = the kernel's last dimension.
struct LayerValues {
  std::vector<double> kernel, bias;
};
/// None unless `kernel` and `bias` (if not null) read frozen variables.
std::optional<LayerValues> frozenLayer(mlir::Value kernel, mlir::Value bias);

/// `layer` (a Dense or Conv2D, operands input, kernel, bias?) takes new frozen
/// variables holding `values`, named after `kernel`'s variable plus `suffix`
/// ("conv2d.kernel/bn_folded", "conv2d.bias/bn_folded"); a missing bias is added.
void setFrozenLayer(mlir::Operation *layer, const LayerValues &values, llvm::StringRef suffix);

/// Erases the frozen variables that no op references any more.
void eraseUnusedFrozen(mlir::ModuleOp module);

} // namespace nnc::passes

#endif
