// The autodiff transform over nn modules (its pass, --nn-build-training, is declared
// with the others in passes/Passes.td).
#ifndef NNC_IR_PASSES_H
#define NNC_IR_PASSES_H

#include "mlir/Support/LogicalResult.h"

#include <memory>

namespace mlir {
class ModuleOp;
class Pass;
} // namespace mlir

namespace nnc::nn {

/// The autodiff pass: for a compiled model (nn.loss and nn.optimizer set), adds
///   @train_step(x, labels, counter) -> (loss, metrics...): the forward pass in
///     training mode (batch statistics, Dropout masks), the loss and metrics, the
///     reverse sweep built from each op's GradientOpInterface, optimizer updates
///     and moving-average updates as nn.assign;
///   @evaluate(x, labels) -> (loss, metrics...): inference mode;
/// the optimizer's slot variables (role "slot") and @optimizer.iterations.
/// A module without a loss or optimizer is left as it is; so is one that has
/// @train_step already.
mlir::LogicalResult buildTraining(mlir::ModuleOp module);

} // namespace nnc::nn

#endif
